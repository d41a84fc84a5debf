// A token-hub with `[limits] redis_url`: windows in Redis with the usual 429 headers, and Redis down is explicit (503 before any upstream call, /healthz, /metrics).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ADMIN_TOKEN, chatBody, post, startHub, type TestHub } from '../helpers'
import { startRedis, type TestRedis } from '../support/redis'

describe('limits in Redis (fail_closed)', () => {
  let redis: TestRedis
  let hub: TestHub
  beforeAll(async () => {
    redis = await startRedis()
    hub = await startHub({ config: { limits: { key_rpm: 3, account_rpm: 100, redis_url: redis.url } } })
  })
  afterAll(async () => {
    await hub.close()
    await redis.close()
  })

  test('a key at 3 RPM: 3 answered, then 429 with Retry-After and the rate-limit headers', async () => {
    const { key } = await hub.account({ balanceUsd: '10.00' })
    const responses = []
    for (let i = 0; i < 5; i++) responses.push(await post(hub, '/v1/chat/completions', key, chatBody(`r${i}`)))
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429, 429])
    expect(responses[2]!.headers.get('x-ratelimit-remaining')).toBe('0')
    const refused = responses[3]!
    expect(refused.headers.get('x-ratelimit-limit')).toBe('3')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('key_rpm_exceeded')
    expect(await (await fetch(`${hub.url}/healthz`)).json()).toEqual({ status: 'ok', redis: 'ok' })
  })

  test('Redis down: model calls 503 store_unavailable before any upstream call; /healthz 503; /metrics shows it', async () => {
    const { key } = await hub.account({ balanceUsd: '10.00' })
    const upstreamCallsBefore = hub.mock.stats.calls
    await redis.stop()
    try {
      const response = await post(hub, '/v1/chat/completions', key, chatBody('while redis is down'))
      expect(response.status).toBe(503)
      const body = (await response.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('store_unavailable')
      expect(body.error.message).toContain('Redis')
      expect(hub.mock.stats.calls).toBe(upstreamCallsBefore)
      const health = await fetch(`${hub.url}/healthz`)
      expect(health.status).toBe(503)
      const metrics = await (await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text()
      expect(metrics).toContain('token_hub_redis_up 0')
      expect(metrics).toMatch(/token_hub_limiter_redis_failures_total [1-9]/)
    } finally {
      await redis.start()
    }
    await Bun.sleep(600)
    expect((await post(hub, '/v1/chat/completions', key, chatBody('redis is back'))).status).toBe(200)
  })
})
