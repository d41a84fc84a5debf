// Deployments over three loopback upstreams: weighted choice, cooldown on 429 (Retry-After), refused connections, all down, provider rpm.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ManualClock } from '../../src/clock'
import { chatBody, logRow, post, startHub, type TestHub } from '../helpers'
import { openaiProviders, refusingUrl, serveUpstream, type RoutedUpstream } from '../support/routed-upstreams'

const price = { input_usd_per_mtok: 1, output_usd_per_mtok: 2, context_window: 128000, max_output_tokens: 256 }
const unlimited = { key_rpm: 1_000_000, account_rpm: 1_000_000 }

/** Sends `n` chat requests, `concurrency` at a time; returns the responses' statuses and request ids. */
async function send(hub: TestHub, key: string, model: string, n: number, concurrency = 25) {
  const out: Array<{ status: number; id: string }> = []
  for (let i = 0; i < n; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, n - i) }, async () => {
      const response = await post(hub, '/v1/chat/completions', key, chatBody('Hi', { model, max_tokens: 16 }))
      await response.arrayBuffer()
      return { status: response.status, id: response.headers.get('x-request-id')! }
    })
    out.push(...(await Promise.all(batch)))
  }
  return out
}

async function ledgerOf(hub: TestHub, accountId: string) {
  const response = await hub.admin('GET', `/admin/accounts/${accountId}/ledger?limit=1000`)
  return ((await response.json()) as { data: Array<{ type: string; request_id: string | null; amount_micros: number }> }).data
}

async function accountOf(hub: TestHub, accountId: string) {
  return (await (await hub.admin('GET', `/admin/accounts/${accountId}`)).json()) as { balance_usd: string; held_usd: string }
}

describe('weighted choice', () => {
  const upstreams: RoutedUpstream[] = []
  let hub: TestHub
  let key: string

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) upstreams.push(serveUpstream())
    hub = await startHub({
      config: {
        limits: unlimited,
        providers: openaiProviders({ a: upstreams[0]!.url, b: upstreams[1]!.url, c: upstreams[2]!.url }),
        models: [
          {
            id: 'pooled',
            upstream_model: 'mock-gpt',
            deployments: [
              { provider: 'a', weight: 2 },
              { provider: 'b', weight: 1 },
              { provider: 'c', weight: 1 },
            ],
            ...price,
          },
        ],
      },
    })
    ;({ key } = await hub.account({ balanceUsd: '100.00' }))
  })
  afterAll(async () => {
    await hub.close()
    for (const u of upstreams) u.stop()
  })

  test('weights 2:1:1 over 3,000 requests land within ±5 % of 1,500 / 750 / 750', async () => {
    const results = await send(hub, key, 'pooled', 3000, 30)
    expect(results.filter((r) => r.status !== 200)).toEqual([])
    const [a, b, c] = upstreams.map((u) => u.calls)
    expect(a! + b! + c!).toBe(3000)
    expect(Math.abs(a! - 1500)).toBeLessThanOrEqual(75)
    expect(Math.abs(b! - 750)).toBeLessThanOrEqual(37.5)
    expect(Math.abs(c! - 750)).toBeLessThanOrEqual(37.5)
    const deployments = (await (await hub.admin('GET', '/admin/deployments')).json()) as { data: Array<Record<string, unknown>> }
    expect(deployments.data.map((d) => [d.id, d.requests, d.in_flight, d.state])).toEqual([
      ['pooled@a', a, 0, 'healthy'],
      ['pooled@b', b, 0, 'healthy'],
      ['pooled@c', c, 0, 'healthy'],
    ])
  }, 60_000)
})

