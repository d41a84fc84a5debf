// Upstream answers are read only up to the configured caps: past one, a 502 naming it, and the read stops.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { logRow, post, startHub, type TestHub } from '../helpers'
import { endlessBody, serveEvil, type EndlessBody, type EvilUpstream } from '../support/evil-upstream'
import { mockHubConfig, PROVIDER_TYPES, type ProviderKind } from '../support/mock-http'

const MAX_RESPONSE_BYTES = 4096
const MAX_STREAM_EVENT_BYTES = 1024
/**
 * Where an endless body ends anyway, so a gateway that never stops reading still finishes. Far
 * above what loopback sockets and fetch buffer ahead of a reader (a few MB), so a body that got
 * here was read, not just buffered.
 */
const GIVE_UP_BYTES = 64 * 1024 * 1024

type ClientFormat = 'openai' | 'anthropic'

let evil: EvilUpstream
let hub: TestHub
let key: string

beforeAll(async () => {
  evil = serveEvil()
  hub = await startHub({
    config: {
      ...mockHubConfig(evil.url),
      upstream: { max_response_bytes: MAX_RESPONSE_BYTES, max_stream_event_bytes: MAX_STREAM_EVENT_BYTES },
      limits: { key_rpm: 1_000_000, account_rpm: 1_000_000 },
    },
  })
  ;({ key } = await hub.account({ balanceUsd: '10.00' }))
})
afterAll(async () => {
  await hub.close()
  evil.stop()
})
beforeEach(() => evil.reset())

function call(type: ProviderKind, stream: boolean, format: ClientFormat = 'openai'): Promise<Response> {
  const messages = [{ role: 'user', content: 'Tell me a long story' }]
  return format === 'openai'
    ? post(hub, '/v1/chat/completions', key, { model: `${type}-chat`, stream, messages })
    : post(hub, '/v1/messages', key, { model: `${type}-chat`, max_tokens: 100, stream, messages })
}

type ErrorShape = { code: string; type: string; message: string }

/** The error of a plain JSON answer in either client format. */
const errorOf = (text: string): ErrorShape => (JSON.parse(text) as { error: ErrorShape }).error

/** The final event of a stream that failed after it started, in the client format's shape. */
function finalError(format: ClientFormat, text: string): ErrorShape {
  const blocks = text.trimEnd().split('\n\n')
  const last = blocks[blocks.length - 1]!
  if (format === 'anthropic') {
    expect(last.startsWith('event: error\ndata: ')).toBe(true)
    return errorOf(last.slice('event: error\ndata: '.length))
  }
  expect(text).not.toContain('[DONE]')
  return errorOf(last.slice('data: '.length))
}

/** The upstream let go of the body: the gateway cancelled its read (bounded wait, not a timing claim). */
async function expectCancelled(body: EndlessBody) {
  const cancelled = await Promise.race([body.cancelled.then(() => true), Bun.sleep(10_000).then(() => false)])
  expect({ cancelled, sentBelowGiveUp: body.sent() < GIVE_UP_BYTES }).toEqual({ cancelled: true, sentBelowGiveUp: true })
}

/** A 502 naming the provider and the cap, released without a charge. */
async function expectCapError(response: Response, type: ProviderKind, cap: string, limit: number) {
  const text = await response.text()
  expect({ type, status: response.status }).toEqual({ type, status: 502 })
  const error = errorOf(text)
  expect(error.code).toBe('upstream_error')
  expect(error.message).toContain(`Upstream provider '${type}'`)
  expect(error.message).toContain(`upstream.${cap} (${limit} bytes)`)
  const row = await logRow(hub, response.headers.get('x-request-id')!)
  expect(row).toMatchObject({ status: 502, error_code: 'upstream_error', cost_micros: 0 })
}

/** The first `count` events of the honest stream: a stream that has started. */
async function honestStart(honest: () => Promise<Response>, count: number): Promise<string> {
  const text = await (await honest()).text()
  return `${text.split('\n\n').slice(0, count).join('\n\n')}\n\n`
}

const SSE = { 'content-type': 'text/event-stream' }

