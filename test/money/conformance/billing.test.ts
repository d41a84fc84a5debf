// The money module's conformance suite: every Billing implementation must pass it unchanged.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { ManualClock } from '../../../src/clock'
import { IMPLEMENTATIONS, type MoneyWorld } from './implementations'

describe.each(IMPLEMENTATIONS)('money conformance: $name', (impl) => {
  let clock: ManualClock
  let world: MoneyWorld
  let n = 0
  const hold = (amountMicros: number, keyId = 'key_a') =>
    world.billing.hold({ accountId: 'acct_a', keyId, requestId: `req_${++n}`, amountMicros })
  /** Σ of the account's ledger entries: must equal its balance. */
  const ledgerSum = async (accountId: string) => (await world.inspect.snapshot([accountId])).accounts[accountId]!.ledgerSumMicros

  beforeEach(async () => {
    clock = new ManualClock()
    world = await impl.open(clock)
    await world.account('acct_a', 10_000)
    await world.key('key_a', 'acct_a', null)
    await world.key('key_b', 'acct_a', 1_000)
  })
  afterEach(async () => {
    try {
      // Whatever a test did, once it is quiet the written balance is the Σ of the ledger, with nothing pending.
      const account = (await world.inspect.snapshot(['acct_a'])).accounts.acct_a!
      expect(account.balanceMicros).toBe(account.ledgerSumMicros)
      expect(account.pendingMicros).toBe(0)
    } finally {
      await world.close()
    }
  })

  test('a hold takes from available; one that does not fit is refused before anything moves', async () => {
    const first = await hold(6_000)
    expect(first.ok).toBe(true)
    expect(await world.billing.available('acct_a')).toBe(4_000)
    expect(await hold(4_001)).toMatchObject({ ok: false, code: 'insufficient_balance' })
    expect(await world.billing.available('acct_a')).toBe(4_000)
  })

  test('concurrent holds never take more than the balance', async () => {
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => hold(300)))
    const placed = outcomes.flatMap((o) => (o.ok ? [o.hold] : []))
    expect(placed).toHaveLength(33)
    expect(await world.billing.available('acct_a')).toBe(10_000 - 33 * 300)
    await Promise.all(placed.map((h) => world.billing.settle(h, 250)))
    expect(await world.billing.available('acct_a')).toBe(10_000 - 33 * 250)
    expect(await ledgerSum('acct_a')).toBe(10_000 - 33 * 250)
  })

  test('a hold resolves exactly once: a second settle or a release after it moves nothing', async () => {
    const placed = await hold(1_000)
    if (!placed.ok) throw new Error('not placed')
    expect(await world.billing.settle(placed.hold, 400)).toBe(400)
    expect(await world.billing.settle(placed.hold, 400)).toBe(0)
    expect(await world.billing.release(placed.hold)).toBe(false)
    expect(await world.billing.available('acct_a')).toBe(9_600)
    expect(await ledgerSum('acct_a')).toBe(9_600)
  })

  test('a release gives the whole hold back and charges nothing', async () => {
    const placed = await hold(2_500)
    if (!placed.ok) throw new Error('not placed')
    expect(await world.billing.release(placed.hold)).toBe(true)
    expect(await world.billing.available('acct_a')).toBe(10_000)
    expect(await ledgerSum('acct_a')).toBe(10_000)
  })

  test('a cost above the hold is charged in full', async () => {
    const placed = await hold(100)
    if (!placed.ok) throw new Error('not placed')
    expect(await world.billing.settle(placed.hold, 150)).toBe(150)
    expect(await ledgerSum('acct_a')).toBe(9_850)
  })

  test("a key's budget bounds its spend plus its holds in the window", async () => {
    const first = await hold(700, 'key_b')
    expect(first.ok).toBe(true)
    expect(await hold(301, 'key_b')).toMatchObject({ ok: false, code: 'key_budget_exceeded' })
    if (!first.ok) return
    await world.billing.settle(first.hold, 600)
    expect(await world.billing.keySpend('key_b')).toMatchObject({ budgetMicros: 1_000, spentMicros: 600, heldMicros: 0 })
    expect((await hold(400, 'key_b')).ok).toBe(true)
    expect(await hold(1, 'key_b')).toMatchObject({ ok: false, code: 'key_budget_exceeded' })
  })

  test('credits add to available and the ledger; an unknown account is null', async () => {
    expect(await world.billing.credit({ accountId: 'acct_a', type: 'topup', amountMicros: 5_000, note: 'manual' })).toMatchObject({
      type: 'topup',
      amountMicros: 5_000,
      balanceAfterMicros: 15_000,
    })
    expect(await world.billing.available('acct_a')).toBe(15_000)
    expect(await ledgerSum('acct_a')).toBe(15_000)
    expect(await world.billing.credit({ accountId: 'nobody', type: 'topup', amountMicros: 1 })).toBeNull()
    expect(await world.billing.available('nobody')).toBeNull()
  })
})
