// The batch writer of the operational log: requests push rows, a timer writes them in one transaction.
import type { RequestLogRow, RequestLogStore } from '../store/request-log'

export interface RequestLogWriter {
  push(row: RequestLogRow): void
  /** Writes everything buffered now (tests, shutdown). */
  flush(): Promise<void>
  /** Flushes and stops the timer. */
  close(): Promise<void>
  /** Rows waiting to be written. */
  pending(): number
}

/**
 * Buffers rows in memory and writes them every `intervalMs` or when `maxBatch` accumulate, so the
 * hot path never waits on a write. A crash loses at most one interval of rows (never ledger rows:
 * those commit with the money).
 */
export function createRequestLogWriter(store: RequestLogStore, options: { intervalMs: number; maxBatch?: number }): RequestLogWriter {
  const maxBatch = options.maxBatch ?? 500
  let buffer: RequestLogRow[] = []
  let flushing: Promise<void> | null = null

  const flush = async () => {
    while (flushing) await flushing
    if (buffer.length === 0) return
    const rows = buffer
    buffer = []
    flushing = store
      .insertMany(rows)
      .catch((error) => console.error(`request log: could not write ${rows.length} rows:`, (error as Error).message))
      .finally(() => {
        flushing = null
      })
    await flushing
  }

  const timer = setInterval(() => void flush(), options.intervalMs)
  timer.unref?.()

  return {
    push(row) {
      buffer.push(row)
      if (buffer.length >= maxBatch) void flush()
    },
    flush,
    async close() {
      clearInterval(timer)
      await flush()
    },
    pending: () => buffer.length,
  }
}
