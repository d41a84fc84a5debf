// Three `token-hub serve` processes on one Postgres and one Redis: money, limits, revocation and a kill -9 hold across instances.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { SQL, type Subprocess } from 'bun'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sharedPostgres } from '../support/postgres'
import { startRedis, type TestRedis } from '../support/redis'
import { SERVE_ADMIN_TOKEN, serveConfig, startServe } from '../support/serve-process'

const LEASE_S = 2
// $2,000 per million output tokens, at most 5: every request holds and settles exactly $0.01.
const MODELS = `[[models]]
id = "cent"
provider = "mock"
upstream_model = "mock-gpt"
input_usd_per_mtok = 0
output_usd_per_mtok = 2000
context_window = 128000
max_output_tokens = 5
[[models]]
id = "gpt-4o-mini"
provider = "mock"
input_usd_per_mtok = 0.15
output_usd_per_mtok = 0.60
context_window = 128000
max_output_tokens = 64
`

describe('three instances on Postgres + Redis', () => {
  let dir: string
  let redis: TestRedis
  let db: SQL
  let instances: Array<{ url: string; process: Subprocess<'ignore', 'pipe', 'pipe'> }> = []
  const base = (i: number) => instances[i % instances.length]!.url

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-scale-'))
    redis = await startRedis()
    const url = await (await sharedPostgres()).createDatabase()
    db = new SQL(url, { max: 2 })
    const storage = `[storage]\npostgres_url = "${url}"\ninstance_lease_s = ${LEASE_S}\n`
    // serveConfig's [limits] is replaced: the default key limit of 60 RPM, in Redis.
    const config = serveConfig(storage, MODELS).replace(
      '[limits]\nkey_rpm = 1000000\naccount_rpm = 1000000\n',
      `[limits]\nkey_rpm = 60\naccount_rpm = 1000000\nredis_url = "${redis.url}"\n`,
    )
    expect(config).toContain(redis.url)
    const path = join(dir, 'config.toml')
    writeFileSync(path, config)
    // Started together: the migrations run once, under the advisory lock.
    instances = await Promise.all([startServe(path), startServe(path), startServe(path)])
  }, 60_000)
  afterAll(async () => {
    for (const instance of instances) instance.process.kill(9)
    await db?.close()
    await redis?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const admin = async (i: number, method: string, path: string, body?: unknown) => {
    const response = await fetch(base(i) + path, {
      method,
      headers: { authorization: `Bearer ${SERVE_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return (await response.json()) as Record<string, unknown>
  }
  const account = async (usd: string, key: Record<string, unknown> = {}) => {
    const { id } = (await admin(0, 'POST', '/admin/accounts', { email: `${crypto.randomUUID()}@scale.test` })) as { id: string }
    await admin(1, 'POST', `/admin/accounts/${id}/credits`, { amount_usd: usd })
    const minted = (await admin(2, 'POST', `/admin/accounts/${id}/keys`, { expires_in_days: null, ...key })) as { key: string; id: string }
    return { accountId: id, key: minted.key, keyId: minted.id }
  }
  const chat = (i: number, key: string, body: Record<string, unknown>) =>
    fetch(`${base(i)}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const money = async (accountId: string) => {
    const [row] = await db`
      SELECT a.balance_micros,
             (SELECT COALESCE(SUM(amount_micros), 0) FROM ledger WHERE account_id = a.id) AS ledger_sum,
             (SELECT COUNT(*) FROM ledger WHERE account_id = a.id AND type = 'charge') AS charges,
             (SELECT COUNT(*) FROM holds WHERE account_id = a.id) AS holds
      FROM accounts a WHERE a.id = ${accountId}`
    return { balance: Number(row.balance_micros), sum: Number(row.ledger_sum), charges: Number(row.charges), holds: Number(row.holds) }
  }

  test('1,000 concurrent $0.01 requests over the three against $1.00: ≤ $1.00 settled, balance = Σ ledger', async () => {
    const { accountId, key } = await account('1.00', { rpm: 1_000_000 })
    const results = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const response = await chat(i, key, {
          model: 'cent',
          messages: [{ role: 'user', content: `request ${i}` }],
          metadata: { mock_fault: 'slow-20' },
          ...(i % 2 === 0 ? { stream: true, stream_options: { include_usage: true } } : {}),
        })
        return { status: response.status, text: await response.text() }
      }),
    )
    const ok = results.filter((r) => r.status === 200).length
    const refused = results.filter((r) => r.status === 402)
    const after = await money(accountId)
    console.log(
      `3 instances, 1,000 concurrent: ${ok} admitted, ${refused.length} refused with 402, settled $${((1_000_000 - after.balance) / 1e6).toFixed(4)}, ` +
        `${after.charges} charges, balance ${after.balance} µUSD = Σ ledger ${after.sum}`,
    )
    expect(ok + refused.length).toBe(1000)
    expect(refused.every((r) => r.text.includes('insufficient_balance'))).toBe(true)
    expect(ok).toBeLessThanOrEqual(100)
    expect(1_000_000 - after.balance).toBeLessThanOrEqual(1_000_000)
    expect(after.balance).toBeGreaterThanOrEqual(0)
    expect(after.balance).toBe(after.sum)
    expect(after.charges).toBe(ok)
    expect(after.holds).toBe(0)
    // Every hold settled exactly its cent: nothing leaked either way.
    expect(ok).toBe(100)
  }, 60_000)

  test('a key at 60 RPM gets exactly 60 admitted across the three', async () => {
    const { key } = await account('100.00')
    const statuses = await Promise.all(
      Array.from({ length: 150 }, async (_, i) => {
        const response = await chat(i, key, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `rpm ${i}` }] })
        await response.text()
        return { status: response.status, retryAfter: response.headers.get('retry-after') }
      }),
    )
    const admitted = statuses.filter((s) => s.status === 200).length
    const limited = statuses.filter((s) => s.status === 429)
    console.log(`3 instances, 60 RPM key: ${admitted} of 150 admitted, ${limited.length} refused with 429`)
    expect(admitted).toBe(60)
    expect(limited).toHaveLength(90)
    expect(limited.every((s) => Number(s.retryAfter) >= 1)).toBe(true)
  }, 60_000)

  test('a revoke through instance A refuses the key on B and C at their next request', async () => {
    const { key, keyId } = await account('10.00', { rpm: 1_000_000 })
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'before' }] }
    // B and C have the key in their caches.
    for (const i of [1, 2]) expect((await chat(i, key, body)).status).toBe(200)
    expect(await admin(0, 'DELETE', `/admin/keys/${keyId}`)).toMatchObject({ id: keyId })
    for (const i of [1, 2]) {
      const response = await chat(i, key, body)
      expect(response.status).toBe(401)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('key_revoked')
    }
  }, 30_000)

  test('kill -9 of one instance mid-stream: its holds released once its lease lapses (not before), the others unaffected', async () => {
    const { accountId, key } = await account('10.00', { rpm: 1_000_000 })
    const stream = (i: number, n: number) =>
      chat(i, key, {
        model: 'gpt-4o-mini',
        max_tokens: 64,
        stream: true,
        messages: [{ role: 'user', content: `stream ${n}` }],
        metadata: { mock_fault: 'drip-100' },
      })
        .then((r) => r.text())
        .then(
          (text) => ({ done: text.trimEnd().endsWith('data: [DONE]') }),
          () => ({ done: false }),
        )
    // Five slow streams on C (index 2), five on A and B.
    const onC = Array.from({ length: 5 }, (_, n) => stream(2, n))
    const onOthers = Array.from({ length: 6 }, (_, n) => stream(n % 2, 100 + n))
    const deadline = Date.now() + 10_000
    while ((await money(accountId)).holds < 11 && Date.now() < deadline) await Bun.sleep(20)
    const victim = instances[2]!
    victim.process.kill(9)
    await victim.process.exited
    const killedAt = Date.now()
    // Right after the kill its lease has not lapsed: its holds are still there.
    const justAfter = await money(accountId)
    expect(justAfter.holds).toBeGreaterThanOrEqual(5)
    const cut = await Promise.all(onC)
    expect(cut.every((r) => !r.done)).toBe(true)
    const others = await Promise.all(onOthers)
    expect(others.every((r) => r.done)).toBe(true)
    // A or B sweeps C's holds once its lease (2 s) lapsed.
    while ((await money(accountId)).holds > 0 && Date.now() - killedAt < 20_000) await Bun.sleep(100)
    const released = Date.now() - killedAt
    const after = await money(accountId)
    console.log(
      `kill -9 of one of 3 instances: ${justAfter.holds} holds open at the kill; the killed one's released ${released} ms after it ` +
        `(lease ${LEASE_S} s); ${others.length} streams on the others completed; ${after.charges} charges, balance = Σ ledger`,
    )
    expect(after.holds).toBe(0)
    expect(after.charges).toBe(6)
    expect(after.balance).toBe(after.sum)
    instances = instances.slice(0, 2)
    // The two left serve on.
    expect((await chat(0, key, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'after' }] })).status).toBe(200)
  }, 60_000)
})
