// The background WAL checkpointer: checkpoints happen on its own thread, and the WAL starts over.
import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '../../src/store'
import { startBackgroundCheckpointer, type CheckpointResult } from '../../src/store/checkpointer'

const dir = mkdtempSync(join(tmpdir(), 'token-hub-wal-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Waits for the next periodic checkpoint report. */
function nextCheckpoint(results: CheckpointResult[]): Promise<CheckpointResult> {
  const seen = results.length
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error('no checkpoint within 20 s')), 20_000)
    const poll = setInterval(() => {
      if (results.length > seen) {
        clearInterval(poll)
        clearTimeout(deadline)
        resolve(results.at(-1)!)
      }
    }, 5)
  })
}

test('the main connection never checkpoints; the worker does, and the WAL starts over', async () => {
  const store = openStore(join(dir, 'hub.db'))
  const results: CheckpointResult[] = []
  const checkpointer = startBackgroundCheckpointer(store.db, { intervalMs: 50, onCheckpoint: (r) => results.push(r) })!
  expect(checkpointer).not.toBeNull()
  expect(store.db.query<{ wal_autocheckpoint: number }, []>('PRAGMA wal_autocheckpoint').get()!.wal_autocheckpoint).toBe(0)

  // Well past the 1,000 pages at which the main connection would have checkpointed by itself.
  const insert = store.db.query('INSERT INTO settings (key, value) VALUES (?, ?)')
  store.db.transaction(() => {
    for (let i = 0; i < 5_000; i++) insert.run(`k${i}`, 'x'.repeat(1_000))
  })()
  await nextCheckpoint(results)
  const big = await nextCheckpoint(results)
  expect(big.log).toBeGreaterThan(1_000)
  expect(big.checkpointed).toBe(big.log)

  // Fully checkpointed: the next commit writes from the start of the WAL again.
  store.db.query('INSERT INTO settings (key, value) VALUES (?, ?)').run('after', 'y')
  await nextCheckpoint(results)
  const small = await nextCheckpoint(results)
  expect(small.log).toBeLessThan(10)
  expect(small.checkpointed).toBe(small.log)

  await checkpointer.stop()
  await checkpointer.stop() // idempotent
  store.close()
})

test('under steady writes the queue pauses for a catch-up, and the WAL starts over instead of growing', async () => {
  const store = openStore(join(dir, 'steady.db'))
  const checkpoints: CheckpointResult[] = []
  const catchUps: Array<{ result: CheckpointResult; pausedMs: number; periodicBefore: number }> = []
  let pauses = 0
  let resumes = 0
  // Each read of the timer moves it 10 ms: a pause measured from its start to its catch-up reads it twice.
  let reads = 0
  const checkpointer = startBackgroundCheckpointer(store.db, {
    intervalMs: 50,
    writes: {
      pause: () => {
        pauses++
        store.writes.pause()
      },
      resume: () => {
        resumes++
        store.writes.resume()
      },
    },
    catchUpFrames: 300,
    timer: () => 10 * reads++,
    // Only the catch-up ends a pause here, however slowly a busy machine runs the worker.
    maxPauseMs: 600_000,
    onCheckpoint: (r) => checkpoints.push(r),
    onCatchUp: (result, pausedMs) => catchUps.push({ result, pausedMs, periodicBefore: checkpoints.length }),
  })!
  const insert = store.db.query('INSERT INTO settings (key, value) VALUES (?, ?)')
  // After a catch-up the WAL started over: a later periodic checkpoint sees it shorter.
  const startedOver = () => {
    const first = catchUps[0]
    return first !== undefined && checkpoints.slice(first.periodicBefore).some((c) => c.log < first.result.log)
  }
  // Commits back to back through the queue (a PASSIVE checkpoint never ends between two) until the
  // WAL has started over; the bound is only there so a broken checkpointer fails instead of hanging.
  let n = 0
  const deadline = performance.now() + 20_000
  while (!startedOver() && performance.now() < deadline) {
    await Promise.all(Array.from({ length: 8 }, () => store.writes.run(() => insert.run(`k${n++}`, 'x'.repeat(2_000)))))
  }
  await checkpointer.stop()
  expect(catchUps.length).toBeGreaterThan(0)
  for (const { result, pausedMs } of catchUps) {
    // The catch-up reached the end of the WAL, and the queue stayed paused until it had.
    expect(result.checkpointed).toBe(result.log)
    expect(pausedMs).toBe(10)
  }
  // A pause per catch-up (one more if a catch-up was asked for as it stopped), each resumed once.
  expect(pauses).toBeGreaterThanOrEqual(catchUps.length)
  expect(pauses).toBeLessThanOrEqual(catchUps.length + 1)
  expect(resumes).toBe(pauses)
  expect(startedOver()).toBe(true)
  // Every write went through, none lost to the pauses.
  expect(store.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM settings WHERE key LIKE 'k%'").get()!.n).toBe(n)
  store.close()
})

test('in-memory databases get no checkpointer', () => {
  const store = openStore(':memory:')
  expect(startBackgroundCheckpointer(store.db)).toBeNull()
  store.close()
})
