// Recorded upstream streams relayed into another client format: reasoning, signatures and stop sequences survive, at any byte split.
import { describe, expect, test } from 'bun:test'
import type { EventSourceMessage } from 'eventsource-parser'
import { anthropicStreamEncoder } from '../../src/formats/anthropic/stream'
import { parseAnthropicMessages } from '../../src/formats/anthropic/request'
import { openAIStreamEncoder } from '../../src/formats/openai/stream'
import { parseOpenAIChat } from '../../src/formats/openai/request'
import type { StreamEncoder } from '../../src/formats/types'
import { anthropicFrames } from '../../src/providers/anthropic/stream'
import { geminiFrames } from '../../src/providers/gemini/stream'
import { openAIFrames } from '../../src/providers/openai-compatible/stream'
import { readSse } from '../../src/providers/sse-reader'
import type { FrameBatch } from '../../src/providers/types'

type Translator = (provider: string, batches: AsyncIterable<EventSourceMessage[]>) => AsyncGenerator<FrameBatch>
const TRANSLATORS: Record<string, Translator> = { openai: openAIFrames, anthropic: anthropicFrames, gemini: geminiFrames }

const load = async (path: string) => new Uint8Array(await Bun.file(`${import.meta.dir}/../fixtures/${path}`).arrayBuffer())

const ENCODERS = {
  openai: (): StreamEncoder =>
    openAIStreamEncoder({
      clientModel: 'client-model',
      requestId: 'req_1',
      request: parseOpenAIChat({ model: 'client-model', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    }),
  anthropic: (): StreamEncoder =>
    anthropicStreamEncoder({
      clientModel: 'client-model',
      requestId: 'req_1',
      request: parseAnthropicMessages({ model: 'client-model', max_tokens: 9, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    }),
}

/** The upstream body, read as `pieces`, translated and encoded for a client of `client`'s format, with the raw relay stripped. */
async function relay(path: string, client: keyof typeof ENCODERS, pieces?: (bytes: Uint8Array) => Uint8Array[]): Promise<string> {
  const provider = path.split('/')[0]!
  const bytes = await load(path)
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces ? pieces(bytes) : [bytes]) controller.enqueue(piece)
      controller.close()
    },
  })
  const reader = readSse('up', body, {
    signal: new AbortController().signal,
    idleTimeoutMs: 60_000,
    caps: { responseBytes: 1 << 30, streamEventBytes: 1 << 30 },
  })
  const encoder = ENCODERS[client]()
  let out = ''
  // A client of another format never gets the raw upstream event.
  for await (const batch of TRANSLATORS[provider]!('up', reader)) for (const frame of batch) out += encoder.frame({ chunks: frame.chunks })
  // `created` is the encoder's clock, not part of what the upstream said.
  return (out + encoder.end()).replace(/"created":\d+/g, '"created":0')
}

// biome-ignore lint/suspicious/noExplicitAny: parsed SSE payloads, checked field by field below
type Json = Record<string, any>

const anthropicEvents = (text: string) =>
  text
    .split('\n\n')
    .filter((b) => b !== '')
    .map((b) => JSON.parse(b.split('\n')[1]!.replace(/^data: /, '')) as Json)
const openAIChunks = (text: string) =>
  text
    .split('\n\n')
    .filter((b) => b.startsWith('data: {'))
    .map((b) => JSON.parse(b.replace(/^data: /, '')) as Json)

