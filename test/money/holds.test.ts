// Holds over the SQLite store with the money rules applied: reservations, exactly-once resolution, overruns, key budgets and their windows.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { openStore, type SqliteStore } from '../../src/store'
import { placeHold, settleHold } from '../../src/money/holds'
import { budgetWindow, keySpendOf } from '../../src/money/key-budget'
import { DAY_MS } from '../../src/clock'
import type { Hold } from '../../src/store/holds'

const T0 = Date.UTC(2026, 0, 1)
let store: SqliteStore
let n = 0

async function account(balance: number): Promise<string> {
  const id = `acct_${++n}`
  await store.accounts.create({ id, email: `${id}@t.local`, name: null, plan: 'standard', createdAt: T0 })
  if (balance !== 0) await store.ledger.append({ accountId: id, type: 'topup', amountMicros: balance, createdAt: T0 })
  return id
}

async function key(accountId: string, budgetMicros: number | null, windowDays = 30): Promise<string> {
  const id = `key_${++n}`
  await store.keys.insert({
    id,
    accountId,
    name: null,
    hash: `hash_${id}`,
    prefix: 'sk-th_x',
    models: null,
    ipAllowlist: null,
    rpm: null,
    budgetMicros,
    budgetWindowDays: windowDays,
    createdAt: T0,
    expiresAt: null,
    revokedAt: null,
  })
  return id
}

const hold = (accountId: string, keyId: string | null, amountMicros: number, createdAt = T0): Hold => ({
  id: `hold_${++n}`,
  accountId,
  keyId,
  requestId: `req_${n}`,
  amountMicros,
  createdAt,
})

// The store with the money rules (money/holds.ts, money/key-budget.ts) applied, as billing applies them.
const place = (h: Hold) => placeHold(store.holds, h)
const settle = (holdId: string, costMicros: number, at: number) => settleHold(store.holds, holdId, costMicros, at)
async function keySpendAt(keyId: string, now: number) {
  const record = await store.keySpend.read(keyId)
  return record && keySpendOf(record, now)
}

async function state(accountId: string) {
  const a = (await store.accounts.get(accountId))!
  return { balance: a.balanceMicros, held: a.heldMicros, sum: await store.ledger.sum(accountId) }
}

beforeEach(() => {
  store = openStore(':memory:')
})
afterEach(() => store.close())

describe('holds', () => {
  test('a hold reserves available balance; one that does not fit is refused', async () => {
    const a = await account(10_000)
    expect((await place(hold(a, null, 6_000))).ok).toBe(true)
    expect(await place(hold(a, null, 4_001))).toEqual({ ok: false, reason: 'insufficient_balance' })
    expect((await place(hold(a, null, 4_000))).ok).toBe(true)
    expect(await state(a)).toEqual({ balance: 10_000, held: 10_000, sum: 10_000 })
    expect(await place(hold('acct_missing', null, 1))).toEqual({ ok: false, reason: 'account_not_found' })
  })

  test('settle charges once and frees the reservation; release frees without charge; both exactly once', async () => {
    const a = await account(10_000)
    const h1 = hold(a, null, 5_000)
    const h2 = hold(a, null, 5_000)
    await place(h1)
    await place(h2)
    const settled = await settle(h1.id, 1_234, T0 + 1)
    expect(settled!.entry).toMatchObject({ type: 'charge', amountMicros: -1_234, balanceAfterMicros: 8_766, requestId: h1.requestId })
    expect(await settle(h1.id, 1_234, T0 + 2)).toBeNull()
    expect(await store.holds.release(h1.id)).toBe(false)
    expect(await store.holds.release(h2.id)).toBe(true)
    expect(await store.holds.release(h2.id)).toBe(false)
    expect(await settle(h2.id, 99, T0 + 3)).toBeNull()
    expect(await state(a)).toEqual({ balance: 8_766, held: 0, sum: 8_766 })
    expect(await store.holds.countOpen()).toBe(0)
  })

  test('an overrun is charged in full and noted; the balance dips below zero by the overrun only', async () => {
    const a = await account(1_000)
    const h = hold(a, null, 1_000)
    await place(h)
    const settled = await settle(h.id, 1_300, T0)
    expect(settled!.entry!.amountMicros).toBe(-1_300)
    expect(settled!.entry!.note).toContain('exceeded the 1000 µUSD hold by 300')
    expect(await state(a)).toEqual({ balance: -300, held: 0, sum: -300 })
    expect((await place(hold(a, null, 1))).ok).toBe(false)
  })

  test('a zero cost settles without a ledger entry', async () => {
    const a = await account(1_000)
    const h = hold(a, null, 500)
    await place(h)
    expect(await settle(h.id, 0, T0)).toEqual({ entry: null, heldMicros: 500, chargedMicros: 0 })
    expect((await store.ledger.list(a)).entries).toHaveLength(1)
    expect(await state(a)).toEqual({ balance: 1_000, held: 0, sum: 1_000 })
  })

  test('releaseAll and releaseOlderThan free what a crash or a leak left', async () => {
    const a = await account(10_000)
    const k = await key(a, 5_000)
    await place(hold(a, k, 1_000, T0))
    await place(hold(a, k, 1_000, T0 + 10_000))
    expect(await store.holds.releaseOlderThan(T0 + 5_000)).toBe(1)
    expect((await keySpendAt(k, T0))!.heldMicros).toBe(1_000)
    expect(await store.holds.releaseAll()).toBe(1)
    expect(await state(a)).toEqual({ balance: 10_000, held: 0, sum: 10_000 })
    expect((await keySpendAt(k, T0))!.heldMicros).toBe(0)
  })

  test('a hold writes nothing; a charge counts from the moment settle is called until it is written', async () => {
    const a = await account(10_000)
    const k = await key(a, 6_000)
    const changes = () => (store.db.query('SELECT total_changes() AS n').get() as { n: number }).n
    const before = changes()
    const h1 = hold(a, k, 5_000)
    expect((await place(h1)).ok).toBe(true)
    expect(changes()).toBe(before) // in memory only
    // Settled at 4,000 but not yet written: the balance read from the row is still 10,000, yet
    // 10,000 − 4,000 leaves 6,000 available and the key has 2,000 of its 6,000 left.
    const settling = settle(h1.id, 4_000, T0)
    expect(store.holdBook.pendingWrites).toBe(1)
    expect((await store.accounts.get(a))!.balanceMicros).toBe(10_000)
    expect(await place(hold(a, null, 6_001))).toEqual({ ok: false, reason: 'insufficient_balance' })
    expect((await place(hold(a, k, 2_001))).ok).toBe(false)
    const h2 = hold(a, k, 2_000)
    expect((await place(h2)).ok).toBe(true)
    expect((await settling)!.entry).toMatchObject({ amountMicros: -4_000, balanceAfterMicros: 6_000 })
    expect(store.holdBook.pendingWrites).toBe(0)
    expect(await state(a)).toEqual({ balance: 6_000, held: 2_000, sum: 6_000 })
    // A top-up called for counts at once too.
    const topUp = store.ledger.append({ accountId: a, type: 'topup', amountMicros: 1_000, createdAt: T0 })
    expect((await place(hold(a, null, 5_000))).ok).toBe(true)
    await topUp
    expect(await state(a)).toEqual({ balance: 7_000, held: 7_000, sum: 7_000 })
  })
})

