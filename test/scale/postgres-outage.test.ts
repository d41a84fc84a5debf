// Postgres stopped under a running token-hub: model calls refused with 503 before any upstream call, /healthz says so, and service resumes with it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createApp, type App } from '../../src/app'
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres'
import { ADMIN_TOKEN, chatBody, post, testConfig } from '../helpers'
import { startPostgres, type TestPostgres } from '../support/postgres'

describe('Postgres outage', () => {
  let pg: TestPostgres
  let store: PostgresStore
  let hub: App<PostgresStore>
  let url: string
  beforeAll(async () => {
    // A cluster of its own: this test stops it.
    pg = await startPostgres()
    store = await openPostgresStore(await pg.createDatabase(), { now: () => Date.now(), pingIntervalMs: 100, maxConnections: 4 })
    hub = await createApp({ config: testConfig(), store, env: {} })
    hub.app.listen({ hostname: '127.0.0.1', port: 0 })
    url = `http://127.0.0.1:${hub.app.server!.port}`
  })
  afterAll(async () => {
    await hub.app.stop(true)
    await hub.close()
    await store.close().catch(() => {})
    await pg.close()
  })

  const admin = async (path: string, body: unknown) =>
    (await (
      await fetch(url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json()) as Record<string, string>

  test('calls during the outage get 503 store_unavailable and reach no upstream; after it, calls are billed again', async () => {
    const { id } = await admin('/admin/accounts', { email: 'outage@test.local' })
    await admin(`/admin/accounts/${id}/credits`, { amount_usd: '10.00' })
    const { key } = await admin(`/admin/accounts/${id}/keys`, {})
    expect((await post({ url }, '/v1/chat/completions', key!, chatBody('before'))).status).toBe(200)

    await pg.stop()
    const calls = hub.registry.mock.stats.calls
    const during = await Promise.all(
      Array.from({ length: 5 }, (_, i) => post({ url }, '/v1/chat/completions', key!, chatBody(`during ${i}`))),
    )
    for (const response of during) {
      expect(response.status).toBe(503)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('store_unavailable')
    }
    expect(hub.registry.mock.stats.calls).toBe(calls)
    // The pinger notices within its interval; /healthz answers 503 from then on.
    const deadline = Date.now() + 5_000
    let health = await fetch(`${url}/healthz`)
    while (health.status !== 503 && Date.now() < deadline) {
      await Bun.sleep(50)
      health = await fetch(`${url}/healthz`)
    }
    expect(health.status).toBe(503)
    const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text()
    expect(metrics).toContain('token_hub_store_up 0')

    await pg.start()
    let after = await post({ url }, '/v1/chat/completions', key!, chatBody('after'))
    while (after.status !== 200 && Date.now() < deadline + 10_000) {
      await Bun.sleep(100)
      after = await post({ url }, '/v1/chat/completions', key!, chatBody('after'))
    }
    expect(after.status).toBe(200)
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    expect(await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text()).toContain(
      'token_hub_store_up 1',
    )
    // Nothing lost or doubled: two answered calls, two charges, balance = Σ ledger, nothing held.
    const [row] = await store.sql`
      SELECT a.balance_micros, (SELECT SUM(amount_micros) FROM ledger WHERE account_id = a.id) AS total,
             (SELECT COUNT(*) FROM ledger WHERE account_id = a.id AND type = 'charge') AS charges,
             (SELECT COUNT(*) FROM holds WHERE account_id = a.id) AS holds
      FROM accounts a WHERE a.id = ${id!}`
    expect(Number(row.balance_micros)).toBe(Number(row.total))
    expect(Number(row.charges)).toBe(2)
    expect(Number(row.holds)).toBe(0)
  }, 60_000)

  test('restarted under load: every answered call charged exactly once, none of the refused ones, balance = Σ ledger, nothing held', async () => {
    const { id } = await admin('/admin/accounts', { email: 'load@test.local' })
    await admin(`/admin/accounts/${id}/credits`, { amount_usd: '100.00' })
    const { key } = await admin(`/admin/accounts/${id}/keys`, { rpm: 1_000_000 })
    const seen: Array<{ status: number; requestId: string }> = []
    let running = true
    const loop = async (n: number) => {
      for (let i = 0; running; i++) {
        try {
          const response = await post(
            { url },
            '/v1/chat/completions',
            key!,
            chatBody(`load ${n} ${i}`, { metadata: { mock_fault: 'slow-10' } }),
          )
          await response.text()
          seen.push({ status: response.status, requestId: response.headers.get('x-request-id')! })
        } catch {
          seen.push({ status: 0, requestId: '' })
        }
      }
    }
    const loops = Array.from({ length: 12 }, (_, n) => loop(n))
    await Bun.sleep(400)
    await pg.stop()
    // The loops' calls in flight may all be waiting for their settlement to land (it is retried until
    // Postgres is back, and their answers wait for it), so fresh calls probe the outage: down until
    // calls are being refused (a bound, not a speed: the outage lasts as long as that takes).
    const refusedSoFar = () => seen.filter((r) => r.status === 503).length
    const downUntil = Date.now() + 15_000
    for (let i = 0; refusedSoFar() < 5 && Date.now() < downUntil; i++) {
      const response = await post({ url }, '/v1/chat/completions', key!, chatBody(`probe ${i}`))
      await response.text()
      seen.push({ status: response.status, requestId: response.headers.get('x-request-id')! })
    }
    await pg.start()
    // Until calls are answered again, then a little more.
    const deadline = Date.now() + 15_000
    const okBefore = () => seen.filter((r) => r.status === 200).length
    const resumedFrom = okBefore()
    while (okBefore() < resumedFrom + 20 && Date.now() < deadline) await Bun.sleep(50)
    running = false
    await Promise.all(loops)

    const answered = new Set(seen.filter((r) => r.status === 200).map((r) => r.requestId))
    const refused = seen.filter((r) => r.status === 503).length
    const charges =
      await store.sql`SELECT request_id, COUNT(*) AS n FROM ledger WHERE account_id = ${id!} AND type = 'charge' GROUP BY request_id`
    const charged = new Map<string, number>(charges.map((r: { request_id: string; n: unknown }) => [r.request_id, Number(r.n)]))
    const [money] = await store.sql`
      SELECT a.balance_micros, (SELECT SUM(amount_micros) FROM ledger WHERE account_id = a.id) AS total,
             (SELECT COUNT(*) FROM holds WHERE account_id = a.id) AS holds
      FROM accounts a WHERE a.id = ${id!}`
    console.log(
      `Postgres restarted under load: ${seen.length} calls, ${answered.size} answered (each charged once), ${refused} refused with 503, ` +
        `${seen.length - answered.size - refused} other; ${charged.size} charges; ${money.holds} holds left`,
    )
    expect(refused).toBeGreaterThan(0)
    for (const requestId of answered) expect(charged.get(requestId)).toBe(1)
    // A charge belongs to an answered call only (a call whose answer a client did not get was not billed).
    for (const requestId of charged.keys()) expect(answered.has(requestId)).toBe(true)
    expect(Number(money.balance_micros)).toBe(Number(money.total))
    expect(Number(money.holds)).toBe(0)
  }, 60_000)
})
