// Every mock failure mode, for each provider type and both client formats, produces its contract row (§5).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { logRow, post, startHub, type TestHub } from '../helpers'
import { mockHubConfig, PROVIDER_TYPES, serveMock, type HttpMock, type ProviderKind } from '../support/mock-http'

const FAULTS = ['500', '503', '429', '400', '401', 'malformed', 'error200', 'cut', 'reset', 'timeout', 'nousage', 'slow-300', 'drip-1500']
type ClientFormat = 'openai' | 'anthropic'
const FORMATS: ClientFormat[] = ['openai', 'anthropic']

let upstream: HttpMock
let hub: TestHub
let key: string

beforeAll(async () => {
  upstream = serveMock()
  // A port that was just free: connections to it are refused.
  const closed = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() })
  const deadUrl = `http://127.0.0.1:${closed.port}`
  closed.stop(true)
  const config = mockHubConfig(upstream.url, FAULTS)
  const dead = mockHubConfig(deadUrl)
  hub = await startHub({
    config: {
      ...config,
      upstream: { timeout_s: 1, stream_timeout_s: 3, stream_idle_timeout_s: 1 },
      // One key sends every row of the table: more than the default 60 a minute.
      limits: { key_rpm: 1_000_000, account_rpm: 1_000_000 },
      providers: { ...config.providers, ...Object.fromEntries(Object.entries(dead.providers).map(([name, p]) => [`dead-${name}`, p])) },
      models: [
        ...config.models,
        ...PROVIDER_TYPES.map((type) => ({
          id: `${type}-refused`,
          provider: `dead-${type}`,
          input_usd_per_mtok: 1,
          output_usd_per_mtok: 1,
        })),
      ],
    },
  })
  ;({ key } = await hub.account({ balanceUsd: '50.00' }))
})
afterAll(async () => {
  await hub.close()
  upstream.stop()
})

function call(format: ClientFormat, model: string, stream: boolean): Promise<Response> {
  const messages = [{ role: 'user', content: 'Tell me a short story' }]
  return format === 'openai'
    ? post(hub, '/v1/chat/completions', key, { model, stream, messages })
    : post(hub, '/v1/messages', key, { model, max_tokens: 100, stream, messages })
}

interface ErrorShape {
  type: string
  code: string
  message: string
}

/** The error of a plain JSON answer, checking the envelope is the client format's. */
function errorOf(format: ClientFormat, body: Record<string, unknown>): ErrorShape {
  if (format === 'anthropic') {
    expect(body.type).toBe('error')
    expect(Object.keys(body.error as object).sort()).toEqual(['code', 'message', 'type'])
  } else {
    expect(Object.keys(body.error as object).sort()).toEqual(['code', 'message', 'param', 'type'])
  }
  return body.error as ErrorShape
}

/** The final event of a stream that failed after it started, in the client format's shape. */
function finalError(format: ClientFormat, text: string): ErrorShape {
  const blocks = text.trimEnd().split('\n\n')
  const lastBlock = blocks[blocks.length - 1]!
  if (format === 'anthropic') {
    expect(lastBlock.startsWith('event: error\ndata: ')).toBe(true)
    expect(text).not.toContain('event: message_stop')
    return errorOf('anthropic', JSON.parse(lastBlock.slice('event: error\ndata: '.length)))
  }
  expect(text).not.toContain('[DONE]')
  return errorOf('openai', JSON.parse(lastBlock.slice('data: '.length)))
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at |\.ts:\d+/)

interface Row {
  fault: string
  status: number
  code: string
  type: string
  says: string
  retryAfter?: string
}

/** Failures before any byte reached the client: a plain error answer, streamed request or not. */
const BEFORE_FIRST_BYTE: Row[] = [
  { fault: '500', status: 502, code: 'upstream_error', type: 'upstream_error', says: 'HTTP 500: mock: internal server error' },
  { fault: '503', status: 502, code: 'upstream_error', type: 'upstream_error', says: 'HTTP 503: mock: overloaded' },
  {
    fault: '429',
    status: 429,
    code: 'upstream_rate_limited',
    type: 'rate_limit_exceeded',
    says: 'mock: rate limit reached',
    retryAfter: '7',
  },
  {
    fault: '400',
    status: 400,
    code: 'upstream_passthrough',
    type: 'invalid_request_error',
    says: 'mock: the request was rejected by the content policy',
  },
  { fault: '401', status: 502, code: 'upstream_error', type: 'upstream_error', says: "refused token-hub's credentials (HTTP 401" },
  { fault: 'timeout', status: 504, code: 'upstream_timeout', type: 'upstream_timeout', says: 'did not answer within the timeout' },
]

/** Failures of a whole (non-streamed) answer. */
const BROKEN_ANSWERS: Row[] = [
  { fault: 'malformed', status: 502, code: 'upstream_error', type: 'upstream_error', says: 'sent malformed JSON' },
  { fault: 'cut', status: 502, code: 'upstream_error', type: 'upstream_error', says: 'sent malformed JSON' },
  {
    fault: 'error200',
    status: 502,
    code: 'upstream_error',
    type: 'upstream_error',
    says: 'answered 200 with an error: mock: internal server error',
  },
  { fault: 'reset', status: 502, code: 'upstream_error', type: 'upstream_error', says: 'is unreachable' },
]

