// The metrics registry: label escaping and the caps on route and model labels.
import { expect, test } from 'bun:test'
import { createMetrics } from '../../src/observability/metrics'
import type { RequestLogRow } from '../../src/store/request-log'

const gauges = { openHolds: async () => 0, limiterWindows: () => 0, logRowsPending: () => 0 }
const row = (over: Partial<RequestLogRow>): RequestLogRow => ({
  requestId: 'req_x',
  ts: 0,
  accountId: null,
  keyId: null,
  route: '/v1/chat/completions',
  model: null,
  provider: null,
  status: 200,
  errorCode: null,
  promptTokens: null,
  completionTokens: null,
  costMicros: 0,
  latencyMs: 1,
  ttfbMs: null,
  stream: false,
  clientIp: null,
  attempts: null,
  ...over,
})

test('label values are escaped', async () => {
  const metrics = createMetrics()
  metrics.observeRequest(row({ model: 'a"b\\c\nd' }), null)
  expect(await metrics.render(gauges)).toContain(
    'token_hub_requests_total{route="/v1/chat/completions",model="a\\"b\\\\c\\nd",status="200"} 1\n',
  )
})

test('route labels are capped so a path scan cannot grow memory', async () => {
  const metrics = createMetrics()
  for (let i = 0; i < 500; i++) metrics.observeRequest(row({ route: `/v1/route-${i}` }), null)
  const lines = (await metrics.render(gauges)).split('\n').filter((l) => l.startsWith('token_hub_requests_total{'))
  expect(lines.length).toBe(65)
  expect(lines.at(-1)).toBe('token_hub_requests_total{route="other",model="",status="200"} 436')
})

test('model labels are capped too: a pattern entry serves any name a client sends', async () => {
  const metrics = createMetrics()
  for (let i = 0; i < 300; i++) metrics.observeRequest(row({ model: `any-name-${i}` }), null)
  const lines = (await metrics.render(gauges)).split('\n').filter((l) => l.startsWith('token_hub_requests_total{'))
  expect(lines.length).toBe(257)
  expect(lines.at(-1)).toBe('token_hub_requests_total{route="/v1/chat/completions",model="other",status="200"} 44')
})

test('observations of one series count in place: no new series or buckets (their cost in ns is in bench/micro.ts)', async () => {
  const metrics = createMetrics()
  const sample = row({ model: 'gpt-4o-mini', provider: 'mock' })
  const n = 200_000
  for (let i = 0; i < n; i++) metrics.observeRequest(sample, 0.012)
  const text = await metrics.render(gauges)
  expect(text.split('\n').filter((l) => l.startsWith('token_hub_requests_total{'))).toEqual([
    `token_hub_requests_total{route="/v1/chat/completions",model="gpt-4o-mini",status="200"} ${n}`,
  ])
  // 0.012 s falls in the 0.025 bucket: every bucket from there up holds all n, the ones below none.
  expect(text).toContain(`token_hub_upstream_latency_seconds_bucket{provider="mock",le="0.01"} 0\n`)
  expect(text).toContain(`token_hub_upstream_latency_seconds_bucket{provider="mock",le="0.025"} ${n}\n`)
  expect(text).toContain(`token_hub_upstream_latency_seconds_count{provider="mock"} ${n}\n`)
  expect(text.match(/^token_hub_upstream_latency_seconds_bucket/gm)).toHaveLength(15)
})
