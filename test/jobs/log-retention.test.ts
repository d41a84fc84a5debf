// Log retention against a hand-moved clock: old rows go in batches, recent rows stay, runs never overlap.
import { afterEach, describe, expect, test } from 'bun:test'
import { ManualClock } from '../../src/clock'
import { createLogRetention, type LogRetention } from '../../src/jobs/log-retention'
import { openStore, type Store } from '../../src/store'
import type { RequestLogStore } from '../../src/store/request-log'
import { logRow } from '../support/log-rows'

const DAY_MS = 86_400_000
const T0 = Date.UTC(2026, 0, 1)

let store: Store | null = null
let retention: LogRetention | null = null
afterEach(async () => {
  await retention?.stop()
  store?.close()
  store = null
})

async function ids(): Promise<string[]> {
  return (await store!.requestLog.list({ limit: 10_000 })).rows.map((r) => r.requestId).sort()
}

/** Waits (polling, up to a generous 5 s, so a busy machine does not fail it) until the rows left are `expected`. */
async function settled(expected: string[]): Promise<void> {
  const deadline = Date.now() + 5_000
  while (Date.now() < deadline && JSON.stringify(await ids()) !== JSON.stringify(expected)) await Bun.sleep(5)
}

describe('log retention', () => {
  test('rows older than retention_days are deleted; the boundary row and newer ones stay', async () => {
    store = openStore(':memory:')
    const clock = new ManualClock(T0 + 30 * DAY_MS)
    const cutoff = clock.now() - 7 * DAY_MS
    await store.requestLog.insertMany([
      logRow('req_old1', T0),
      logRow('req_old2', cutoff - 1),
      logRow('req_edge', cutoff),
      logRow('req_new1', clock.now() - DAY_MS),
      logRow('req_new2', clock.now()),
    ])
    retention = createLogRetention({ store: store.requestLog, clock, retentionDays: 7 })
    const report = await retention.runOnce()
    expect(report.deleted).toBe(2)
    expect(await ids()).toEqual(['req_edge', 'req_new1', 'req_new2'])

    // Moving the clock on ages the rest out, one by one.
    clock.advance(1)
    expect((await retention.runOnce()).deleted).toBe(1)
    expect(await ids()).toEqual(['req_new1', 'req_new2'])
    clock.advance(6 * DAY_MS)
    expect((await retention.runOnce()).deleted).toBe(1)
    expect(await ids()).toEqual(['req_new2'])
    clock.advance(DAY_MS)
    expect((await retention.runOnce()).deleted).toBe(1)
    expect(await ids()).toEqual([])
  })

  test('the purge runs in batches, yielding to other work between them', async () => {
    store = openStore(':memory:')
    const clock = new ManualClock(T0 + 30 * DAY_MS)
    const rows = Array.from({ length: 1_050 }, (_, i) => logRow(`req_${String(i).padStart(6, '0')}`, T0 + i))
    await store.requestLog.insertMany([...rows, logRow('req_recent', clock.now())])
    retention = createLogRetention({ store: store.requestLog, clock, retentionDays: 7, batchSize: 100 })
    let ticks = 0
    const ticker = setInterval(() => ticks++, 0)
    const report = await retention.runOnce()
    clearInterval(ticker)
    expect(report.deleted).toBe(1_050)
    expect(report.batches).toBeGreaterThan(1)
    expect(ticks).toBeGreaterThan(0)
    expect(await ids()).toEqual(['req_recent'])
  })

  test('batches shrink when slow and grow when fast, toward targetBatchMs', async () => {
    // A store where deleting n rows takes n × msPerRow on the purge's timer, which nothing else moves.
    const timedStore = (rows: number, msPerRow: number, sizes: number[], time: ManualClock) => {
      let left = rows
      return {
        async purgeBefore(_before: number, limit: number) {
          sizes.push(limit)
          time.advance(limit * msPerRow)
          const deleted = Math.min(left, limit)
          left -= deleted
          return deleted
        },
      } as unknown as RequestLogStore // the purge uses only purgeBefore
    }
    const slow: number[] = []
    const slowTime = new ManualClock(0)
    retention = createLogRetention({
      store: timedStore(10_000, 0.01, slow, slowTime),
      clock: new ManualClock(),
      timer: () => slowTime.now(),
      retentionDays: 7,
      batchSize: 1_000,
      targetBatchMs: 7,
    })
    const report = await retention.runOnce()
    expect(report.deleted).toBe(10_000)
    // 1,000 rows take 10 ms (> 7): halved to 500 (5 ms, within [3.5, 7]), which it keeps; the run
    // ends with the first batch that deletes fewer than asked (here none: 1,000 + 18 × 500 = 10,000).
    expect(slow).toEqual([1_000, ...Array.from({ length: 19 }, () => 500)])
    expect(report.maxBatchMs).toBe(10)
    expect(report.totalMs).toBe(10 + 19 * 5)

    const fast: number[] = []
    const fastTime = new ManualClock(0)
    retention = createLogRetention({
      store: timedStore(100_000, 0, fast, fastTime),
      clock: new ManualClock(),
      timer: () => fastTime.now(),
      retentionDays: 7,
      batchSize: 100,
      targetBatchMs: 50,
    })
    expect((await retention.runOnce()).deleted).toBe(100_000)
    // Doubling up to the 20,000-row cap: 100 + … + 12,800 = 25,500 rows, then 20,000 at a time.
    expect(fast).toEqual([100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 20_000, 20_000, 20_000, 20_000])

    // By default the first batch is 200 rows (~4 ms at the ~20 µs a row costs), near the 5 ms target.
    const first: number[] = []
    const firstTime = new ManualClock(0)
    retention = createLogRetention({
      store: timedStore(1_000, 0, first, firstTime),
      clock: new ManualClock(),
      timer: () => firstTime.now(),
      retentionDays: 7,
    })
    await retention.runOnce()
    expect(first[0]).toBe(200)
  })

  test('concurrent runs are joined, not doubled', async () => {
    store = openStore(':memory:')
    const clock = new ManualClock(T0 + 30 * DAY_MS)
    await store.requestLog.insertMany(Array.from({ length: 500 }, (_, i) => logRow(`req_${i}`, T0)))
    retention = createLogRetention({ store: store.requestLog, clock, retentionDays: 7, batchSize: 50 })
    const [a, b] = await Promise.all([retention.runOnce(), retention.runOnce()])
    expect(a).toBe(b)
    expect(a.deleted).toBe(500)
  })

  test('start() purges at once and then every interval while the server runs', async () => {
    store = openStore(':memory:')
    const clock = new ManualClock(T0 + 30 * DAY_MS)
    await store.requestLog.insertMany([logRow('req_old', T0), logRow('req_new', clock.now())])
    retention = createLogRetention({ store: store.requestLog, clock, retentionDays: 7, intervalMs: 30 })
    retention.start()
    await settled(['req_new'])
    expect(await ids()).toEqual(['req_new'])
    clock.advance(8 * DAY_MS)
    await settled([])
    expect(await ids()).toEqual([])
  })
})
