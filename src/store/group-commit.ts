// Group commit: hot-path writes queued in one event-loop turn commit together, each in its own savepoint.
import type { Database } from 'bun:sqlite'

interface Queued {
  op: () => unknown
  resolve(value: unknown): void
  reject(error: unknown): void
}

export interface GroupCommit {
  /**
   * Runs `op` (synchronous SQL) inside the next batch's IMMEDIATE transaction and resolves with
   * its result once that transaction has committed. An op that throws rolls back only its own
   * savepoint and rejects alone; a commit that fails rejects every op of the batch.
   */
  run<T>(op: () => T): Promise<T>
  /** Commits what is queued now, even while paused (before the database closes). */
  flush(): void
  /**
   * Holds queued ops back (they wait, in order) until `resume()`: a quiet moment in which the
   * WAL checkpointer can catch up completely, so the WAL starts over (see checkpointer.ts).
   */
  pause(): void
  resume(): void
}

/**
 * Each commit costs a WAL write per page it dirtied, plus locking, and those dominate a request's
 * money writes. Concurrent requests touch the same pages (the account row, the key's spend row,
 * the last ledger, holds and log pages), so one transaction per event-loop turn writes each page
 * once for the whole batch instead of once per request. Every op still runs alone and in call
 * order, so a check-then-reserve stays atomic; the answer waits for the commit, so nothing is
 * reported before it is durable. With one request in flight a batch is that request: it only
 * waits for the current turn to end (`setImmediate`).
 */
export function createGroupCommit(db: Database): GroupCommit {
  let queue: Queued[] = []
  let scheduled = false
  let paused = false
  const savepoint = db.transaction((op: () => unknown) => op())

  const flush = db.transaction((batch: Queued[]) => {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = []
    for (const item of batch) {
      try {
        outcomes.push({ ok: true, value: savepoint(item.op) })
      } catch (error) {
        outcomes.push({ ok: false, error })
      }
    }
    return outcomes
  })

  const commit = () => {
    scheduled = false
    const batch = queue
    if (batch.length === 0) return
    queue = []
    let outcomes: ReturnType<typeof flush>
    try {
      outcomes = flush.immediate(batch)
    } catch (error) {
      for (const item of batch) item.reject(error)
      return
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!
      if (outcome.ok) item.resolve(outcome.value)
      else item.reject(outcome.error)
    })
  }

  const schedule = () => {
    if (scheduled || paused || queue.length === 0) return
    scheduled = true
    setImmediate(() => {
      if (!paused) commit()
      else scheduled = false
    })
  }

  return {
    run<T>(op: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ op, resolve: resolve as (value: unknown) => void, reject })
        schedule()
      })
    },
    flush: commit,
    pause() {
      paused = true
    },
    resume() {
      paused = false
      schedule()
    },
  }
}
