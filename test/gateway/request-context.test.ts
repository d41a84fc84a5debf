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
  const ctx = new RequestContext('req_c', '/v1/chat/completions', 0)
  const rows: unknown[] = []
  ctx.onFinish = (row) => rows.push(row)
  expect(ctx.finish()).not.toBeNull()
  expect(ctx.finish()).toBeNull()
  expect(rows).toHaveLength(1)
})

test('Server-Timing reads every phase from the injected timer', () => {
  const time = new ManualClock(1_000)
  const ctx = new RequestContext('req_d', '/v1/chat/completions', 0, () => time.now())
  time.advance(0.25)
  // No upstream called (an answer from the gateway alone): one figure.
  expect(ctx.serverTiming()).toBe('gateway;dur=0.250')
  ctx.upstreamStartedAt = ctx.timer()
  time.advance(40)
  // Still waiting for the upstream: nothing after it yet.
  expect(ctx.serverTiming()).toBe('gateway-pre;dur=0.250, upstream;dur=40.000, gateway-post;dur=0.000')
  ctx.upstreamEndedAt = ctx.timer()
  time.advance(0.125)
  expect(ctx.serverTiming()).toBe('gateway-pre;dur=0.250, upstream;dur=40.000, gateway-post;dur=0.125')
  expect(ctx.upstreamSeconds()).toBe(0.04)
  expect(ctx.finish()!.latencyMs).toBe(40.375)
})
