// Recorded upstream streams replayed split at every byte boundary: chunk boundaries never change the frames.
import { describe, expect, test } from 'bun:test'
import type { EventSourceMessage } from 'eventsource-parser'
import { anthropicFrames } from '../../src/providers/anthropic/stream'
import { geminiFrames } from '../../src/providers/gemini/stream'
import { openAIFrames } from '../../src/providers/openai-compatible/stream'
import { readSse } from '../../src/providers/sse-reader'
import type { ChatChunk, StreamFrame } from '../../src/providers/types'

type Translator = (provider: string, batches: AsyncIterable<EventSourceMessage[]>) => AsyncGenerator<StreamFrame[]>
const TRANSLATORS: Record<string, Translator> = { openai: openAIFrames, anthropic: anthropicFrames, gemini: geminiFrames }

interface Replay {
  frames: StreamFrame[]
  error: string | null
}

/** The provider's translator over `pieces` (one per network read, as a socket delivers them), through the real SSE reader. */
function translate(provider: string, pieces: Uint8Array[]) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece)
      controller.close()
    },
  })
  return TRANSLATORS[provider]!(
    'up',
    readSse('up', body, {
      signal: new AbortController().signal,
      idleTimeoutMs: 60_000,
      caps: { responseBytes: 1 << 30, streamEventBytes: 1 << 30 },
    }),
  )
}

/** Feeds `bytes` to the provider's translator as the given pieces. */
async function replay(provider: string, pieces: Uint8Array[]): Promise<Replay> {
  const frames: StreamFrame[] = []
  try {
    for await (const batch of translate(provider, pieces)) frames.push(...batch)
    return { frames, error: null }
  } catch (error) {
    return { frames, error: (error as Error).message }
  }
}

const load = async (path: string) => new Uint8Array(await Bun.file(new URL(`../fixtures/${path}`, import.meta.url)).arrayBuffer())
const chunksOf = (r: Replay): ChatChunk[] => r.frames.flatMap((f) => f.chunks)

interface Fixture {
  path: string
  chunks: ChatChunk[]
  error?: string
  /** Frames keep the raw event for same-format relays: one per upstream event. */
  rawEvents?: number
}

const FIXTURES: Fixture[] = [
  {
    path: 'anthropic/tool-use.sse',
    rawEvents: 13,
    chunks: [
      {
        type: 'start',
        id: 'msg_01K2JbSUMYhez5RHoK9ZCj9U',
        model: 'claude-haiku-4-5-20251001',
        promptUsage: { inputTokens: 849, outputTokens: 0 },
      },
      { type: 'text', text: "I'll check the weather in 東京 " },
      { type: 'text', text: 'for you ☀️.' },
      { type: 'tool_call_start', index: 0, id: 'toolu_01KFbKqPYSuAKujiL6mTfzYA', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"city": "Tok' },
      { type: 'tool_call_delta', index: 0, arguments: 'yo", "unit": "°C"}' },
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 849, outputTokens: 47 } },
    ],
  },
  {
    path: 'anthropic/thinking-cached.sse',
    rawEvents: 12,
    chunks: [
      {
        type: 'start',
        id: 'msg_01QC4g3HwBThD4BaNtBckFDJ',
        model: 'claude-sonnet-4-5-20250929',
        // message_start tells the prompt's classes: input_tokens 6 + cache_read_input_tokens 41203
        promptUsage: { inputTokens: 41209, cacheReadTokens: 41203, outputTokens: 0 },
      },
      { type: 'text', text: 'Hello! Grüße — ' },
      { type: 'text', text: 'how can I help? 🙂' },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { inputTokens: 41209, outputTokens: 30, cacheReadTokens: 41203 } },
    ],
  },
  {
    path: 'anthropic/overloaded-mid-stream.sse',
    chunks: [
      {
        type: 'start',
        id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        model: 'claude-opus-4-1-20250805',
        promptUsage: { inputTokens: 12, outputTokens: 0 },
      },
      { type: 'text', text: 'Once upon a time' },
    ],
    error: "Upstream provider 'up' failed mid-stream: Overloaded",
  },
  {
    path: 'openai/text-usage-crlf.sse',
    rawEvents: 5,
    chunks: [
      { type: 'start', id: 'chatcmpl-C5wz1', model: 'gpt-4o-mini-2024-07-18' },
      { type: 'text', text: 'Bonjour, ' },
      { type: 'text', text: 'ça va? 你好 👋' },
      { type: 'finish', reason: 'length' },
      { type: 'usage', usage: { inputTokens: 1536, outputTokens: 9, cacheReadTokens: 1024 } },
    ],
  },
  {
    path: 'openai/parallel-tool-calls.sse',
    rawEvents: 7,
    chunks: [
      { type: 'start', id: 'chatcmpl-C5x02', model: 'gpt-4o-2024-08-06' },
      { type: 'tool_call_start', index: 0, id: 'call_ZfJ3n8', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"city": "Pa' },
      { type: 'tool_call_delta', index: 0, arguments: 'ris"}' },
      { type: 'tool_call_start', index: 1, id: 'call_Q9wX2c', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, arguments: '{"city": "Zürich"}' },
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 82, outputTokens: 46 } },
    ],
  },
  {
    path: 'gemini/thinking-text.sse',
    chunks: [
      {
        type: 'start',
        id: 'mIadaL2fFuGDz7IPyJDQ2QU',
        model: 'gemini-2.5-flash',
        promptUsage: { inputTokens: 2150, cacheReadTokens: 2048, outputTokens: 0 },
      },
      { type: 'text', text: 'Hallo! Schön, ' },
      { type: 'text', text: 'dich zu sehen — 很高兴见到你 🎉' },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { inputTokens: 2150, outputTokens: 61, cacheReadTokens: 2048, reasoningTokens: 44 } },
    ],
  },
  {
    path: 'gemini/parallel-function-calls.sse',
    chunks: [
      { type: 'start', id: 'x0ydaPe3AYqJ7M8Pw5nr8Ac', model: 'gemini-3-pro-preview', promptUsage: { inputTokens: 96, outputTokens: 0 } },
      { type: 'text', text: 'Let me look both up.' },
      { type: 'tool_call_start', index: 0, id: 'call_x0ydaPe3AYqJ7M8Pw5nr8Ac_0__ts__CiQB0e2Kb-8s1v_zq3Xz9Q', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"city":"Paris"}' },
      { type: 'tool_call_start', index: 1, id: 'call_x0ydaPe3AYqJ7M8Pw5nr8Ac_1', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, arguments: '{"city":"Zürich","unit":"°C"}' },
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 96, outputTokens: 84, reasoningTokens: 53 } },
    ],
  },
]

