// Two instances on one Postgres: holds placed against the shared balance, and swept only once their owner's lease lapsed.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ManualClock } from '../../src/clock'
import { createBilling } from '../../src/money/billing'
import { openPostgresStore, type PostgresMoneyStore } from '../../src/store/postgres'
import { migratePostgres, POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations'
import { sharedPostgres } from '../support/postgres'

const LEASE_MS = 10_000

describe('Postgres: holds across instances', () => {
  const clock = new ManualClock()
  let a: PostgresMoneyStore
  let b: PostgresMoneyStore
  beforeAll(async () => {
    const url = await (await sharedPostgres()).createDatabase()
    const options = { now: () => clock.now(), leaseMs: LEASE_MS, pingIntervalMs: 0, sweepIntervalMs: 0 }
    // Two instances starting together: the migrations run once (the second waits on the lock and finds them applied).
    ;[a, b] = await Promise.all([openPostgresStore(url, options), openPostgresStore(url, options)])
    await a.accounts.create({ id: 'acct_1', email: 'a@t.local', name: null, plan: 'standard', createdAt: clock.now() })
    await a.ledger.append({ accountId: 'acct_1', type: 'topup', amountMicros: 1_000_000, createdAt: clock.now() })
    await a.keys.insert({
      id: 'key_1',
      accountId: 'acct_1',
      name: null,
      hash: 'h_key_1',
      prefix: 'sk-th_x',
      models: null,
      ipAllowlist: null,
      rpm: null,
      budgetMicros: null,
      budgetWindowDays: 30,
      createdAt: clock.now(),
      expiresAt: null,
      revokedAt: null,
    })
  })
  afterAll(async () => {
    await a.close()
    await b.close()
  })

  test('migrations are recorded once and a second run applies nothing', async () => {
    const [row] = await a.sql`SELECT COUNT(*)::int AS n FROM schema_migrations`
    expect(row.n).toBe(POSTGRES_MIGRATIONS.length)
    expect(await migratePostgres(a.sql)).toBe(0)
  })

  test('concurrent holds from two instances never take more than the shared balance', async () => {
    const billingA = createBilling(a, clock)
    const billingB = createBilling(b, clock)
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        (i % 2 ? billingA : billingB).hold({ accountId: 'acct_1', keyId: 'key_1', requestId: `req_c${i}`, amountMicros: 10_000 }),
      ),
    )
    const placed = outcomes.flatMap((o) => (o.ok ? [o.hold] : []))
    expect(placed).toHaveLength(100)
    expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.code === 'insufficient_balance')).toBe(true)
    expect(await billingB.available('acct_1')).toBe(0)
    // Each settles through the other instance than the one that placed it: exactly once, all of it.
    const settled = await Promise.all(placed.map((h, i) => (i % 2 ? billingB : billingA).settle(h, 10_000)))
    const again = await Promise.all(placed.map((h) => billingA.settle(h, 10_000)))
    expect(settled.every((c) => c === 10_000)).toBe(true)
    expect(again.every((c) => c === 0)).toBe(true)
    const account = (await a.accounts.get('acct_1'))!
    expect(account.balanceMicros).toBe(0)
    expect(await a.ledger.sum('acct_1')).toBe(0)
    await a.ledger.append({ accountId: 'acct_1', type: 'topup', amountMicros: 1_000_000, createdAt: clock.now() })
  })

  test("a live instance's holds are never swept; once its lease lapses any instance releases them", async () => {
    const billingA = createBilling(a, clock)
    const held = await Promise.all(
      [1, 2, 3].map((i) => billingA.hold({ accountId: 'acct_1', keyId: 'key_1', requestId: `req_l${i}`, amountMicros: 50_000 })),
    )
    expect(held.every((h) => h.ok)).toBe(true)
    // A renews; B sweeps just before A's lease would lapse: nothing goes.
    await a.lease.renew()
    clock.advance(LEASE_MS)
    expect(await b.holds.releaseAll()).toBe(0)
    expect(await b.holds.countOpen()).toBe(3)
    // A stops renewing (as a killed process does): one millisecond past its lease, B's sweep takes its holds.
    a.lease.stopRenewing()
    clock.advance(1)
    expect(await b.holds.releaseAll()).toBe(3)
    expect(await b.holds.countOpen()).toBe(0)
    expect(await createBilling(b, clock).available('acct_1')).toBe(1_000_000)
    // A's late settlement of a swept hold charges nothing.
    const first = held[0]!
    if (!first.ok) throw new Error('not placed')
    expect(await billingA.settle(first.hold, 50_000)).toBe(0)
    expect(await a.ledger.sum('acct_1')).toBe(1_000_000)
  })
})