describe('reasoning and stop sequences across formats, streamed', () => {
  test('DeepSeek reasoning_content → an Anthropic client: a signed thinking block, then the text, stop_sequence named', async () => {
    const events = anthropicEvents(await relay('openai/reasoning-content.sse', 'anthropic'))
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    expect(events[1]!.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' })
    expect(events[3]!.delta).toEqual({ type: 'thinking_delta', thinking: 'Count to three, ' })
    expect(events[4]!.delta).toEqual({ type: 'thinking_delta', thinking: 'stop before 3 — 好的.' })
    expect(events[5]!.delta).toEqual({ type: 'signature_delta', signature: 'th1_openai_' })
    expect(events[8]!.delta).toEqual({ type: 'text_delta', text: '1, 2, ' })
    expect(events[10]!.delta).toEqual({ stop_reason: 'stop_sequence', stop_sequence: '3' })
    expect(events[10]!.usage).toMatchObject({ output_tokens: 40, output_tokens_details: { thinking_tokens: 31 } })
  })

  test('Anthropic thinking → an OpenAI client: reasoning_content deltas, then the whole signed block as thinking_blocks', async () => {
    const chunks = openAIChunks(await relay('anthropic/thinking-cached.sse', 'openai'))
    const deltas = chunks.map((c) => c.choices[0]?.delta ?? {})
    expect(deltas.filter((d) => d.reasoning_content).map((d) => d.reasoning_content)).toEqual(['The user greets me; reply politely.'])
    expect(deltas.find((d) => d.thinking_blocks)!.thinking_blocks).toEqual([
      {
        type: 'thinking',
        thinking: 'The user greets me; reply politely.',
        signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds',
      },
    ])
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('Hello! Grüße — how can I help? 🙂')
  })

  test('Gemini thought summary → an Anthropic client: a thinking block signed for Gemini', async () => {
    const events = anthropicEvents(await relay('gemini/thinking-text.sse', 'anthropic'))
    const thinking = events.filter((e) => e.type === 'content_block_delta' && e.delta.type !== 'text_delta').map((e) => e.delta)
    expect(thinking).toEqual([
      { type: 'thinking_delta', thinking: 'Considering a short greeting.' },
      { type: 'signature_delta', signature: 'th1_gemini_' },
    ])
    expect(events.find((e) => e.type === 'message_delta')!.delta).toEqual({ stop_reason: 'end_turn', stop_sequence: null })
  })

  for (const [path, client] of [
    ['openai/reasoning-content.sse', 'anthropic'],
    ['anthropic/thinking-cached.sse', 'openai'],
    ['gemini/thinking-text.sse', 'anthropic'],
  ] as const) {
    test(`${path} → ${client}: every byte split gives the same client stream`, async () => {
      const whole = await relay(path, client)
      const bytes = await load(path)
      for (let cut = 1; cut < bytes.length; cut += 7) {
        const split = await relay(path, client, (b) => [b.subarray(0, cut), b.subarray(cut)])
        if (split !== whole) throw new Error(`a split at byte ${cut} changed the stream`)
      }
    })
  }
})

describe('reasoning to a Responses client', () => {
  test('Anthropic thinking → reasoning item events (summary part, text deltas, done) before the message', async () => {
    const { responsesStreamEncoder } = await import('../../src/formats/responses/stream')
    const { parseResponsesRequest } = await import('../../src/formats/responses/request')
    const encoder = responsesStreamEncoder({
      clientModel: 'client-model',
      requestId: 'req_1',
      request: parseResponsesRequest({ model: 'client-model', input: 'x', stream: true }),
    })
    const bytes = await load('anthropic/thinking-cached.sse')
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes)
        controller.close()
      },
    })
    const reader = readSse('up', body, {
      signal: new AbortController().signal,
      idleTimeoutMs: 60_000,
      caps: { responseBytes: 1 << 30, streamEventBytes: 1 << 30 },
    })
    let out = ''
    for await (const batch of anthropicFrames('up', reader)) for (const frame of batch) out += encoder.frame({ chunks: frame.chunks })
    out += encoder.end()
    const events = anthropicEvents(out)
    const types = events.map((e) => e.type)
    expect(types.slice(2, 8)).toEqual([
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
    ])
    expect(events[4]!.delta).toBe('The user greets me; reply politely.')
    const completed = events.at(-1)!
    expect(completed.type).toBe('response.completed')
    expect(completed.response.output.map((o: Json) => o.type)).toEqual(['reasoning', 'message'])
    expect(completed.response.output[0].summary).toEqual([{ type: 'summary_text', text: 'The user greets me; reply politely.' }])
  })
})
