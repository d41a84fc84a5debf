// Only whole micro-USD reach the ledger: a cost or credit that is NaN, infinite, fractional or
// beyond 2^53, or a charge that would credit, is refused before the book or the database sees it.
import { afterEach, beforeEach, expect, test } from 'bun:test'
import { ManualClock } from '../../src/clock'
import { createBilling, type Billing } from '../../src/money/billing'
import { openStore, type SqliteStore } from '../../src/store'

let store: SqliteStore
let billing: Billing
const clock = new ManualClock(Date.UTC(2026, 0, 1))
beforeEach(async () => {
  store = openStore(':memory:')
  billing = createBilling(store, clock)
  await store.accounts.create({ id: 'a', email: 'a@t.local', name: null, plan: 'standard', createdAt: clock.now() })
  await billing.credit({ accountId: 'a', type: 'topup', amountMicros: 10_000 })
})
afterEach(() => store.close())

const NOT_MICROS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, 2 ** 53, -(2 ** 60)]

test('a settlement that is not a whole number of micro-USD, or negative, is refused and the hold stays open', async () => {
  for (const cost of [...NOT_MICROS, -1]) {
    const outcome = await billing.hold({ accountId: 'a', keyId: 'k', requestId: `r${cost}`, amountMicros: 1_000 })
    if (!outcome.ok) throw new Error(outcome.message)
    await expect(billing.settle(outcome.hold, cost)).rejects.toThrow(/refused/)
    // Nothing moved, and the book still adds up: the hold is open until released.
    expect(await billing.available('a')).toBe(9_000)
    await billing.release(outcome.hold)
    expect(await billing.available('a')).toBe(10_000)
  }
  const account = (await store.accounts.get('a'))!
  expect(account.balanceMicros).toBe(10_000)
  expect(await store.ledger.sum('a')).toBe(10_000)
})

test('a credit that is not a whole number of micro-USD is refused', async () => {
  for (const amount of NOT_MICROS) {
    await expect(billing.credit({ accountId: 'a', type: 'adjustment', amountMicros: amount })).rejects.toThrow(/refused/)
  }
  expect(await billing.available('a')).toBe(10_000)
  expect((await store.accounts.get('a'))!.balanceMicros).toBe(10_000)
})

test('the ledger refuses a positive charge however it is written', async () => {
  await expect(store.ledger.append({ accountId: 'a', type: 'charge', amountMicros: 5, createdAt: clock.now() })).rejects.toThrow(
    /never a credit/,
  )
  expect(await store.ledger.sum('a')).toBe(10_000)
})