describe('health and cooldown (injected clock)', () => {
  const clock = new ManualClock()
  let a: RoutedUpstream
  let b: RoutedUpstream
  let c: RoutedUpstream
  let hub: TestHub
  let key: string
  let accountId: string

  beforeAll(async () => {
    a = serveUpstream()
    b = serveUpstream()
    c = serveUpstream()
    hub = await startHub({
      deps: { clock },
      config: {
        limits: unlimited,
        routing: { retries: 2, cooldown_s: 30 },
        providers: openaiProviders(
          { a: a.url, b: b.url, c: c.url, refusing: refusingUrl(), refusing2: refusingUrl() },
          { a: { responses_api: true } },
        ),
        models: [
          {
            id: 'trio',
            upstream_model: 'mock-gpt',
            deployments: [{ provider: 'a' }, { provider: 'b' }, { provider: 'c' }],
            ...price,
          },
          {
            id: 'responses-pair',
            upstream_model: 'mock-gpt',
            deployments: [{ provider: 'refusing2', weight: 5 }, { provider: 'a' }],
            ...price,
          },
          {
            id: 'with-dead',
            upstream_model: 'mock-gpt',
            deployments: [{ provider: 'refusing' }, { provider: 'a' }],
            ...price,
          },
        ],
      },
    })
    ;({ key, accountId } = await hub.account({ balanceUsd: '10.00' }))
  })
  afterAll(async () => {
    await hub.close()
    for (const u of [a, b, c]) u.stop()
  })

  test('a deployment answering 429 with Retry-After: 2 is skipped for 2 s, then used again', async () => {
    b.mode = { kind: 'status', status: 429, retryAfter: '2' }
    const first = await send(hub, key, 'trio', 6, 1)
    expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200])
    expect(b.calls).toBe(1)
    const states = (await (await hub.admin('GET', '/admin/deployments')).json()) as { data: Array<Record<string, unknown>> }
    const cooled = states.data.find((d) => d.id === 'trio@b')!
    expect(cooled.state).toBe('cooling')
    expect(cooled.cooldown_until).toBe(new Date(clock.now() + 2000).toISOString())
    expect(cooled.last_status).toBe(429)

    // Still inside the 2 s: b is not asked however many requests come.
    clock.advance(1999)
    b.mode = { kind: 'ok' }
    await send(hub, key, 'trio', 6, 1)
    expect(b.calls).toBe(1)
    clock.advance(1)
    await send(hub, key, 'trio', 6, 1)
    expect(b.calls).toBeGreaterThanOrEqual(2)
    const after = (await (await hub.admin('GET', '/admin/deployments')).json()) as { data: Array<Record<string, unknown>> }
    expect(after.data.find((d) => d.id === 'trio@b')!.state).toBe('healthy')
  })

  test('the request that met the 429 was retried on another deployment; its log row has both attempts', async () => {
    a.mode = { kind: 'status', status: 429, retryAfter: '1' }
    const before = a.calls
    let result: { status: number; id: string } | undefined
    // The rotation reaches a within three requests.
    for (let i = 0; i < 3 && a.calls === before; i++) result = (await send(hub, key, 'trio', 1, 1))[0]!
    expect(a.calls).toBe(before + 1)
    expect(result!.status).toBe(200)
    const row = await logRow(hub, result!.id)
    const attempts = (row.attempts as Array<Record<string, unknown>>).map((x) => [x.deployment, x.status])
    expect(attempts).toHaveLength(2)
    expect(attempts[0]).toEqual(['trio@a', 429])
    expect(attempts[1]![1]).toBe(200)
    a.mode = { kind: 'ok' }
    clock.advance(1000)
  })

  test('a deployment refusing connections costs no client a failure and no double charge', async () => {
    const results = await send(hub, key, 'with-dead', 20, 5)
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200))
    const ledger = await ledgerOf(hub, accountId)
    for (const { id } of results) expect(ledger.filter((e) => e.request_id === id)).toHaveLength(1)
    const states = (await (await hub.admin('GET', '/admin/deployments')).json()) as { data: Array<Record<string, unknown>> }
    const dead = states.data.find((d) => d.id === 'with-dead@refusing')!
    expect(dead.state).toBe('cooling')
    expect(String(dead.last_error)).toContain("'refusing'")
    // The first request(s) met the refusal and were retried: their rows show both attempts.
    const rows = await Promise.all(results.map((r) => logRow(hub, r.id)))
    const retried = rows.filter((row) => Array.isArray(row.attempts))
    expect(retried.length).toBeGreaterThanOrEqual(1)
    expect((retried[0]!.attempts as Array<Record<string, unknown>>).map((x) => [x.deployment, x.status])).toEqual([
      ['with-dead@refusing', 502],
      ['with-dead@a', 200],
    ])
  })

  test('the Responses API (relayed) and a stream are retried on the next deployment before the first byte', async () => {
    const before = a.calls
    const response = await post(hub, '/v1/responses', key, { model: 'responses-pair', input: 'Hello', max_output_tokens: 16 })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { status: string }).status).toBe('completed')
    expect(a.calls).toBe(before + 1)
    const row = await logRow(hub, response.headers.get('x-request-id')!)
    expect((row.attempts as Array<Record<string, unknown>>).map((x) => [x.deployment, x.status])).toEqual([
      ['responses-pair@refusing2', 502],
      ['responses-pair@a', 200],
    ])
    // The refusing deployment is cooling now; once the cooldown is over, a stream meets it again and moves on.
    clock.advance(31_000)
    const stream = await post(hub, '/v1/chat/completions', key, chatBody('Hi', { model: 'responses-pair', stream: true, max_tokens: 16 }))
    expect(stream.status).toBe(200)
    expect((await stream.text()).trimEnd().endsWith('data: [DONE]')).toBe(true)
    const streamRow = await logRow(hub, stream.headers.get('x-request-id')!)
    expect((streamRow.attempts as Array<Record<string, unknown>>).map((x) => x.deployment)).toEqual([
      'responses-pair@refusing2',
      'responses-pair@a',
    ])
    expect(streamRow.stream).toBe(true)
  })

  test('all three down: 502 after the configured retries, nothing billed', async () => {
    for (const u of [a, b, c]) u.mode = { kind: 'status', status: 500 }
    clock.advance(3_600_000)
    const before = await accountOf(hub, accountId)
    const entriesBefore = (await ledgerOf(hub, accountId)).length
    const callsBefore = a.calls + b.calls + c.calls
    const response = await post(hub, '/v1/chat/completions', key, chatBody('Hi', { model: 'trio', max_tokens: 16 }))
    expect(response.status).toBe(502)
    const id = response.headers.get('x-request-id')!
    expect(a.calls + b.calls + c.calls - callsBefore).toBe(3)
    const row = await logRow(hub, id)
    expect((row.attempts as unknown[]).length).toBe(3)
    expect(row.cost_micros ?? 0).toBe(0)
    expect(await accountOf(hub, accountId)).toEqual(expect.objectContaining({ balance_usd: before.balance_usd, held_usd: '0.0000' }))
    expect((await ledgerOf(hub, accountId)).length).toBe(entriesBefore)

    // Every deployment cooling: the least recently failed is still tried rather than failing at once.
    a.mode = { kind: 'ok' }
    const next = await post(hub, '/v1/chat/completions', key, chatBody('Hi', { model: 'trio', max_tokens: 16 }))
    expect(next.status).toBe(200)
    for (const u of [b, c]) u.mode = { kind: 'ok' }
  })

  test('a 4xx the client caused is the answer: no retry on another deployment, no cooldown', async () => {
    for (const u of [a, b, c]) u.mode = { kind: 'status', status: 400 }
    const callsBefore = a.calls + b.calls + c.calls
    const response = await post(hub, '/v1/chat/completions', key, chatBody('Hi', { model: 'trio', max_tokens: 16 }))
    expect(response.status).toBe(400)
    expect(a.calls + b.calls + c.calls - callsBefore).toBe(1)
    for (const u of [a, b, c]) u.mode = { kind: 'ok' }
  })
})

