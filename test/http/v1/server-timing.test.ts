// Server-Timing: the gateway's own time before and after the upstream, right for streams, and cheap.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { RequestContext } from '../../../src/gateway/request-context'
import { chatBody, post, startHub, TEST_MODELS, type TestHub } from '../../helpers'

let hub: TestHub
let key: string

const price = { provider: 'mock', input_usd_per_mtok: 1, output_usd_per_mtok: 1 }
beforeAll(async () => {
  hub = await startHub({
    config: {
      models: [
        ...TEST_MODELS,
        // The mock waits 150 ms before its first byte, or 100 ms between stream chunks.
        { id: 'slow-first', upstream_model: 'mock-fault-slow-150', ...price },
        { id: 'dripping', upstream_model: 'mock-fault-drip-100', ...price },
      ],
    },
  })
  ;({ key } = await hub.account({ balanceUsd: '5.00' }))
})
afterAll(() => hub.close())

/** `gateway-pre;dur=0.120, upstream;dur=150.2, gateway-post;dur=0.080` → durations by name. */
function timings(response: Response): Record<string, number> {
  const header = response.headers.get('server-timing') ?? ''
  return Object.fromEntries([...header.matchAll(/([\w-]+);dur=([\d.]+)/g)].map((m) => [m[1]!, Number(m[2])]))
}

test('non-streaming: gateway-pre, upstream and gateway-post; the upstream wait is not the gateway own', async () => {
  const started = performance.now()
  const response = await post(hub, '/v1/chat/completions', key, chatBody('time me', { model: 'slow-first' }))
  const wall = performance.now() - started
  expect(response.status).toBe(200)
  const t = timings(response)
  expect(Object.keys(t).sort()).toEqual(['gateway-post', 'gateway-pre', 'upstream'])
  expect(t.upstream!).toBeGreaterThanOrEqual(145)
  expect(t['gateway-pre']! + t.upstream! + t['gateway-post']!).toBeLessThanOrEqual(wall + 1)
  // Generous bounds for a shared machine: the gateway's own part is far below the upstream's.
  expect(t['gateway-pre']!).toBeLessThan(t.upstream!)
  expect(t['gateway-post']!).toBeLessThan(t.upstream!)
})

test('streaming: sent with the first byte; upstream is the time to the first chunk, not the whole stream', async () => {
  const started = performance.now()
  const response = await post(hub, '/v1/chat/completions', key, chatBody('time my stream', { model: 'dripping', stream: true }))
  const headersAt = performance.now() - started
  const t = timings(response)
  const text = await response.text()
  const wall = performance.now() - started
  expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)
  // The stream drips for a second or more; its headers (and timing) came long before its end.
  expect(wall).toBeGreaterThan(500)
  expect(Object.keys(t).sort()).toEqual(['gateway-post', 'gateway-pre', 'upstream'])
  expect(t.upstream!).toBeLessThan(wall / 2)
  expect(t['gateway-pre']! + t.upstream! + t['gateway-post']!).toBeLessThanOrEqual(headersAt + 1)
})

test('slow first byte: the streamed upstream figure includes the wait for it', async () => {
  const response = await post(hub, '/v1/chat/completions', key, chatBody('slow stream', { model: 'slow-first', stream: true }))
  const t = timings(response)
  await response.text()
  expect(t.upstream!).toBeGreaterThanOrEqual(145)
  expect(t['gateway-pre']!).toBeLessThan(t.upstream!)
})

test('computing the header costs well under 10 µs (it is on every answer)', () => {
  const ctx = new RequestContext('req_x', '/v1/chat/completions', Date.now())
  const deployment = { id: 'gpt-4o-mini', provider: { name: 'mock' } }
  ctx.upstreamCalled(deployment)
  ctx.upstreamAnswered(deployment)
  const n = 100_000
  const started = performance.now()
  let length = 0
  for (let i = 0; i < n; i++) length += ctx.serverTiming().length
  const perCallUs = ((performance.now() - started) * 1000) / n
  expect(length).toBeGreaterThan(0)
  expect(perCallUs).toBeLessThan(10)
})
