// The statement's charge lines equal the charges they sum, per day and between other entries; the lot history likewise.
import { expect, test } from 'bun:test'
import { openStore } from '../../src/store'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 1, 20, 0, 0)

test('charges per day between credits: sums and running balances match the entries, without a scan', async () => {
  const store = openStore(':memory:')
  try {
    await store.accounts.create({ id: 'acct_s', email: 's@test.local', name: null, plan: 'standard', createdAt: T0 - DAY })
    const append = (type: 'topup' | 'charge' | 'adjustment', amountMicros: number, at: number, note?: string) =>
      store.ledger.append({
        accountId: 'acct_s',
        type,
        amountMicros,
        createdAt: at,
        note,
        topupId: type === 'topup' ? `manual_${at}` : null,
      })
    const expected: Array<[string, number]> = []
    await append('topup', 10_000_000, T0 - 1, 'first')
    let run = 0
    // Day 1 evening: 5 charges; midnight; day 2: 3 charges, a credit, 4 more; day 3: an adjustment only.
    for (let i = 0; i < 5; i++) run += (await append('charge', -(100 + i), T0 + i * 60_000))!.amountMicros
    expected.push(['charges', run])
    run = 0
    for (let i = 0; i < 3; i++) run += (await append('charge', -(1000 + i), T0 + 5 * 3_600_000 + i))!.amountMicros
    expected.push(['charges', run])
    await append('topup', 2_000_000, T0 + 6 * 3_600_000, 'second')
    run = 0
    for (let i = 0; i < 4; i++) run += (await append('charge', -(7 + i), T0 + 7 * 3_600_000 + i))!.amountMicros
    expected.push(['charges', run])
    await append('adjustment', -50, T0 + 2 * DAY, 'fix')
    const lines = await store.statement.statement('acct_s', T0 - DAY, T0 + 3 * DAY)
    const shown: Array<[string, number]> = lines.map((l) =>
      l.kind === 'charges' ? ['charges', l.amountMicros] : [l.entry.type, l.entry.amountMicros],
    )
    expect(shown).toEqual([['topup', 10_000_000], expected[0]!, expected[1]!, ['topup', 2_000_000], expected[2]!, ['adjustment', -50]])
    // The account's spend, per day and over the whole range, is the same charges.
    expect(await store.spend.between('acct_s', T0 - DAY, T0 + 3 * DAY)).toBe(-(expected[0]![1] + expected[1]![1] + expected[2]![1]))
    expect(await store.spend.byDay('acct_s', T0 - DAY, T0 + 3 * DAY)).toEqual([
      { day: Date.UTC(2026, 10, 1), micros: -expected[0]![1] },
      { day: Date.UTC(2026, 10, 2), micros: -(expected[1]![1] + expected[2]![1]) },
    ])
    // The day split: the first run is on day 1, the next on day 2.
    const charges = lines.filter((l) => l.kind === 'charges')
    expect(charges.map((l) => (l.kind === 'charges' ? new Date(l.day).toISOString().slice(0, 10) : ''))).toEqual([
      '2026-11-01',
      '2026-11-02',
      '2026-11-02',
    ])
    // Each line's balance is the ledger's balance after it; the last is the account's.
    const last = lines.at(-1)!
    expect(last.kind === 'entry' ? last.entry.balanceAfterMicros : 0).toBe((await store.accounts.get('acct_s'))!.balanceMicros)
    // A range that starts mid-way shows only what is in it.
    const later = await store.statement.statement('acct_s', Date.UTC(2026, 10, 2), T0 + 3 * DAY)
    expect(later.map((l) => (l.kind === 'charges' ? l.amountMicros : l.entry.amountMicros))).toEqual([
      expected[1]![1],
      2_000_000,
      expected[2]![1],
      -50,
    ])
    // The lot history's debits are the same sums, from the balances.
    const history = await store.topups.history('acct_s')
    const debits = history.filter((h) => h.kind === 'debit').map((h) => h.amountMicros)
    expect(debits).toEqual([-(expected[0]![1] + expected[1]![1]), -expected[2]![1], 50])
  } finally {
    store.close()
  }
})
