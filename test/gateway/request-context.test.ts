// A request's record is final once (with its response, or for a stream once its bill is final); its Server-Timing.
import { expect, test } from 'bun:test'
import { ManualClock } from '../../src/clock'
import { RequestContext } from '../../src/gateway/request-context'

test('a plain answer is billed with its response; a stream only when settled', async () => {
  const plain = new RequestContext('req_a', '/v1/chat/completions', 0)
  expect(plain.billed).toBeNull()

  const stream = new RequestContext('req_b', '/v1/chat/completions', 0)
  stream.awaitSettlement()
  let billed = false
  void stream.billed!.then(() => {
    billed = true
  })
  await Promise.resolve()
  expect(billed).toBe(false)
  stream.settled()
  await stream.billed
  expect(billed).toBe(true)
})

test('the record is produced once, whoever asks twice', () => {
  const rows: unknown[] = []
  const ctx = new RequestContext('req_c', '/v1/chat/completions', 0, (row) => rows.push(row))
  expect(ctx.finish()).not.toBeNull()
  expect(ctx.finish()).toBeNull()
  expect(rows).toHaveLength(1)
})

test('each event of the request path records its part of the row', () => {
  const ctx = new RequestContext('req_d', '/v1/chat/completions', 5)
  const asked = { id: 'gpt-4o', provider: { name: 'openai' } }
  const fallback = { id: 'claude-sonnet-4-5', provider: { name: 'anthropic' } }
  ctx.received('openai', '10.0.0.1')
  ctx.authenticated({ id: 'key_d', accountId: 'acct_d' })
  ctx.limitsChecked({ limit: 60, remaining: 59, resetSeconds: 1 })
  ctx.routed(asked, true)
  ctx.upstreamCalled(asked)
  ctx.upstreamFailed(asked, { status: 502, message: 'down' }, false)
  ctx.upstreamCalled(fallback)
  ctx.upstreamAnswered(fallback)
  ctx.servedBy(fallback)
  ctx.firstByteSent()
  ctx.charged({ inputTokens: 10, outputTokens: 20 }, 1234)
  expect(ctx.clientIp).toBe('10.0.0.1')
  expect(ctx.rateLimitHeaders()).toEqual({ 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59', 'x-ratelimit-reset': '1' })
  expect(ctx.upstreamSeconds()).not.toBeNull()
  expect(ctx.finish()).toMatchObject({
    requestId: 'req_d',
    ts: 5,
    accountId: 'acct_d',
    keyId: 'key_d',
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    status: 200,
    errorCode: null,
    promptTokens: 10,
    completionTokens: 20,
    costMicros: 1234,
    ttfbMs: expect.any(Number),
    stream: true,
    clientIp: '10.0.0.1',
    attempts: [
      { model: 'gpt-4o', provider: 'openai', status: 502, error: 'down' },
      { model: 'claude-sonnet-4-5', provider: 'anthropic', status: 200, error: null },
    ],
  })
})

test('how a request failed: an error answer, a failed charge, a stream that broke or lost its client', () => {
  const answered = new RequestContext('req_e', '/v1/messages', 0)
  answered.received('anthropic', null)
  answered.failed({ status: 429, code: 'key_rpm_exceeded' })
  expect(answered.format).toBe('anthropic')
  expect(answered.finish()).toMatchObject({
    status: 429,
    errorCode: 'key_rpm_exceeded',
    errorMessage: null,
    attempts: null,
    provider: null,
  })
  // The gateway's own text is kept with the code, bounded.
  const worded = new RequestContext('req_w', '/v1/chat/completions', 0)
  worded.failed({ status: 402, code: 'insufficient_balance', message: 'Available balance $0.0000 is below the estimate.' })
  expect(worded.finish()!.errorMessage).toBe('Available balance $0.0000 is below the estimate.')
  const long = new RequestContext('req_l', '/v1/chat/completions', 0)
  long.failed({ status: 502, code: 'upstream_error', message: 'x'.repeat(2000) })
  expect(long.finish()!.errorMessage!.length).toBe(500)

  // A stream's ending, after a charge that failed (or not): what the row's error code says.
  const streamError = (chargeFailed: boolean, errorCode: string | null, clientGone: boolean) => {
    const ctx = new RequestContext('req_f', '/v1/chat/completions', 0)
    if (chargeFailed) ctx.chargeFailed()
    ctx.streamEnded(errorCode === null ? null : { code: errorCode, message: `${errorCode} text` }, clientGone)
    return ctx.finish()!.errorCode
  }
  expect(streamError(true, null, false)).toBe('internal_error')
  expect(streamError(true, 'upstream_timeout', true)).toBe('upstream_timeout')
  expect(streamError(false, null, true)).toBe('client_disconnected')
  expect(streamError(false, null, false)).toBeNull()
})

test('Server-Timing reads every phase from the injected timer', () => {
  const time = new ManualClock(1_000)
  const upstream = { id: 'gpt-4o', provider: { name: 'openai' } }
  const ctx = new RequestContext('req_t', '/v1/chat/completions', 0, null, () => time.now())
  time.advance(0.25)
  // No upstream called (an answer from the gateway alone): one figure.
  expect(ctx.serverTiming()).toBe('gateway;dur=0.250')
  ctx.upstreamCalled(upstream)
  time.advance(40)
  // Still waiting for the upstream: nothing after it yet.
  expect(ctx.serverTiming()).toBe('gateway-pre;dur=0.250, upstream;dur=40.000, gateway-post;dur=0.000')
  ctx.upstreamAnswered(upstream)
  time.advance(0.125)
  expect(ctx.serverTiming()).toBe('gateway-pre;dur=0.250, upstream;dur=40.000, gateway-post;dur=0.125')
  expect(ctx.upstreamSeconds()).toBe(0.04)
  expect(ctx.finish()!.latencyMs).toBe(40.375)
})