describe('provider rpm caps', () => {
  let capped: RoutedUpstream
  let spare: RoutedUpstream
  let alone: RoutedUpstream
  let hub: TestHub
  let key: string

  beforeAll(async () => {
    capped = serveUpstream()
    spare = serveUpstream()
    alone = serveUpstream()
    hub = await startHub({
      config: {
        limits: unlimited,
        providers: openaiProviders({ capped: capped.url, spare: spare.url, alone: alone.url }, { capped: { rpm: 50 }, alone: { rpm: 50 } }),
        models: [
          { id: 'spill', upstream_model: 'mock-gpt', deployments: [{ provider: 'capped', weight: 10 }, { provider: 'spare' }], ...price },
          { id: 'single', upstream_model: 'mock-gpt', provider: 'alone', ...price },
        ],
      },
    })
    ;({ key } = await hub.account({ balanceUsd: '100.00' }))
  })
  afterAll(async () => {
    await hub.close()
    for (const u of [capped, spare, alone]) u.stop()
  })

  test('200 concurrent requests: the capped deployment takes 50, the rest go to the other, none fails', async () => {
    const results = await send(hub, key, 'spill', 200, 200)
    expect(results.filter((r) => r.status !== 200)).toEqual([])
    expect(capped.calls).toBe(50)
    expect(spare.calls).toBe(150)
  })

  test('a model with only a capped deployment: 50 go up, the rest answer 429 with Retry-After', async () => {
    const results = await send(hub, key, 'single', 200, 200)
    expect(alone.calls).toBe(50)
    expect(results.filter((r) => r.status === 200)).toHaveLength(50)
    expect(results.filter((r) => r.status === 429)).toHaveLength(150)
  })
})
