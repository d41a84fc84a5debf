// The relay's deadline: a client that stops reading without leaving cannot keep a stream (and its hold) open.
import { expect, test } from 'bun:test'
import { relayStream, type StreamOutcome } from '../../src/gateway/stream-relay'
import { openAIStreamEncoder } from '../../src/formats/openai/stream'
import { parseOpenAIChat } from '../../src/formats/openai/request'
import type { FrameBatch, StreamFrame } from '../../src/providers/types'

const encoder = openAIStreamEncoder({
  clientModel: 'm',
  request: parseOpenAIChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
  requestId: 'req_test',
})

/** An upstream that sends one text frame, then another every `everyMs` forever. */
async function* slowUpstream(everyMs: number): AsyncGenerator<StreamFrame[]> {
  for (let i = 0; ; i++) {
    yield [{ chunks: [{ type: 'text', text: `word${i} ` }] }]
    await Bun.sleep(everyMs)
  }
}

test('a stalled client: the deadline ends the stream once and bills what was relayed', async () => {
  const frames = slowUpstream(5)
  const ended: StreamOutcome[] = []
  const body = relayStream({
    frames,
    first: await frames.next(),
    encoder,
    deadlineMs: 100,
    onFirstByte: () => {},
    onEnd: async (outcome) => {
      ended.push(outcome)
      return null
    },
  })
  const reader = body.getReader()
  await reader.read() // one frame, then the client stops reading (but stays connected)
  // The 100 ms deadline fires on its own: wait for it (polled, with a bound so a missing deadline fails, not hangs).
  for (let i = 0; i < 500 && ended.length === 0; i++) await Bun.sleep(10)
  expect(ended).toHaveLength(1)
  expect(ended[0]!.error?.code).toBe('upstream_timeout')
  expect(ended[0]!.usage).toBeNull()
  expect(ended[0]!.relayed.length).toBeGreaterThanOrEqual(1)
  // The client, reading again, is told and the body closes.
  let rest = ''
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value)
  expect(rest).toContain('upstream_timeout')
  expect(ended).toHaveLength(1)
})

test('a stream that finishes before the deadline ends normally, once', async () => {
  async function* short(): AsyncGenerator<StreamFrame[]> {
    yield [{ chunks: [{ type: 'text', text: 'a' }] }]
    yield [{ chunks: [{ type: 'usage', usage: { inputTokens: 3, outputTokens: 1 } }] }]
  }
  const frames = short()
  const ended: StreamOutcome[] = []
  const body = relayStream({
    frames,
    first: await frames.next(),
    encoder,
    deadlineMs: 50,
    onFirstByte: () => {},
    onEnd: async (o) => {
      ended.push(o)
      return null
    },
  })
  const text = await new Response(body).text()
  await Bun.sleep(80)
  expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)
  expect(ended).toHaveLength(1)
  expect(ended[0]).toMatchObject({ completed: true, error: null, usage: { inputTokens: 3, outputTokens: 1 } })
})

/** Relays `frames` through a fresh encoder (no start chunk sent yet); returns the client's reader and the outcomes. */
async function relayed(frames: AsyncGenerator<FrameBatch>, requestId: string) {
  const ended: StreamOutcome[] = []
  const fresh = openAIStreamEncoder({
    clientModel: 'm',
    request: parseOpenAIChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    requestId,
  })
  const body = relayStream({
    frames,
    first: await frames.next(),
    encoder: fresh,
    onFirstByte: () => {},
    onEnd: async (o) => {
      ended.push(o)
      return null
    },
  })
  return { reader: body.getReader(), ended }
}