/** Failures after a stream started: status 200, then a final error event. */
const MID_STREAM: Array<Omit<Row, 'status'>> = [
  { fault: 'malformed', code: 'upstream_error', type: 'upstream_error', says: 'sent a malformed stream event' },
  { fault: 'cut', code: 'upstream_error', type: 'upstream_error', says: 'ended the stream before' },
  { fault: 'reset', code: 'upstream_error', type: 'upstream_error', says: 'broke the connection mid-stream' },
  { fault: 'drip-1500', code: 'upstream_timeout', type: 'upstream_timeout', says: 'sent nothing for 1 s mid-stream' },
]

async function expectRow(type: ProviderKind, format: ClientFormat, row: Row, stream: boolean) {
  const response = await call(format, `${type}-fault-${row.fault}`, stream)
  const text = await response.text()
  noStackTrace(text)
  expect({ fault: row.fault, type, format, stream, status: response.status }).toEqual({
    fault: row.fault,
    type,
    format,
    stream,
    status: row.status,
  })
  expect(response.headers.get('content-type')).toContain('application/json')
  const error = errorOf(format, JSON.parse(text))
  expect(error.code).toBe(row.code)
  expect(error.type).toBe(row.type)
  expect(error.message).toContain(`Upstream provider '${type}'`)
  expect(error.message).toContain(row.says)
  if (row.retryAfter) expect(response.headers.get('retry-after')).toBe(row.retryAfter)
}

describe('upstream failures → contract rows', () => {
  test('before the first byte: 5xx, 429 with Retry-After, 4xx passthrough, bad credentials, timeouts — streamed or not', async () => {
    const cases = PROVIDER_TYPES.flatMap((type) =>
      FORMATS.flatMap((format) => BEFORE_FIRST_BYTE.flatMap((row) => [false, true].map((stream) => expectRow(type, format, row, stream)))),
    )
    await Promise.all(cases)
  })

  test('broken whole answers: malformed or cut JSON, an error in a 200, a reset connection → 502', async () => {
    await Promise.all(
      PROVIDER_TYPES.flatMap((type) => FORMATS.flatMap((format) => BROKEN_ANSWERS.map((row) => expectRow(type, format, row, false)))),
    )
  })

  test('a 200 stream that opens with an error event is a plain 502', async () => {
    await Promise.all(
      PROVIDER_TYPES.flatMap((type) =>
        FORMATS.map((format) =>
          expectRow(
            type,
            format,
            { fault: 'error200', status: 502, code: 'upstream_error', type: 'upstream_error', says: 'failed mid-stream' },
            true,
          ),
        ),
      ),
    )
  })

  test('after the stream started: a final error event in the client format (malformed, cut, reset, idle gap)', async () => {
    const cases = PROVIDER_TYPES.flatMap((type) =>
      FORMATS.flatMap((format) =>
        MID_STREAM.map(async (row) => {
          const response = await call(format, `${type}-fault-${row.fault}`, true)
          if (response.status !== 200) throw new Error(`${type} ${format} ${row.fault}: ${response.status} ${await response.text()}`)
          expect(response.headers.get('content-type')).toContain('text/event-stream')
          const text = await response.text()
          noStackTrace(text)
          const error = finalError(format, text)
          expect({ type, format, fault: row.fault, code: error.code }).toEqual({ type, format, fault: row.fault, code: row.code })
          expect(error.type).toBe(row.type)
          expect(error.message).toContain(`Upstream provider '${type}'`)
          expect(error.message).toContain(row.says)
        }),
      ),
    )
    await Promise.all(cases)
  })

  test('connection refused → 502 naming the provider, streamed or not', async () => {
    const cases = PROVIDER_TYPES.flatMap((type) =>
      FORMATS.flatMap((format) =>
        [false, true].map(async (stream) => {
          const response = await call(format, `${type}-refused`, stream)
          expect(response.status).toBe(502)
          const error = errorOf(format, (await response.json()) as Record<string, unknown>)
          expect(error.code).toBe('upstream_error')
          expect(error.message).toContain(`Upstream provider 'dead-${type}' is unreachable`)
        }),
      ),
    )
    await Promise.all(cases)
  })

  test('slow first byte within the timeout, and answers without usage, still succeed and are billed', async () => {
    const cases = PROVIDER_TYPES.flatMap((type) =>
      FORMATS.flatMap((format) =>
        ['slow-300', 'nousage'].flatMap((fault) =>
          [false, true].map(async (stream) => {
            const response = await call(format, `${type}-fault-${fault}`, stream)
            const text = await response.text()
            expect({ type, format, fault, stream, status: response.status }).toEqual({ type, format, fault, stream, status: 200 })
            const requestId = response.headers.get('x-request-id')!
            return { requestId, text }
          }),
        ),
      ),
    )
    const done = await Promise.all(cases)
    for (const { requestId } of done) {
      const row = await logRow(hub, requestId)
      expect(row.status).toBe(200)
      expect(row.cost_micros).toBeGreaterThan(0)
      expect(row.completion_tokens).toBeGreaterThan(0)
    }
  })

  test('a stream that failed after it started is logged with its error code', async () => {
    const response = await call('anthropic', 'gemini-fault-cut', true)
    const requestId = response.headers.get('x-request-id')!
    await response.text()
    const row = await logRow(hub, requestId)
    expect(row).toMatchObject({ status: 200, stream: true, error_code: 'upstream_error', provider: 'gemini' })
  })
})
