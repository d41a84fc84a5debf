// fast-check's scheduler interleaves hold / settle / release / top-up / restart; the money invariants hold throughout.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import fc from 'fast-check'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { placeHold, settleHold } from '../../src/money/holds'
import { openStore, type Store } from '../../src/store'

const T0 = Date.UTC(2026, 0, 1)
const START = 10_000
// Keys 0 and 1 belong to account 0, key 2 to account 1; keys 0 and 2 have budgets.
const KEYS = [
  { id: 'key_0', account: 'acct_0', budget: 8_000 },
  { id: 'key_1', account: 'acct_0', budget: null },
  { id: 'key_2', account: 'acct_1', budget: 3_000 },
] as const
const ACCOUNTS = ['acct_0', 'acct_1'] as const

let dir: string
let runs = 0
/** Checks made with no call outstanding, where the database must equal the model exactly. */
let quietChecks = 0
let checks = 0
beforeAll(() => {
  // tmpfs when there is one: 500 databases created and reopened cost mostly fsyncs on a disk
  dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'th-money-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function seed(store: Store) {
  for (const id of ACCOUNTS) {
    await store.accounts.create({ id, email: `${id}@t.local`, name: null, plan: 'standard', createdAt: T0 })
    await store.ledger.append({ accountId: id, type: 'topup', amountMicros: START, createdAt: T0 })
  }
  for (const k of KEYS) {
    await store.keys.insert({
      id: k.id,
      accountId: k.account,
      name: null,
      hash: `h_${k.id}`,
      prefix: 'sk-th_x',
      models: null,
      ipAllowlist: null,
      rpm: null,
      budgetMicros: k.budget,
      budgetWindowDays: 30,
      createdAt: T0,
      expiresAt: null,
      revokedAt: null,
    })
  }
}

const Request = fc.record({
  key: fc.integer({ min: 0, max: 2 }),
  amount: fc.integer({ min: 1, max: 4_000 }),
  // settle at a cost up to 150% of the hold (overruns included), or release
  outcome: fc.oneof(
    fc.record({ kind: fc.constant('settle' as const), costShare: fc.integer({ min: 0, max: 150 }) }),
    fc.record({ kind: fc.constant('release' as const) }),
  ),
})
const TopUp = fc.record({ account: fc.integer({ min: 0, max: 1 }), amount: fc.integer({ min: 1, max: 5_000 }) })

test('random interleavings of hold, settle, release, top-up and restart keep every invariant (≥ 500 runs)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(Request, { minLength: 1, maxLength: 14 }),
      fc.array(TopUp, { maxLength: 3 }),
      fc.integer({ min: 0, max: 2 }),
      async (s, requests, topups, restarts) => {
        const path = join(dir, `run-${++runs}.db`)
        const live = { store: openStore(path) }
        await seed(live.store)
        // The model: what must be true, tracked beside the store.
        const open = new Map<string, { account: string; key: string; amount: number }>()
        const resolutions = new Map<string, number>()
        const balance: Record<string, number> = { acct_0: START, acct_1: START }
        const overrun: Record<string, number> = { acct_0: 0, acct_1: 0, key_0: 0, key_1: 0, key_2: 0 }
        const spent: Record<string, number> = { key_0: 0, key_1: 0, key_2: 0 }
        const resolve = (id: string) => resolutions.set(id, (resolutions.get(id) ?? 0) + 1)

        // Store calls made and not yet answered. Holds live in memory and move when called; money
        // writes are group-committed, and until one lands the hold book counts it as pending. So
        // the database plus what is pending must equal the model after every step, and the
        // database alone must equal it whenever no call is outstanding.
        let outstanding = 0
        const call = async <T>(op: () => Promise<T>): Promise<T> => {
          outstanding++
          try {
            return await op()
          } finally {
            outstanding--
          }
        }

        const check = () => {
          const db = live.store.db
          const book = live.store.holdBook
          const quiet = outstanding === 0
          checks++
          for (const account of ACCOUNTS) {
            const row = db.query<{ balance_micros: number }, [string]>('SELECT balance_micros FROM accounts WHERE id = ?').get(account)!
            const sum = db
              .query<{ s: number }, [string]>('SELECT COALESCE(SUM(amount_micros), 0) AS s FROM ledger WHERE account_id = ?')
              .get(account)!.s
            const held = [...open.values()].filter((h) => h.account === account).reduce((n, h) => n + h.amount, 0)
            expect(row.balance_micros).toBe(sum) // balance = Σ entries
            expect(row.balance_micros + book.accountPending(account)).toBe(balance[account]!)
            if (quiet) expect(row.balance_micros).toBe(balance[account]!)
            if (quiet) expect(book.accountPending(account)).toBe(0)
            expect(book.accountHeld(account)).toBe(held)
            expect(balance[account]! - held).toBeGreaterThanOrEqual(-overrun[account]!) // available ≥ 0 but for overruns
          }
          for (const k of KEYS) {
            const row = db.query<{ spent_micros: number }, [string]>('SELECT spent_micros FROM key_spend WHERE key_id = ?').get(k.id)
            const held = [...open.values()].filter((h) => h.key === k.id).reduce((n, h) => n + h.amount, 0)
            expect(book.keyHeld(k.id)).toBe(held)
            expect((row?.spent_micros ?? 0) + book.keyPending(k.id)).toBe(spent[k.id]!)
            if (quiet) expect(row?.spent_micros ?? 0).toBe(spent[k.id]!)
            if (k.budget !== null) expect(spent[k.id]! + held).toBeLessThanOrEqual(k.budget + overrun[k.id]!)
          }
          expect(book.size).toBe(open.size)
          if (quiet) quietChecks++
        }

        const lifecycle = async (r: (typeof requests)[number], i: number) => {
          const k = KEYS[r.key]!
          const hold = { id: `hold_${i}`, accountId: k.account, keyId: k.id, requestId: `req_${i}`, amountMicros: r.amount, createdAt: T0 }
          await s.schedule(Promise.resolve(), `hold ${i}`)
          const availableBefore =
            balance[k.account]! - [...open.values()].filter((h) => h.account === k.account).reduce((n, h) => n + h.amount, 0)
          const keyRoom =
            k.budget === null
              ? Infinity
              : k.budget - spent[k.id]! - [...open.values()].filter((h) => h.key === k.id).reduce((n, h) => n + h.amount, 0)
          // Admitted exactly when both the account and the key have room.
          const admitted = availableBefore >= r.amount && keyRoom >= r.amount
          if (admitted) open.set(hold.id, { account: k.account, key: k.id, amount: r.amount })
          const placed = await call(() => placeHold(live.store.holds, hold))
          expect(placed.ok).toBe(admitted)
          check()
          if (!placed.ok) return
          await s.schedule(Promise.resolve(), `${r.outcome.kind} ${i}`)
          const wasOpen = open.has(hold.id)
          if (r.outcome.kind === 'settle') {
            const cost = Math.floor((r.amount * r.outcome.costShare) / 100)
            if (wasOpen) {
              resolve(hold.id)
              open.delete(hold.id)
              balance[k.account]! -= cost
              spent[k.id]! += cost
              overrun[k.account]! += Math.max(0, cost - r.amount)
              overrun[k.id]! += Math.max(0, cost - r.amount)
            }
            const settled = await call(() => settleHold(live.store.holds, hold.id, cost, T0))
            expect(settled !== null).toBe(wasOpen)
          } else {
            if (wasOpen) {
              resolve(hold.id)
              open.delete(hold.id)
            }
            const released = await call(() => live.store.holds.release(hold.id))
            expect(released).toBe(wasOpen)
          }
          check()
        }

        const topUp = async (t: (typeof topups)[number]) => {
          await s.schedule(Promise.resolve(), 'top-up')
          const account = ACCOUNTS[t.account]!
          balance[account]! += t.amount
          await call(() => live.store.ledger.append({ accountId: account, type: 'topup', amountMicros: t.amount, createdAt: T0 }))
          check()
        }

        const restart = async () => {
          await s.schedule(Promise.resolve(), 'restart')
          // Closing commits the calls still queued: a stop loses none of them. The holds of the
          // requests in flight go with the process: a new one starts with none. No await until
          // the model has moved too, so no other step runs in between.
          expect(live.store.holdBook.size).toBe(open.size)
          live.store.close()
          live.store = openStore(path)
          const released = live.store.holds.releaseAll() // runs now (its body does not wait)
          for (const id of open.keys()) resolve(id)
          open.clear()
          expect(await released).toBe(0)
          check()
        }

        try {
          const tasks = [...requests.map(lifecycle), ...topups.map(topUp), ...Array.from({ length: restarts }, restart)]
          // Releases scheduled steps one at a time, in the order fast-check picks, until every task ends.
          await s.waitFor(Promise.all(tasks))
          check()
          expect(outstanding).toBe(0)
          // Every hold placed was resolved exactly once: by its own settle/release or by a restart.
          expect(open.size).toBe(0)
          for (const count of resolutions.values()) expect(count).toBe(1)
        } finally {
          live.store.close()
        }
      },
    ),
    { numRuns: 500 },
  )
  // The exact comparison must not have become rare: most steps end with nothing outstanding.
  expect(quietChecks).toBeGreaterThan(checks / 2)
})
