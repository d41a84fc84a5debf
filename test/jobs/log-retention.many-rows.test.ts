// A purge of many rows against a hand-moved clock: bounded batches, oldest first, other work runs between
// batches, exactly the expired rows go. How long a batch takes on a 1M-row database is measured in
// bench/log-purge.ts, not asserted here: the suite does not depend on the machine's speed.
import { afterEach, expect, test } from 'bun:test'
import { DAY_MS, ManualClock } from '../../src/clock'
import { createLogRetention, type LogRetention } from '../../src/jobs/log-retention'
import { openStore, type SqliteStore } from '../../src/store'
import type { RequestLogStore } from '../../src/store/request-log'
import { logRow } from '../support/log-rows'

const T0 = Date.UTC(2026, 0, 1)
const EXPIRED = 4_000
const KEPT = 300
const MAX_BATCH = 20_000

let store: SqliteStore | null = null
let retention: LogRetention | null = null
afterEach(async () => {
  await retention?.stop()
  store?.close()
  store = null
})

test('a purge of many rows deletes exactly the expired ones, oldest first, in bounded batches that let other work run', async () => {
  store = openStore(':memory:')
  const s = store
  const clock = new ManualClock(T0 + 30 * DAY_MS)
  const cutoff = clock.now() - 7 * DAY_MS
  // Expired rows one ms apart (inserted newest first, so the order comes from ts, not insertion),
  // then the boundary row and rows inside the window.
  const expired = Array.from({ length: EXPIRED }, (_, i) => logRow(`req_old_${String(i).padStart(5, '0')}`, T0 + i)).reverse()
  const kept = Array.from({ length: KEPT }, (_, i) => logRow(`req_keep_${String(i).padStart(5, '0')}`, cutoff + i * 60_000))
  await s.requestLog.insertMany([...expired, ...kept])

  const minTs = () => s.db.query<{ t: number | null }, []>('SELECT MIN(ts) AS t FROM request_log').get()!.t
  const count = () => s.db.query<{ n: number }, []>('SELECT COUNT(*) AS n FROM request_log').get()!.n

  // What happened, in order: each batch, and each turn of a concurrent task (a request being logged).
  const events: string[] = []
  const batches: { before: number; limit: number; deleted: number }[] = []
  let deletedSoFar = 0
  let live = 0
  const liveWrites: Promise<void>[] = []
  const recorded: RequestLogStore = {
    ...s.requestLog,
    async purgeBefore(before, limit) {
      events.push('batch')
      const deleted = await s.requestLog.purgeBefore(before, limit)
      batches.push({ before, limit, deleted })
      deletedSoFar += deleted
      // Oldest first: after each batch, the rows gone are exactly the `deletedSoFar` oldest.
      expect(minTs()).toBe(deletedSoFar < EXPIRED ? T0 + deletedSoFar : cutoff)
      // Work queued during a batch (here a request writing its log row) runs before the next batch.
      setImmediate(() => {
        events.push('request')
        liveWrites.push(s.requestLog.insertMany([logRow(`req_live_${String(live++).padStart(5, '0')}`, clock.now())]))
      })
      return deleted
    },
  }

  retention = createLogRetention({ store: recorded, clock, retentionDays: 7, batchSize: 100 })
  const report = await retention.runOnce()

  expect(report.deleted).toBe(EXPIRED)
  expect(report.batches).toBe(batches.length)
  expect(batches.length).toBeGreaterThan(1)
  // One cutoff for the whole run, from the injected clock.
  expect(batches.every((b) => b.before === cutoff)).toBe(true)
  // Bounded: no batch asks for more than the cap; every batch but the last is full, the last ends the run.
  expect(batches.every((b) => b.limit >= 1 && b.limit <= MAX_BATCH)).toBe(true)
  expect(batches.slice(0, -1).every((b) => b.deleted === b.limit)).toBe(true)
  expect(batches.at(-1)!.deleted).toBeLessThan(batches.at(-1)!.limit)
  // Between any two batches, the concurrent task ran.
  for (let i = 1; i < events.length; i++) {
    if (events[i] === 'batch') expect(events[i - 1]).toBe('request')
  }

  // Let the last request's row land, then check what is left, newest first as the log lists it: the rows
  // logged during the purge, then the window's rows down to the boundary row.
  await new Promise((resolve) => setImmediate(resolve))
  await Promise.all(liveWrites)
  const left = (await s.requestLog.list({ limit: 10_000 })).rows.map((r) => r.requestId)
  const expected = [
    ...Array.from({ length: live }, (_, i) => `req_live_${String(i).padStart(5, '0')}`).reverse(),
    ...kept.map((r) => r.requestId).reverse(),
  ]
  expect(left).toEqual(expected)
  expect(count()).toBe(KEPT + batches.length)
  expect(live).toBe(batches.length)
})
