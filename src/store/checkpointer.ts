// WAL checkpoints off the event loop: a worker thread with its own connection copies the WAL into the database file.
import type { Database } from 'bun:sqlite'

/**
 * The worker's code, inline so `bun build --compile` needs no extra entry point. It checkpoints
 * PASSIVE (never waits for readers or writers) every interval, and once more when told to stop.
 */
const WORKER_SOURCE = `
import { Database } from 'bun:sqlite'
let db = null
let timer = null
const checkpoint = () => {
  try {
    return db.query('PRAGMA wal_checkpoint(PASSIVE)').get()
  } catch (error) {
    return { error: String(error && error.message) }
  }
}
self.onmessage = (event) => {
  const message = event.data
  if (message.type === 'start') {
    db = new Database(message.path)
    timer = setInterval(() => {
      const result = checkpoint()
      if (message.report) postMessage({ type: 'checkpoint', result })
    }, message.intervalMs)
  } else if (message.type === 'stop') {
    clearInterval(timer)
    const result = db ? checkpoint() : null
    if (db) db.close()
    postMessage({ type: 'stopped', result })
  }
}
`

export interface CheckpointResult {
  busy: number
  /** WAL frames, and how many of them are now in the database file. */
  log: number
  checkpointed: number
}

export interface BackgroundCheckpointer {
  /** A last checkpoint, then the worker ends. */
  stop(): Promise<void>
}

export interface CheckpointerOptions {
  intervalMs?: number
  /** Called after each periodic checkpoint (tests). */
  onCheckpoint?: (result: CheckpointResult) => void
}

/**
 * SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 WAL pages, and it
 * fsyncs: with one connection on the event loop, some request would wait for the disk (and a big
 * log purge makes that frequent). This turns the automatic checkpoint off for `db` and lets a
 * worker thread do it on its own connection instead. PASSIVE checkpoints run alongside the main
 * connection's readers and writer; once a checkpoint has caught up, the next commit starts the
 * WAL over, so it stays as small as one interval's writes. Null for in-memory databases.
 */
export function startBackgroundCheckpointer(db: Database, options: CheckpointerOptions = {}): BackgroundCheckpointer | null {
  const path = db.filename
  if (!path || path === ':memory:') return null
  const worker = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'application/javascript' })))
  db.exec('PRAGMA wal_autocheckpoint = 0')
  // A WAL grown by a burst is cut back to this size when it starts over.
  db.exec(`PRAGMA journal_size_limit = ${64 * 1024 * 1024}`)
  let stopped: (() => void) | null = null
  worker.onmessage = (event: MessageEvent<{ type: string; result: CheckpointResult }>) => {
    if (event.data.type === 'checkpoint') options.onCheckpoint?.(event.data.result)
    else if (event.data.type === 'stopped') stopped?.()
  }
  worker.onerror = (event) => {
    // Without its checkpointer the WAL would only grow: SQLite's own checkpoint takes over again.
    console.error('WAL checkpointer failed; back to automatic checkpoints:', event.message)
    db.exec('PRAGMA wal_autocheckpoint = 1000')
  }
  worker.postMessage({ type: 'start', path, intervalMs: options.intervalMs ?? 500, report: options.onCheckpoint !== undefined })
  // The server's own handles keep the process alive; the checkpointer alone must not. (The DOM
  // lib types the global Worker; at runtime it is Bun's, which has unref().)
  ;(worker as unknown as Bun.Worker).unref()
  let stopping: Promise<void> | null = null
  return {
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timeout)
          worker.terminate()
          resolve()
        }
        // The last checkpoint is a courtesy: closing the database checkpoints too.
        const timeout = setTimeout(done, 5_000)
        stopped = done
        worker.postMessage({ type: 'stop' })
      })
      return stopping
    },
  }
}