describe('key budgets', () => {
  test('holds and charges count against the window budget; the account hold is undone when the key refuses', async () => {
    const a = await account(100_000_000)
    const k = await key(a, 50_000)
    const h = [0, 1, 2, 3, 4].map(() => hold(a, k, 10_000))
    for (const x of h) expect((await place(x)).ok).toBe(true)
    const refused = await place(hold(a, k, 1))
    expect(refused).toMatchObject({
      ok: false,
      reason: 'key_budget_exceeded',
      spend: { budgetMicros: 50_000, spentMicros: 0, heldMicros: 50_000 },
    })
    expect((await store.accounts.get(a))!.heldMicros).toBe(50_000)
    await settle(h[0]!.id, 4_000, T0)
    await store.holds.release(h[1]!.id)
    expect(await keySpendAt(k, T0)).toMatchObject({ spentMicros: 4_000, heldMicros: 30_000 })
    expect((await place(hold(a, k, 16_000))).ok).toBe(true)
    expect((await place(hold(a, k, 1))).ok).toBe(false)
  })

  test('spend starts over in each window anchored at the key creation; open holds carry over', async () => {
    const a = await account(100_000_000)
    const k = await key(a, 10_000, 7)
    const early = hold(a, k, 6_000, T0 + DAY_MS)
    const late = hold(a, k, 4_000, T0 + 6 * DAY_MS)
    await place(early)
    await place(late)
    await settle(early.id, 6_000, T0 + 2 * DAY_MS)
    expect((await place(hold(a, k, 1, T0 + 6 * DAY_MS))).ok).toBe(false)
    // Day 8: a new window. The late hold still counts until it settles.
    const day8 = T0 + 8 * DAY_MS
    expect(await keySpendAt(k, day8)).toMatchObject({
      spentMicros: 0,
      heldMicros: 4_000,
      windowStart: T0 + 7 * DAY_MS,
      windowEnd: T0 + 14 * DAY_MS,
    })
    expect((await place(hold(a, k, 6_001, day8))).ok).toBe(false)
    await settle(late.id, 3_000, day8)
    expect(await keySpendAt(k, day8)).toMatchObject({ spentMicros: 3_000, heldMicros: 0 })
    expect((await place(hold(a, k, 7_000, day8))).ok).toBe(true)
  })

  test('keys without a budget still count their spend', async () => {
    const a = await account(1_000_000)
    const k = await key(a, null)
    const h = hold(a, k, 900_000)
    expect((await place(h)).ok).toBe(true)
    await settle(h.id, 12_345, T0)
    expect(await keySpendAt(k, T0)).toMatchObject({ budgetMicros: null, spentMicros: 12_345, heldMicros: 0 })
  })

  test('budgetWindow anchors at creation', () => {
    expect(budgetWindow(T0, 30, T0)).toEqual({ start: T0, end: T0 + 30 * DAY_MS })
    expect(budgetWindow(T0, 30, T0 + 30 * DAY_MS)).toEqual({ start: T0 + 30 * DAY_MS, end: T0 + 60 * DAY_MS })
    expect(budgetWindow(T0, 1, T0 + 36 * 3_600_000).start).toBe(T0 + DAY_MS)
    expect(budgetWindow(T0, 30, T0 - 5).start).toBe(T0)
  })
})
