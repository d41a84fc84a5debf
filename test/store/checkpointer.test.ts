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
    const deadline = setTimeout(() => reject(new Error('no checkpoint within 5 s')), 5_000)
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
  const catchUps: Array<{ result: CheckpointResult; pausedMs: number }> = []
  const checkpointer = startBackgroundCheckpointer(store.db, {
    intervalMs: 50,
    writes: store.writes,
    catchUpFrames: 300,
    onCheckpoint: (r) => checkpoints.push(r),
    onCatchUp: (result, pausedMs) => catchUps.push({ result, pausedMs }),
  })!
  const insert = store.db.query('INSERT INTO settings (key, value) VALUES (?, ?)')
  // Commits back to back through the queue for 1.5 s: a PASSIVE checkpoint never ends between two.
  let n = 0
  const until = performance.now() + 1_500
  while (performance.now() < until) {
    await Promise.all(Array.from({ length: 8 }, () => store.writes.run(() => insert.run(`k${n++}`, 'x'.repeat(2_000)))))
  }
  await checkpointer.stop()
  expect(catchUps.length).toBeGreaterThan(0)
  for (const { result, pausedMs } of catchUps) {
    expect(result.checkpointed).toBe(result.log)
    expect(pausedMs).toBeLessThan(1_000)
  }
  // After a catch-up the WAL started over: some later periodic checkpoint saw it shorter.
  const firstCatchUp = catchUps[0]!.result.log
  expect(checkpoints.some((c) => c.log < firstCatchUp)).toBe(true)
  // Every write went through, none lost to the pauses.
  expect(store.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM settings WHERE key LIKE 'k%'").get()!.n).toBe(n)
  store.close()
})

test('in-memory databases get no checkpointer', () => {
  const store = openStore(':memory:')
  expect(startBackgroundCheckpointer(store.db)).toBeNull()
  store.close()
})
