// Group commit: hot-path writes queued in one event-loop turn commit together, each in its own savepoint.
import type { Database } from 'bun:sqlite'

interface Queued {
  op: () => unknown
  /** Runs once, synchronously, when the op's outcome is final (committed, or rejected alone). */
  done: (() => void) | undefined
  resolve(value: unknown): void
  reject(error: unknown): void
}

export interface GroupCommit {
  /**
   * Runs `op` (synchronous SQL) inside the next batch's IMMEDIATE transaction and resolves with
   * its result once that transaction has committed. An op that throws rolls back only its own
   * savepoint and rejects alone. When the database cannot be written (locked by another
   * process, disk full, I/O error) the batch is rolled back and retried later, so an op may run
   * more than once before it commits: `done` is where in-memory bookkeeping of the op belongs, as
   * it runs exactly once, right after the commit (or the op's own failure), before anything else.
   */
  run<T>(op: () => T, done?: () => void): Promise<T>
  /** Commits what is queued now, even while paused (before the database closes). */
  flush(): void
  /**
   * Holds queued ops back (they wait, in order) until `resume()`: a quiet moment in which the
   * WAL checkpointer can catch up completely, so the WAL starts over (see checkpointer.ts).
   */
  pause(): void
  resume(): void
  /** Why writes are not landing now (locked for longer than the grace, disk full, …), or null. */
  problem(): string | null
}

export interface GroupCommitOptions {
  /** Milliseconds since some origin; injected so tests drive the lock grace without waiting. */
  now?: () => number
  /** How long another process may hold the write lock before writes count as failing. */
  lockGraceMs?: number
  /** First retry delay after a failed commit; doubles up to `maxRetryMs`. */
  retryMs?: number
  maxRetryMs?: number
  /** Ops kept waiting through an outage at most; beyond it new ops are refused at once. */
  maxQueued?: number
}

/** SQLite result codes that mean "cannot write now", not "this op is wrong". */
const STORAGE_FAILURES = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|PROTOCOL|NOMEM)/

/** True for an error that the storage, not the op, caused: the op is retried, not refused. */
export function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && STORAGE_FAILURES.test(code)
}

const isLocked = (error: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown }).code))

/** What a health check and a refused request say about a storage failure. */
export function describeStorageFailure(error: unknown): string {
  const code = String((error as { code?: unknown }).code ?? '')
  if (isLocked(error)) return 'the database is locked by another process'
  if (code.startsWith('SQLITE_FULL')) return 'the disk is full'
  if (code.startsWith('SQLITE_READONLY')) return 'the database is read-only'
  return `the database cannot be written (${code || (error as Error).message})`
}

/**
 * Each commit costs a WAL write per page it dirtied, plus locking, and those dominate a request's
 * money writes. Concurrent requests touch the same pages (the account row, the key's spend row,
 * the last ledger, holds and log pages), so one transaction per event-loop turn writes each page
 * once for the whole batch instead of once per request. Every op still runs alone and in call
 * order, so a check-then-reserve stays atomic; the answer waits for the commit, so nothing is
 * reported before it is durable. With one request in flight a batch is that request: it only
 * waits for the current turn to end (`setImmediate`).
 *
 * The connection never waits for a lock (busy_timeout 0 when serving): a batch that finds the
 * database locked or full is kept, in order, and retried on a timer, so the event loop never
 * blocks and no acknowledged write is dropped.
 */
export function createGroupCommit(db: Database, options: GroupCommitOptions = {}): GroupCommit {
  const now = options.now ?? (() => performance.now())
  const lockGraceMs = options.lockGraceMs ?? 1_000
  const firstRetryMs = options.retryMs ?? 10
  const maxRetryMs = options.maxRetryMs ?? 500
  const maxQueued = options.maxQueued ?? 100_000
  let queue: Queued[] = []
  let scheduled = false
  let paused = false
  /** The current outage: since when commits fail, why, and the next retry's delay. */
  let failing: { since: number; error: unknown; retryMs: number } | null = null
  let retry: ReturnType<typeof setTimeout> | null = null
  const savepoint = db.transaction((op: () => unknown) => op())

  const flush = db.transaction((batch: Queued[]) => {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = []
    for (const item of batch) {
      try {
        outcomes.push({ ok: true, value: savepoint(item.op) })
      } catch (error) {
        // The storage failed, not the op: the whole batch waits for the next try.
        if (isStorageFailure(error)) throw error
        outcomes.push({ ok: false, error })
      }
    }
    return outcomes
  })

  const settle = (item: Queued, outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => {
    item.done?.()
    if (outcome.ok) item.resolve(outcome.value)
    else item.reject(outcome.error)
  }

  const scheduleRetry = () => {
    if (retry || !failing) return
    retry = setTimeout(() => {
      retry = null
      if (!paused) commit()
    }, failing.retryMs)
    retry.unref?.()
  }

  const fail = (error: unknown) => {
    if (failing) {
      failing.error = error
      failing.retryMs = Math.min(failing.retryMs * 2, maxRetryMs)
    } else {
      failing = { since: now(), error, retryMs: firstRetryMs }
    }
    scheduleRetry()
  }

  const commit = () => {
    scheduled = false
    const batch = queue
    // An outage keeps its batch queued, so it always ends with a commit (or goes on).
    if (batch.length === 0) return
    queue = []
    let outcomes: ReturnType<typeof flush>
    try {
      outcomes = flush.immediate(batch)
    } catch (error) {
      if (!isStorageFailure(error)) {
        for (const item of batch) settle(item, { ok: false, error })
        return
      }
      // Kept at the front, in call order; ops queued meanwhile follow them.
      queue = batch.concat(queue)
      fail(error)
      return
    }
    failing = null
    for (let i = 0; i < batch.length; i++) settle(batch[i]!, outcomes[i]!)
  }

  const schedule = () => {
    // While failing, the retry timer commits; a turn's new ops join the retried batch.
    if (scheduled || paused || failing || queue.length === 0) return
    scheduled = true
    setImmediate(() => {
      if (!paused) commit()
      else scheduled = false
    })
  }

  return {
    run<T>(op: () => T, done?: () => void): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (failing && queue.length >= maxQueued) {
          done?.()
          reject(failing.error)
          return
        }
        queue.push({ op, done, resolve: resolve as (value: unknown) => void, reject })
        schedule()
      })
    },
    flush: commit,
    pause() {
      paused = true
    },
    resume() {
      paused = false
      if (failing) scheduleRetry()
      else schedule()
    },
    problem() {
      if (!failing) return null
      // A lock held briefly (the CLI's one statement) is normal: only a long one is a problem.
      if (isLocked(failing.error) && now() - failing.since < lockGraceMs) return null
      return describeStorageFailure(failing.error)
    },
  }
}