test('a batch of frames reaches the client as one write, in order', async () => {
  async function* oneRead(): AsyncGenerator<FrameBatch> {
    yield [
      { chunks: [{ type: 'text', text: 'a' }] },
      { chunks: [{ type: 'text', text: 'b' }] },
      {
        chunks: [
          { type: 'finish', reason: 'stop' },
          { type: 'usage', usage: { inputTokens: 3, outputTokens: 2 } },
        ],
      },
    ]
  }
  const { reader, ended } = await relayed(oneRead(), 'req_batch')
  const first = new TextDecoder().decode((await reader.read()).value)
  expect(first.match(/^data: /gm)).toHaveLength(4) // start, a, b, finish (usage not asked for)
  expect(first.indexOf('"content":"a"')).toBeLessThan(first.indexOf('"content":"b"'))
  expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: [DONE]\n\n')
  expect((await reader.read()).done).toBe(true)
  expect(ended[0]!.usage).toEqual({ inputTokens: 3, outputTokens: 2 })
  expect(ended[0]!.relayed).toEqual(['a', 'b'])
})

test('a batch that carried the terminator ends the stream in the same write, and the source is closed', async () => {
  let closed = false
  async function* final(): AsyncGenerator<FrameBatch> {
    try {
      const batch: FrameBatch = [{ chunks: [{ type: 'text', text: 'a' }] }, { chunks: [{ type: 'finish', reason: 'stop' }] }]
      batch.last = true
      yield batch
      yield [{ chunks: [{ type: 'text', text: 'never read' }] }]
    } finally {
      closed = true
    }
  }
  const { reader, ended } = await relayed(final(), 'req_last')
  const only = new TextDecoder().decode((await reader.read()).value)
  expect(only).toContain('"content":"a"')
  expect(only.endsWith('data: [DONE]\n\n')).toBe(true)
  expect((await reader.read()).done).toBe(true)
  await Bun.sleep(1)
  expect(closed).toBe(true)
  expect(ended).toHaveLength(1)
  expect(ended[0]!.completed).toBe(true)
  expect(ended[0]!.relayed).toEqual(['a'])
})

test('the terminator reaches the client only after the end (the charge) has resolved', async () => {
  async function* answer(): AsyncGenerator<FrameBatch> {
    yield [{ chunks: [{ type: 'text', text: 'a' }] }]
    const last: FrameBatch = [{ chunks: [{ type: 'finish', reason: 'stop' }] }]
    last.last = true
    yield last
  }
  for (const frames of [answer(), short()]) {
    let charge!: () => void
    const charged = new Promise<void>((resolve) => {
      charge = resolve
    })
    const events: string[] = []
    const body = relayStream({
      frames,
      first: await frames.next(),
      encoder: freshEncoder('req_durable'),
      onFirstByte: () => {},
      onEnd: async () => {
        events.push('end called')
        await charged
        events.push('charged')
        return null
      },
    })
    const text = new Response(body).text().then((t) => {
      events.push('client saw the end')
      return t
    })
    await Bun.sleep(5)
    expect(events).toEqual(['end called'])
    charge()
    expect((await text).trimEnd().endsWith('data: [DONE]')).toBe(true)
    expect(events).toEqual(['end called', 'charged', 'client saw the end'])
  }
})

test('an end that could not be billed is sent as an error instead of the terminator', async () => {
  const { GatewayError } = await import('../../src/errors')
  const frames = short()
  const body = relayStream({
    frames,
    first: await frames.next(),
    encoder: freshEncoder('req_unbilled'),
    onFirstByte: () => {},
    onEnd: async () => new GatewayError('store_unavailable', 'not billed'),
  })
  const text = await new Response(body).text()
  expect(text).toContain('"content":"a"')
  expect(text).toContain('store_unavailable')
  expect(text).not.toContain('[DONE]')
})

async function* short(): AsyncGenerator<FrameBatch> {
  yield [{ chunks: [{ type: 'text', text: 'a' }] }]
  yield [{ chunks: [{ type: 'usage', usage: { inputTokens: 3, outputTokens: 1 } }] }]
}

function freshEncoder(requestId: string) {
  return openAIStreamEncoder({
    clientModel: 'm',
    request: parseOpenAIChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    requestId,
  })
}
