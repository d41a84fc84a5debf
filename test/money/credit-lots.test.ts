// Credit lots as a pure function: FIFO by expiry, never-expiring credit last, debt, and the balance invariant.
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { addMonths, allocateLots } from '../../src/money/credit-lots'
import { refundShare, creditForPayment, parseMinor } from '../../src/payments/currency'
import type { LotHistoryEntry } from '../../src/store/lot-history'

const credit = (entryId: number, topupId: string | null, amountMicros: number, expiresAt: number | null): LotHistoryEntry => ({
  kind: 'credit',
  entryId,
  topupId,
  amountMicros,
  expiresAt,
  at: entryId,
})
const debit = (amountMicros: number): LotHistoryEntry => ({ kind: 'debit', amountMicros })
const remaining = (history: LotHistoryEntry[]) => Object.fromEntries(allocateLots(history).lots.map((l) => [l.topupId, l.remainingMicros]))

describe('allocateLots', () => {
  const table: Array<[string, LotHistoryEntry[], Record<string, number>, number]> = [
    ['spending takes the oldest top-up first', [credit(1, 'a', 100, 1000), credit(2, 'b', 100, 2000), debit(150)], { a: 0, b: 50 }, 0],
    [
      'credit that never expires is spent after expiring lots',
      [credit(1, 'manual', 100, null), credit(2, 'a', 100, 1000), debit(120)],
      { manual: 80, a: 0 },
      0,
    ],
    [
      'spending before a lot existed stays with the older lot',
      [credit(1, 'a', 100, 1000), debit(60), credit(2, 'b', 100, 2000), debit(20)],
      { a: 20, b: 100 },
      0,
    ],
    [
      'spending beyond every lot is debt, paid by the next credit',
      [credit(1, 'a', 50, 1000), debit(80), credit(2, 'b', 100, 2000)],
      { a: 0, b: 70 },
      0,
    ],
    [
      'an expiry entry empties only its lot',
      [credit(1, 'a', 100, 1000), credit(2, 'b', 100, 2000), debit(30), { kind: 'lot', entryId: 3, topupId: 'a', amountMicros: -70 }],
      { a: 0, b: 100 },
      0,
    ],
    [
      'a refund then its reversal leaves the lot as it was',
      [
        credit(1, 'a', 100, 1000),
        { kind: 'lot', entryId: 2, topupId: 'a', amountMicros: -100 },
        { kind: 'lot', entryId: 3, topupId: 'a', amountMicros: 100 },
        debit(10),
      ],
      { a: 90 },
      0,
    ],
    ['debt with no credit at all', [debit(25)], {}, 25],
  ]
  for (const [name, history, expected, debt] of table) {
    test(name, () => {
      expect(remaining(history)).toEqual(expected)
      expect(allocateLots(history).debtMicros).toBe(debt)
    })
  }

  test('invariant: Σ remaining − debt = Σ history, and no lot goes negative (property)', () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('credit' as const),
        amount: fc.integer({ min: 1, max: 1_000_000 }),
        expires: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
      }),
      fc.record({ kind: fc.constant('debit' as const), amount: fc.integer({ min: 1, max: 1_000_000 }) }),
      fc.record({ kind: fc.constant('lot' as const), lot: fc.nat(20), amount: fc.integer({ min: -500_000, max: 500_000 }) }),
    )
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const history: LotHistoryEntry[] = []
        let sum = 0
        let credits = 0
        steps.forEach((s, i) => {
          if (s.kind === 'credit') {
            history.push(credit(i, `t${credits++}`, s.amount, s.expires))
            sum += s.amount
          } else if (s.kind === 'debit') {
            history.push(debit(s.amount))
            sum -= s.amount
          } else {
            // Mostly existing lots; sometimes one this history never credited.
            history.push({
              kind: 'lot',
              entryId: i,
              topupId: `t${credits > 0 && s.lot < 18 ? s.lot % credits : 'unknown'}`,
              amountMicros: s.amount,
            })
            sum += s.amount
          }
        })
        const state = allocateLots(history)
        const left = state.lots.reduce((total, lot) => total + lot.remainingMicros, 0)
        expect(left - state.debtMicros).toBe(sum)
        for (const lot of state.lots) expect(lot.remainingMicros).toBeGreaterThanOrEqual(0)
        expect(state.debtMicros).toBeGreaterThanOrEqual(0)
        // Debt only exists when every lot is empty.
        if (state.debtMicros > 0) expect(left).toBe(0)
      }),
      { numRuns: 300 },
    )
  })
})

describe('dates and money', () => {
  test('12 months later, with month ends clamped', () => {
    expect(new Date(addMonths(Date.UTC(2026, 0, 15, 10), 12)).toISOString()).toBe('2027-01-15T10:00:00.000Z')
    expect(new Date(addMonths(Date.UTC(2028, 1, 29), 12)).toISOString()).toBe('2029-02-28T00:00:00.000Z')
  })

  test('amounts parse to minor units without rounding', () => {
    expect(parseMinor('10')).toBe(1000)
    expect(parseMinor('10.5')).toBe(1050)
    expect(parseMinor('0.01')).toBe(1)
    expect(parseMinor('10.001')).toBeNull()
    expect(parseMinor('-5')).toBeNull()
    expect(parseMinor('1e3')).toBeNull()
  })

  test('CNY converts at the configured rate, rounded down to the micro-dollar', () => {
    expect(creditForPayment(1000, 'usd', 7.2)).toBe(10_000_000)
    expect(creditForPayment(10_000, 'cny', 7.2)).toBe(13_888_888)
    expect(creditForPayment(7200, 'cny', 7.2)).toBe(10_000_000)
  })

  test('a refund share never returns more than was paid for the unused credit', () => {
    expect(refundShare(13_888_888, 10_000, 13_888_888)).toEqual({ minor: 10_000, micros: 13_888_888 })
    expect(refundShare(5_000_000, 10_000, 13_888_888)).toEqual({ minor: 3600, micros: 5_000_000 })
    expect(refundShare(4_000_000, 1000, 10_000_000)).toEqual({ minor: 400, micros: 4_000_000 })
    expect(refundShare(50, 1000, 10_000_000)).toEqual({ minor: 0, micros: 0 })
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 100, max: 1_000_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        (paid, unusedMinor, rate) => {
          const credited = Math.floor((paid * 10_000) / rate)
          const unused = Math.min(credited, Math.floor((unusedMinor * 10_000) / rate))
          const share = refundShare(unused, paid, credited)
          expect(share.micros).toBeLessThanOrEqual(unused)
          expect(share.minor).toBeLessThanOrEqual(paid)
          // The money returned is worth no more than the credit taken back.
          expect(share.minor * credited).toBeLessThanOrEqual(share.micros * paid)
        },
      ),
      { numRuns: 300 },
    )
  })
})