describe('max_response_bytes: whole answers', () => {
  test.each(PROVIDER_TYPES)('%s: a JSON answer longer than the cap (declared or not) is a 502 and is not read further', async (type) => {
    evil.handle(async (_request, _seen, honest) => {
      const answer = (await (await honest()).json()) as Record<string, unknown>
      return Response.json({ ...answer, padding: 'x'.repeat(MAX_RESPONSE_BYTES) })
    })
    await expectCapError(await call(type, false), type, 'max_response_bytes', MAX_RESPONSE_BYTES)

    // Compressed, the declared length is far below the cap: what counts is what it inflates to.
    evil.handle(async (_request, _seen, honest) => {
      const answer = (await (await honest()).json()) as Record<string, unknown>
      const inflated = JSON.stringify({ ...answer, padding: 'x'.repeat(64 * MAX_RESPONSE_BYTES) })
      return new Response(Bun.gzipSync(Buffer.from(inflated)), {
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      })
    })
    await expectCapError(await call(type, false), type, 'max_response_bytes', MAX_RESPONSE_BYTES)

    // No content-length: the body is counted as it arrives, and the read stops at the cap.
    const body = endlessBody('{"id": "x", "padding": "', 'x', GIVE_UP_BYTES)
    evil.handle(() => new Response(body.stream, { headers: { 'content-type': 'application/json' } }))
    await expectCapError(await call(type, false), type, 'max_response_bytes', MAX_RESPONSE_BYTES)
    await expectCancelled(body)
  })

  test.each(PROVIDER_TYPES)('%s: an error answer with an endless body still answers with its status, read only so far', async (type) => {
    const body = endlessBody('{"error": {"message": "overloaded', ' and more', GIVE_UP_BYTES)
    evil.handle(() => new Response(body.stream, { status: 500, headers: { 'content-type': 'application/json' } }))
    const response = await call(type, false)
    expect(response.status).toBe(502)
    expect(errorOf(await response.text()).message).toContain(`Upstream provider '${type}' failed with HTTP 500`)
    await expectCancelled(body)
  })
})

describe('max_stream_event_bytes and max_response_bytes: streams', () => {
  test.each(PROVIDER_TYPES)('%s: a first line without a newline, longer than the event cap, is a plain 502', async (type) => {
    const body = endlessBody('data: ', 'x', GIVE_UP_BYTES)
    evil.handle(() => new Response(body.stream, { headers: SSE }))
    await expectCapError(await call(type, true), type, 'max_stream_event_bytes', MAX_STREAM_EVENT_BYTES)
    await expectCancelled(body)
  })

  test.each(PROVIDER_TYPES)('%s: an over-long line after the stream started ends it with the client format’s error event', async (type) => {
    for (const format of ['openai', 'anthropic'] as const) {
      let body: EndlessBody | undefined
      evil.handle(async (_request, _seen, honest) => {
        body = endlessBody(`${await honestStart(honest, 4)}data: `, 'x', GIVE_UP_BYTES)
        return new Response(body.stream, { headers: SSE })
      })
      const response = await call(type, true, format)
      expect({ type, format, status: response.status }).toEqual({ type, format, status: 200 })
      const error = finalError(format, await response.text())
      expect(error.code).toBe('upstream_error')
      expect(error.message).toContain(`Upstream provider '${type}'`)
      expect(error.message).toContain(`upstream.max_stream_event_bytes (${MAX_STREAM_EVENT_BYTES} bytes)`)
      await expectCancelled(body!)
    }
  })

  test.each(PROVIDER_TYPES)('%s: a stream of well-formed events past max_response_bytes in all ends with an error event', async (type) => {
    let body: EndlessBody | undefined
    evil.handle(async (_request, _seen, honest) => {
      const start = await honestStart(honest, 4)
      const textEvent = `${start.trimEnd().split('\n\n')[3]}\n\n`
      body = endlessBody(start, textEvent, GIVE_UP_BYTES)
      return new Response(body.stream, { headers: SSE })
    })
    const response = await call(type, true)
    expect(response.status).toBe(200)
    const error = finalError('openai', await response.text())
    expect(error.code).toBe('upstream_error')
    expect(error.message).toContain(`Upstream provider '${type}'`)
    expect(error.message).toContain(`upstream.max_response_bytes (${MAX_RESPONSE_BYTES} bytes)`)
    await expectCancelled(body!)
    await logRow(hub, response.headers.get('x-request-id')!)
    const balance = (await (await fetch(`${hub.url}/v1/account/balance`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      held_usd: string
    }
    expect(balance.held_usd).toBe('0.0000')
  })
})
