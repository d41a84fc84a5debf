// The token estimate measured against real tokenizers (GPT's o200k and cl100k): bounds per sample, ratios per language.
import { describe, expect, test } from 'bun:test'
import { encode as cl100k } from 'gpt-tokenizer/encoding/cl100k_base'
import { encode as o200k } from 'gpt-tokenizer/encoding/o200k_base'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { estimateText } from '../../src/tokens/token-count'

const fixture = (name: string) =>
  readFileSync(join(import.meta.dir, '../fixtures/estimate', name), 'utf8')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0 && p !== '---')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : []
  })
}

// A fixed pseudo-random source, so the high-entropy samples are the same on every run.
let seed = 7
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
  return seed / 2 ** 32
}
const pick = (n: number, alphabet: string) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')

const CORPUS: Record<string, string[]> = {
  english: fixture('english.txt'),
  chinese: fixture('chinese.txt'),
  code: sourceFiles(join(import.meta.dir, '../../src')).map((f) => readFileSync(f, 'utf8')),
  json: [
    JSON.stringify({ users: Array.from({ length: 40 }, (_, i) => ({ id: i, name: `user${i}`, score: Math.round(random() * 1e6) / 1e6 })) }),
    JSON.stringify(
      Array.from({ length: 30 }, (_, i) => ({ ts: 1_700_000_000_000 + i * 7919, lat: random() * 180 - 90 })),
      null,
      2,
    ),
  ],
  'ids and blobs': [
    pick(3000, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
    pick(3000, '0123456789abcdef'),
    Array.from({ length: 60 }, () => [8, 4, 4, 4, 12].map((n) => pick(n, '0123456789abcdef')).join('-')).join(', '),
    Array.from({ length: 40 }, () => `https://example.com/${pick(8, 'abcdefghijklmnop')}?id=${pick(12, '0123456789')}`).join('\n'),
  ],
}

interface Figures {
  high: number
  low: number
  o200k: number
  cl100k: number
}

function measure(samples: string[]): Figures & { samples: Array<Figures & { text: string }> } {
  const rows = samples.map((text) => ({ text, ...estimateText(text), o200k: o200k(text).length, cl100k: cl100k(text).length }))
  const total = (k: keyof Figures) => rows.reduce((n, r) => n + r[k], 0)
  return { high: total('high'), low: total('low'), o200k: total('o200k'), cl100k: total('cl100k'), samples: rows }
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100

describe('token estimate against real tokenizers', () => {
  const results = Object.fromEntries(Object.entries(CORPUS).map(([name, samples]) => [name, measure(samples)]))

  test('report: over-estimate ratios per class (high ÷ real) and low ÷ real', () => {
    const table = Object.entries(results).map(([name, r]) => ({
      class: name,
      samples: r.samples.length,
      'high/o200k': ratio(r.high, r.o200k),
      'high/cl100k': ratio(r.high, r.cl100k),
      'low/o200k': ratio(r.low, r.o200k),
      'low/cl100k': ratio(r.low, r.cl100k),
    }))
    console.table(table)
    expect(table).toHaveLength(5)
  })

  for (const name of Object.keys(CORPUS)) {
    test(`${name}: high ≥ real and low ≤ real on every sample, in both tokenizers`, () => {
      for (const row of results[name]!.samples) {
        // Compared as objects so a failure names the sample.
        const text = row.text.slice(0, 40)
        expect({
          text,
          highCovers: row.high >= Math.max(row.o200k, row.cl100k),
          lowBelow: row.low <= Math.min(row.o200k, row.cl100k),
        }).toEqual({
          text,
          highCovers: true,
          lowBelow: true,
        })
      }
    })
  }

  test('English and Chinese prose are over-estimated by a bounded margin', () => {
    const en = results.english!
    const zh = results.chinese!
    expect(ratio(en.high, en.cl100k)).toBeLessThanOrEqual(1.5)
    expect(ratio(en.high, en.o200k)).toBeLessThanOrEqual(1.5)
    expect(ratio(zh.high, zh.cl100k)).toBeLessThanOrEqual(1.5)
    expect(ratio(zh.high, zh.o200k)).toBeLessThanOrEqual(2.1)
    // The lower bound stays useful: it is not a trivial zero.
    expect(ratio(en.low, en.o200k)).toBeGreaterThanOrEqual(0.4)
    expect(ratio(zh.low, zh.o200k)).toBeGreaterThanOrEqual(0.4)
  })

  test('a 1 MB prompt is estimated whole: the count of a unit repeated to 1 MB is the unit count times the copies (the speed is in bench/micro.ts)', () => {
    // Paragraphs end in a blank line, so no token spans two copies of the unit.
    const unit = `${CORPUS.english!.join('\n\n')}\n\n`
    const copies = Math.ceil(1_000_000 / unit.length)
    const one = estimateText(unit)
    const big = estimateText(unit.repeat(copies))
    expect(copies * unit.length).toBeGreaterThanOrEqual(1_000_000)
    expect(big.high).toBe(copies * one.high)
    // The lower bound is rounded once per text, not per copy.
    expect(Math.abs(big.low - copies * one.low)).toBeLessThanOrEqual(copies / 2 + 1)
  })

  test('edge cases: empty text, a lone space, a word, numbers by groups of three', () => {
    expect(estimateText('')).toEqual({ high: 0, low: 0 })
    expect(estimateText(' ').high).toBe(1)
    expect(estimateText('hello').high).toBe(1)
    expect(estimateText('1234567').high).toBe(3)
    expect(estimateText('🎉').high).toBeGreaterThanOrEqual(o200k('🎉').length)
  })
})
