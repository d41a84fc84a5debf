// Responses API streams transcribed from OpenAI's API reference, replayed split at every byte through the reader and the relay.
import { describe, expect, test } from 'bun:test'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { GatewayError } from '../../src/errors'
import { responsesStreamEncoder } from '../../src/formats/responses/stream'
import { parseResponsesRequest } from '../../src/formats/responses/request'
import { responsesFrames } from '../../src/providers/openai-compatible/responses'
import { readSse } from '../../src/providers/sse-reader'
import type { ChatChunk, StreamFrame } from '../../src/providers/types'

/**
 * Each `.sse` under test/fixtures/responses/ is built from the examples of OpenAI's API reference
 * (its source, openai/openai-openapi `openapi.yaml`, the `x-oaiMeta` examples): `text.sse` is the
 * "Streaming" example of `POST /responses` as documented (no sequence numbers; its elided deltas
 * filled in to spell the documented final text); `function-call.sse` streams the documented
 * "Functions" example response with the documented shapes of `response.output_item.added`,
 * `response.function_call_arguments.delta`/`.done` and `response.output_item.done` (the delta
 * example's missing comma restored); `incomplete.sse` and `failed.sse` end short texts with the
 * documented `response.incomplete` and `response.failed` examples.
 */
const load = async (name: string) => new Uint8Array(await Bun.file(new URL(`../fixtures/responses/${name}`, import.meta.url)).arrayBuffer())

interface Replay {
  frames: StreamFrame[]
  error: string | null
}

async function replay(pieces: Uint8Array[]): Promise<Replay> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece)
      controller.close()
    },
  })
  const context = {
    signal: new AbortController().signal,
    idleTimeoutMs: 60_000,
    caps: { responseBytes: 1 << 30, streamEventBytes: 1 << 30 },
  }
  const frames: StreamFrame[] = []
  try {
    for await (const batch of responsesFrames('up', readSse('up', body, context))) frames.push(...batch)
    return { frames, error: null }
  } catch (error) {
    return { frames, error: (error as Error).message }
  }
}

interface Fixture {
  name: string
  events: number
  chunks: ChatChunk[]
  error?: string
}

const FIXTURES: Fixture[] = [
  {
    name: 'text.sse',
    events: 18,
    chunks: [
      { type: 'start', id: 'resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654', model: 'gpt-5.4' },
      ...['Hi', ' there', '!', ' How', ' can', ' I', ' assist', ' you', ' today', '?'].map((text) => ({ type: 'text' as const, text })),
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { inputTokens: 37, outputTokens: 11 } },
    ],
  },
  {
    name: 'function-call.sse',
    events: 10,
    chunks: [
      { type: 'start', id: 'resp_67ca09c5efe0819096d0511c92b8c890096610f474011cc0', model: 'gpt-5.4' },
      { type: 'tool_call_start', index: 0, id: 'call_unLAR8MvFNptuiZK6K6HCy5k', name: 'get_current_weather' },
      ...['{"location":"', 'Boston, MA', '","unit":"', 'celsius"}'].map((args) => ({
        type: 'tool_call_delta' as const,
        index: 0,
        arguments: args,
      })),
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 291, outputTokens: 23 } },
    ],
  },
  {
    name: 'incomplete.sse',
    events: 7,
    chunks: [
      { type: 'start', id: 'resp_123', model: 'gpt-4o-mini-2024-07-18' },
      { type: 'text', text: 'In' },
      { type: 'text', text: ' a shimmering' },
      { type: 'text', text: ' forest' },
      { type: 'finish', reason: 'length' },
    ],
  },
  {
    name: 'failed.sse',
    events: 4,
    chunks: [
      { type: 'start', id: 'resp_123', model: 'gpt-4o-mini-2024-07-18' },
      { type: 'text', text: 'In' },
    ],
    error: "Upstream provider 'up' failed mid-stream: The model failed to generate a response.",
  },
]

function events(text: string): EventSourceMessage[] {
  const out: EventSourceMessage[] = []
  createParser({ onEvent: (event) => out.push(event) }).feed(text)
  return out
}

const request = parseResponsesRequest({ model: 'client-model', input: 'hi', stream: true })

describe('Responses streams from OpenAI’s documentation', () => {
  for (const fixture of FIXTURES) {
    test(`${fixture.name}: whole body gives the expected chunks, every event kept raw`, async () => {
      const whole = await replay([await load(fixture.name)])
      expect(whole.frames.flatMap((f) => f.chunks)).toEqual(fixture.chunks)
      expect(whole.error).toBe(fixture.error ?? null)
      expect(whole.frames).toHaveLength(fixture.events)
      expect(whole.frames.every((f) => f.raw?.format === 'responses')).toBe(true)
    })

    test(`${fixture.name}: split at every byte boundary, and byte by byte, gives the same frames`, async () => {
      const bytes = await load(fixture.name)
      const expected = JSON.stringify(await replay([bytes]))
      for (let cut = 1; cut < bytes.length; cut++) {
        const split = await replay([bytes.subarray(0, cut), bytes.subarray(cut)])
        if (JSON.stringify(split) !== expected) throw new Error(`${fixture.name}: a split at byte ${cut} changed the frames`)
      }
      const bytewise = await replay(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)))
      expect(JSON.stringify(bytewise)).toBe(expected)
    })

    test(`${fixture.name}: relayed to the client event for event, only the model id rewritten`, async () => {
      const bytes = await load(fixture.name)
      const { frames, error } = await replay([bytes])
      const encoder = responsesStreamEncoder({ clientModel: 'client-model', request, requestId: 'req_x' })
      let text = ''
      for (const frame of frames) text += encoder.frame(frame)
      // A relayed stream ends with the upstream's own terminal event: nothing is added, not even on failure.
      text += error ? encoder.error(new GatewayError('upstream_error', error)) : encoder.end()
      const relayed = events(text)
      const original = events(new TextDecoder().decode(bytes))
      expect(relayed.map((e) => e.event)).toEqual(original.map((e) => e.event))
      relayed.forEach((event, i) => {
        const data = JSON.parse(original[i]!.data) as { response?: { model: string } }
        if (data.response) data.response.model = 'client-model'
        expect(JSON.parse(event.data)).toEqual(data)
        if (!data.response) expect(event.data).toBe(original[i]!.data)
      })
    })
  }

  test('a relayed stream cut before its end gets a response.failed of its own Response, numbered next', async () => {
    const bytes = await load('function-call.sse')
    const text = new TextDecoder().decode(bytes)
    const cut = new TextEncoder().encode(text.slice(0, text.indexOf('event: response.function_call_arguments.done')))
    const { frames, error } = await replay([cut])
    expect(error).toContain('ended the stream before the response finished')
    const encoder = responsesStreamEncoder({ clientModel: 'client-model', request, requestId: 'req_x' })
    let out = ''
    for (const frame of frames) out += encoder.frame(frame)
    const failed = events(out + encoder.error(new GatewayError('upstream_error', error!))).at(-1)!
    expect(failed.event).toBe('response.failed')
    const data = JSON.parse(failed.data) as {
      sequence_number: number
      response: { id: string; status: string; model: string; error: { code: string } }
    }
    expect(data.sequence_number).toBe(frames.length)
    expect(data.response).toMatchObject({
      id: 'resp_67ca09c5efe0819096d0511c92b8c890096610f474011cc0',
      status: 'failed',
      model: 'client-model',
      error: { code: 'upstream_error' },
    })
  })
})
