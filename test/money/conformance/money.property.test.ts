// fast-check's scheduler interleaves hold / settle / release / top-up / restart on each implementation; the money invariants hold throughout.
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { ManualClock } from '../../../src/clock'
import { IMPLEMENTATIONS, type MoneySnapshot, type MoneyWorld } from './implementations'

const T0 = Date.UTC(2026, 0, 1)
const START = 10_000
// Keys 0 and 1 belong to account 0, key 2 to account 1; keys 0 and 2 have budgets.
const KEYS = [
  { id: 'key_0', account: 'acct_0', budget: 8_000 },
  { id: 'key_1', account: 'acct_0', budget: null },
  { id: 'key_2', account: 'acct_1', budget: 3_000 },
] as const
const ACCOUNTS = ['acct_0', 'acct_1'] as const
const KEY_IDS = KEYS.map((k) => k.id)

async function seed(world: MoneyWorld) {
  for (const id of ACCOUNTS) await world.account(id, START)
  for (const k of KEYS) await world.key(k.id, k.account, k.budget)
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

describe.each(IMPLEMENTATIONS)('money invariants: $name', (impl) => {
  test('random interleavings of hold, settle, release, top-up and restart keep every invariant (≥ 500 runs)', async () => {
    /**
     * Checks where the written state was compared with the model exactly: made with no call
     * outstanding, or with nothing pending (an implementation whose writes land before its calls
     * return, Postgres, has nothing pending, so written = model at every check).
     */
    let quietChecks = 0
    let checks = 0
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(Request, { minLength: 1, maxLength: 14 }),
        fc.array(TopUp, { maxLength: 3 }),
        fc.integer({ min: 0, max: 2 }),
        async (s, requests, topups, restarts) => {
          const world = await impl.open(new ManualClock(T0))
          // The model: what must be true, tracked beside the implementation. Keyed by request id.
          const open = new Map<string, { account: string; key: string; amount: number }>()
          const resolutions = new Map<string, number>()
          const balance: Record<string, number> = { acct_0: START, acct_1: START }
          const overrun: Record<string, number> = { acct_0: 0, acct_1: 0, key_0: 0, key_1: 0, key_2: 0 }
          const spent: Record<string, number> = { key_0: 0, key_1: 0, key_2: 0 }
          const resolve = (id: string) => resolutions.set(id, (resolutions.get(id) ?? 0) + 1)
          const heldBy = (match: (h: { account: string; key: string }) => boolean) =>
            [...open.values()].filter(match).reduce((n, h) => n + h.amount, 0)

          // Billing calls made and not yet answered. Holds move when called; money writes may land
          // later (SQLite group-commits them), and until one lands the implementation counts it as
          // pending. So what is written plus what is pending must equal the model after every
          // step, and what is written alone must equal it whenever no call is outstanding.
          let outstanding = 0
          const call = async <T>(op: () => Promise<T>): Promise<T> => {
            outstanding++
            try {
              return await op()
            } finally {
              outstanding--
            }
          }

          // The model and the snapshot are read at the same moment (the snapshot before any other
          // step runs), and compared once the snapshot is in.
          const check = async () => {
            const quiet = outstanding === 0
            const model = {
              balance: { ...balance },
              spent: { ...spent },
              overrun: { ...overrun },
              held: Object.fromEntries([
                ...ACCOUNTS.map((a) => [a, heldBy((h) => h.account === a)] as const),
                ...KEY_IDS.map((k) => [k, heldBy((h) => h.key === k)] as const),
              ]) as Record<string, number>,
              open: open.size,
            }
            const seen: MoneySnapshot = await world.inspect.snapshot(ACCOUNTS, KEY_IDS)
            checks++
            for (const account of ACCOUNTS) {
              const a = seen.accounts[account]!
              const held = model.held[account]!
              expect(a.balanceMicros).toBe(a.ledgerSumMicros) // balance = Σ entries
              expect(a.balanceMicros + a.pendingMicros).toBe(model.balance[account]!)
              if (quiet) expect(a.balanceMicros).toBe(model.balance[account]!)
              if (quiet) expect(a.pendingMicros).toBe(0)
              expect(a.heldMicros).toBe(held)
              expect(model.balance[account]! - held).toBeGreaterThanOrEqual(-model.overrun[account]!) // available ≥ 0 but for overruns
            }
            for (const k of KEYS) {
              const key = seen.keys[k.id]!
              const held = model.held[k.id]!
              expect(key.heldMicros).toBe(held)
              expect(key.spentMicros + key.pendingMicros).toBe(model.spent[k.id]!)
              if (quiet) expect(key.spentMicros).toBe(model.spent[k.id]!)
              if (k.budget !== null) expect(model.spent[k.id]! + held).toBeLessThanOrEqual(k.budget + model.overrun[k.id]!)
            }
            expect(seen.openHolds).toBe(model.open)
            const nothingPending =
              ACCOUNTS.every((a) => seen.accounts[a]!.pendingMicros === 0) && KEYS.every((k) => seen.keys[k.id]!.pendingMicros === 0)
            if (quiet || nothingPending) quietChecks++
          }

          const lifecycle = async (r: (typeof requests)[number], i: number) => {
            const k = KEYS[r.key]!
            const requestId = `req_${i}`
            await s.schedule(Promise.resolve(), `hold ${i}`)
            const availableBefore = balance[k.account]! - heldBy((h) => h.account === k.account)
            const keyRoom = k.budget === null ? Infinity : k.budget - spent[k.id]! - heldBy((h) => h.key === k.id)
            // Admitted exactly when both the account and the key have room; refused for the first that has none.
            const admitted = availableBefore >= r.amount && keyRoom >= r.amount
            if (admitted) open.set(requestId, { account: k.account, key: k.id, amount: r.amount })
            const placed = await call(() => world.billing.hold({ accountId: k.account, keyId: k.id, requestId, amountMicros: r.amount }))
            expect(placed.ok).toBe(admitted)
            if (!placed.ok) expect(placed.code).toBe(availableBefore < r.amount ? 'insufficient_balance' : 'key_budget_exceeded')
            await check()
            if (!placed.ok) return
            await s.schedule(Promise.resolve(), `${r.outcome.kind} ${i}`)
            const wasOpen = open.has(requestId)
            if (r.outcome.kind === 'settle') {
              const cost = Math.floor((r.amount * r.outcome.costShare) / 100)
              if (wasOpen) {
                resolve(requestId)
                open.delete(requestId)
                balance[k.account]! -= cost
                spent[k.id]! += cost
                overrun[k.account]! += Math.max(0, cost - r.amount)
                overrun[k.id]! += Math.max(0, cost - r.amount)
              }
              // What was charged: the whole cost if this call resolved the hold, nothing if a restart had.
              const charged = await call(() => world.billing.settle(placed.hold, cost))
              expect(charged).toBe(wasOpen ? cost : 0)
            } else {
              if (wasOpen) {
                resolve(requestId)
                open.delete(requestId)
              }
              const released = await call(() => world.billing.release(placed.hold))
              expect(released).toBe(wasOpen)
            }
            await check()
          }

          const topUp = async (t: (typeof topups)[number]) => {
            await s.schedule(Promise.resolve(), 'top-up')
            const account = ACCOUNTS[t.account]!
            balance[account]! += t.amount
            const entry = await call(() => world.billing.credit({ accountId: account, type: 'topup', amountMicros: t.amount }))
            expect(entry).toMatchObject({ accountId: account, type: 'topup', amountMicros: t.amount })
            await check()
          }

          const restart = async () => {
            await s.schedule(Promise.resolve(), 'restart')
            const modelOpen = open.size
            expect((await world.inspect.snapshot([])).openHolds).toBe(modelOpen)
            // A stop loses none of the calls made; the holds of the requests in flight go with the
            // process, or are released by the new one's start. No await until the model has moved
            // too, so no other step runs in between.
            const inFlight = open.size
            const released = world.restart()
            for (const id of open.keys()) resolve(id)
            open.clear()
            expect(await released).toBe(impl.holdsOutliveProcess ? inFlight : 0)
            await check()
          }

          try {
            await seed(world)
            const tasks = [...requests.map(lifecycle), ...topups.map(topUp), ...Array.from({ length: restarts }, restart)]
            // Releases scheduled steps one at a time, in the order fast-check picks, until every task ends.
            await s.waitFor(Promise.all(tasks))
            await check()
            expect(outstanding).toBe(0)
            // Every hold placed was resolved exactly once: by its own settle/release or by a restart.
            expect(open.size).toBe(0)
            for (const count of resolutions.values()) expect(count).toBe(1)
          } finally {
            await world.close()
          }
        },
      ),
      { numRuns: 500 },
    )
    // The exact comparison must not have become rare: most steps end with nothing outstanding.
    expect(quietChecks).toBeGreaterThan(checks / 2)
    // A bound, not a speed: 500 worlds on a shared database server take tens of seconds on a busy machine.
  }, 180_000)
})
