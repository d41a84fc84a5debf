// The golden usage table: every format's answers and streams → normalised classes → exact pico-USD → micro-USD charged.
import { describe, expect, test } from 'bun:test'
import type { EventSourceMessage } from 'eventsource-parser'
import { modelPrices } from '../../src/catalog/catalog'
import type { ModelConfig } from '../../src/config/schema'
import { openAIFormat } from '../../src/formats/openai'
import { parseOpenAIChat } from '../../src/formats/openai/request'
import { relayStream, type StreamOutcome } from '../../src/gateway/stream-relay'
import { exactCost, splitPicos, tokenClasses } from '../../src/money/pricing'
import { fromAnthropicUsage } from '../../src/providers/anthropic/response'
import { anthropicTranslator } from '../../src/providers/anthropic/stream'
import { fromGeminiUsage } from '../../src/providers/gemini/response'
import { geminiTranslator } from '../../src/providers/gemini/stream'
import { fromOpenAIUsage } from '../../src/providers/openai-compatible/response'
import { fromResponsesUsage, responsesTranslator } from '../../src/providers/openai-compatible/responses'
import { openAITranslator } from '../../src/providers/openai-compatible/stream'
import { frameBatches, type StreamTranslator } from '../../src/providers/stream-batches'
import type { FrameBatch, Usage } from '../../src/providers/types'
import { GOLDEN, type GoldenRow } from '../fixtures/usage/golden'

const NORMALISERS: Record<GoldenRow['format'], (usage: never) => Usage | null> = {
  openai: fromOpenAIUsage,
  deepseek: fromOpenAIUsage,
  responses: fromResponsesUsage,
  anthropic: fromAnthropicUsage,
  gemini: fromGeminiUsage,
}
const TRANSLATORS: Record<GoldenRow['format'], () => StreamTranslator> = {
  openai: () => openAITranslator('golden'),
  deepseek: () => openAITranslator('golden'),
  responses: () => responsesTranslator('golden'),
  anthropic: () => anthropicTranslator('golden'),
  gemini: () => geminiTranslator('golden'),
}

/** One network read per event, as an upstream that flushes each event would deliver them. */
async function* reads(row: GoldenRow): AsyncGenerator<EventSourceMessage[]> {
  for (const e of row.events!) yield [{ event: e.event, data: JSON.stringify(e.data), id: undefined }]
}

/** A stream relayed to an OpenAI client: read whole, or left after its first write (the relay reads on). */
async function relayed(row: GoldenRow): Promise<StreamOutcome> {
  const frames = frameBatches(reads(row), TRANSLATORS[row.format]())[Symbol.asyncIterator]() as AsyncIterator<FrameBatch>
  const ended = Promise.withResolvers<StreamOutcome>()
  const body = relayStream({
    frames,
    first: await frames.next(),
    encoder: openAIFormat.streamEncoder({
      clientModel: 'm',
      request: parseOpenAIChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
      requestId: 'req_golden',
    }),
    onFirstByte: () => {},
    onEnd: async (outcome) => {
      ended.resolve(outcome)
      return null
    },
  })
  const reader = body.getReader()
  if (row.clientCut) {
    await reader.read()
    await reader.cancel()
  } else {
    while (!(await reader.read()).done) {}
  }
  return ended.promise
}

const pricedModel = (row: GoldenRow) => ({ prices: modelPrices({ id: 'm', provider: 'p', ...row.prices } as ModelConfig) })

describe('golden usage table', () => {
  for (const row of GOLDEN) {
    test(`${row.format}: ${row.case}`, async () => {
      let usage: Usage | null
      if (row.events) {
        const outcome = await relayed(row)
        if (row.clientCut) expect(outcome.clientGone).toBe(true)
        usage = outcome.usage
      } else {
        usage = NORMALISERS[row.format](row.usage as never)
      }
      expect(usage).not.toBeNull()
      expect(usage!.invalid).toBeUndefined()
      const classes = tokenClasses(usage!)
      expect({ ...classes, reasoning: usage!.reasoningTokens ?? 0 }).toEqual(row.classes)
      // Disjoint: the classes add up to every prompt token, no token counted twice.
      expect(classes.input + classes.cacheRead + classes.cacheWrite + classes.cacheWrite1h).toBe(usage!.inputTokens)
      const cost = exactCost(pricedModel(row), usage!)
      expect(cost.picos).toBe(row.picos)
      expect(splitPicos(cost.picos).micros).toBe(row.micros)
    })
  }

  test('every format has its rows: no cache, cache read, reasoning and both stream endings', () => {
    for (const format of ['openai', 'responses', 'anthropic', 'gemini', 'deepseek'] as const) {
      const cases = GOLDEN.filter((r) => r.format === format).map((r) => r.case)
      for (const needed of ['no cache', 'cache read', 'reasoning', 'stream, usage at the end', 'stream cut by the client']) {
        expect(cases.some((c) => c.startsWith(needed))).toBe(true)
      }
    }
  })
})

describe('classes that exceed their totals are not believed', () => {
  const cases: Array<[GoldenRow['format'], string, Record<string, unknown>, RegExp]> = [
    [
      'openai',
      'reads + writes above prompt_tokens',
      { prompt_tokens: 100, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 41 } },
      /101 cached input tokens/,
    ],
    [
      'openai',
      'reasoning above completion_tokens',
      { prompt_tokens: 10, completion_tokens: 5, completion_tokens_details: { reasoning_tokens: 6 } },
      /6 reasoning tokens/,
    ],
    [
      'deepseek',
      'cache hits above prompt_tokens',
      { prompt_tokens: 10, completion_tokens: 1, prompt_cache_hit_tokens: 11 },
      /11 cached input tokens/,
    ],
    [
      'responses',
      'cached above input_tokens',
      { input_tokens: 10, input_tokens_details: { cached_tokens: 11 }, output_tokens: 1 },
      /11 cached input tokens/,
    ],
    [
      'anthropic',
      'a lifetime split above cache_creation_input_tokens',
      {
        input_tokens: 5,
        cache_creation_input_tokens: 10,
        cache_creation: { ephemeral_5m_input_tokens: 6, ephemeral_1h_input_tokens: 6 },
        output_tokens: 1,
      },
      /cache_creation \(6 \+ 6\)/,
    ],
    [
      'anthropic',
      'thinking above output_tokens',
      { input_tokens: 5, output_tokens: 3, output_tokens_details: { thinking_tokens: 4 } },
      /4 reasoning tokens/,
    ],
    [
      'anthropic',
      'a negative 1-hour write',
      { input_tokens: 5, cache_creation_input_tokens: 10, cache_creation: { ephemeral_1h_input_tokens: -1 }, output_tokens: 1 },
      /ephemeral_1h_input_tokens = -1/,
    ],
    [
      'gemini',
      'cached above the prompt',
      { promptTokenCount: 10, cachedContentTokenCount: 11, candidatesTokenCount: 1 },
      /11 cached input tokens/,
    ],
  ]
  for (const [format, label, usage, reason] of cases) {
    test(`${format}: ${label}`, () => {
      const normalised = NORMALISERS[format](usage as never)!
      expect(normalised.invalid).toMatch(reason)
      expect(normalised).toMatchObject({ inputTokens: 0, outputTokens: 0 })
    })
  }
})