describe('recorded upstream streams', () => {
  for (const fixture of FIXTURES) {
    const provider = fixture.path.split('/')[0]!
    test(`${fixture.path}: whole body gives the expected chunks`, async () => {
      const whole = await replay(provider, [await load(fixture.path)])
      expect(chunksOf(whole)).toEqual(fixture.chunks)
      expect(whole.error).toBe(fixture.error ?? null)
      if (fixture.rawEvents !== undefined) {
        expect(whole.frames).toHaveLength(fixture.rawEvents)
        expect(whole.frames.every((f) => f.raw?.format === provider)).toBe(true)
      }
    })

    test(`${fixture.path}: split at every byte boundary, and byte by byte, gives the same frames`, async () => {
      const bytes = await load(fixture.path)
      const expected = JSON.stringify(await replay(provider, [bytes]))
      for (let cut = 1; cut < bytes.length; cut++) {
        const split = await replay(provider, [bytes.subarray(0, cut), bytes.subarray(cut)])
        if (JSON.stringify(split) !== expected) throw new Error(`${fixture.path}: a split at byte ${cut} changed the frames`)
      }
      const bytewise = await replay(
        provider,
        Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)),
      )
      expect(JSON.stringify(bytewise)).toBe(expected)
    })
  }

  test('everything one network read carried comes out as one batch (the relay writes it in one piece)', async () => {
    for (const fixture of FIXTURES.filter((f) => !f.error)) {
      const provider = fixture.path.split('/')[0]!
      const bytes = await load(fixture.path)
      const batchesOf = async (pieces: Uint8Array[]) => {
        const sizes: number[] = []
        for await (const batch of translate(provider, pieces)) sizes.push(batch.length)
        return sizes
      }
      const whole = await batchesOf([bytes])
      // Gemini sends its finish and usage after the body ends: a second, closing batch.
      expect(whole).toHaveLength(provider === 'gemini' ? 2 : 1)
      // Split between two events, past the first third (fixtures may end lines with \r\n).
      const buffer = Buffer.from(bytes)
      const boundary = (sep: string) => buffer.indexOf(sep, Math.floor(bytes.length / 3))
      const half = boundary('\n\n') >= 0 ? boundary('\n\n') + 2 : boundary('\r\n\r\n') + 4
      expect(half).toBeGreaterThan(bytes.length / 3)
      expect(half).toBeLessThan(bytes.length)
      const split = await batchesOf([bytes.subarray(0, half), bytes.subarray(half)])
      // At most one batch per read (a read whose events mean nothing, e.g. Gemini's empty last event, gives none).
      expect(split.length).toBeGreaterThanOrEqual(whole.length)
      expect(split.length).toBeLessThanOrEqual(whole.length + 1)
      expect(split.reduce((a, b) => a + b, 0)).toBe(whole.reduce((a, b) => a + b, 0))
    }
  })

  test('a stream cut before its end is an upstream error, for every translator', async () => {
    for (const fixture of FIXTURES.filter((f) => !f.error)) {
      const provider = fixture.path.split('/')[0]!
      const bytes = await load(fixture.path)
      const text = new TextDecoder().decode(bytes)
      // Cut just before the event that finishes the answer.
      const marker = { openai: '"finish_reason":"', anthropic: 'event: message_delta', gemini: '"finishReason"' }[provider]!
      const at = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n', text.indexOf(marker))))
      const cut = await replay(provider, [bytes.subarray(0, at)])
      expect(cut.error).toContain("Upstream provider 'up'")
      expect(cut.error).toContain('before')
    }
  })
})
