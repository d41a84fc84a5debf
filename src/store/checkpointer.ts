// WAL checkpoints off the event loop: a worker thread with its own connection copies the WAL into the database file.
import type { Database } from 'bun:sqlite'
import { systemTimer, type Timer } from '../clock'

/**
 * The worker's code, inline so `bun build --compile` needs no extra entry point. It checkpoints
 * PASSIVE (never waits for readers or writers) every interval, once more when the main thread
 * says its writes are paused (a catch-up), and once more when told to stop.
 */
const WORKER_SOURCE = `
import { Database } from 'bun:sqlite'
let db = null
let timer = null
let catchingUp = false
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
      if (catchingUp) return
      const result = checkpoint()
      if (message.report) postMessage({ type: 'checkpoint', result })
      // The WAL is long: it has not started over, because commits kept landing while each
      // checkpoint copied. Ask for a quiet moment.
      if (message.catchUpFrames > 0 && result.log > message.catchUpFrames) {
        catchingUp = true
        postMessage({ type: 'quiesce' })
      }
    }, message.intervalMs)
  } else if (message.type === 'quiet') {
    // The hot path's writes are paused: this checkpoint reaches the end of the WAL.
    const result = checkpoint()
    catchingUp = false
    postMessage({ type: 'caught-up', result })
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
  /**
   * The hot path's write queue. Under steady load a PASSIVE checkpoint never reaches the end of
   * the WAL (commits keep landing while it copies), so the WAL would never start over and would
   * grow without bound. When it is longer than `catchUpFrames`, the queue is paused for one
   * checkpoint (its ops wait, the event loop does not), then resumed: the next commit restarts
   * the WAL from its beginning.
   */
  writes?: { pause(): void; resume(): void }
  /** WAL frames (pages) above which a quiet moment is asked for; default 4096 (16 MB). */
  catchUpFrames?: number
  /** Called after each catch-up checkpoint, with how long the queue was paused (tests, bench). */
  onCatchUp?: (result: CheckpointResult, pausedMs: number) => void
  /** Measures `pausedMs`; performance.now() by default. */
  timer?: Timer
  /** A paused queue resumes after this long even if the worker never answers; default 2 s. */
  maxPauseMs?: number
}

/**
 * SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 WAL pages, and it
 * fsyncs: with one connection on the event loop, some request would wait for the disk (and a big
 * log purge makes that frequent). This turns the automatic checkpoint off for `db` and lets a
 * worker thread do it on its own connection instead. PASSIVE checkpoints run alongside the main
 * connection's readers and writer; once a checkpoint has caught up, the next commit starts the
 * WAL over, so it stays as small as one interval's writes (with `writes`, also under steady
 * load: see `CheckpointerOptions.writes`). Null for in-memory databases.
 */
export function startBackgroundCheckpointer(db: Database, options: CheckpointerOptions = {}): BackgroundCheckpointer | null {
  const path = db.filename
  if (!path || path === ':memory:') return null
  const worker = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'application/javascript' })))
  db.exec('PRAGMA wal_autocheckpoint = 0')
  // A WAL grown by a burst is cut back to this size when it starts over.
  db.exec(`PRAGMA journal_size_limit = ${64 * 1024 * 1024}`)
  let stopped: (() => void) | null = null
  const { writes } = options
  const timer = options.timer ?? systemTimer
  let pausedAt: number | null = null
  let pauseLimit: ReturnType<typeof setTimeout> | undefined
  const resume = () => {
    clearTimeout(pauseLimit)
    if (pausedAt === null) return
    pausedAt = null
    writes?.resume()
  }
  worker.onmessage = (event: MessageEvent<{ type: string; result: CheckpointResult }>) => {
    const { type, result } = event.data
    if (type === 'checkpoint') options.onCheckpoint?.(result)
    else if (type === 'quiesce') {
      // No transaction is open between two turns of the event loop: from here nothing writes.
      writes?.pause()
      pausedAt = timer()
      pauseLimit = setTimeout(resume, options.maxPauseMs ?? 2_000)
      worker.postMessage({ type: 'quiet' })
    } else if (type === 'caught-up') {
      const pausedMs = pausedAt === null ? 0 : timer() - pausedAt
      resume()
      options.onCatchUp?.(result, pausedMs)
    } else if (type === 'stopped') stopped?.()
  }
  worker.onerror = (event) => {
    // Without its checkpointer the WAL would only grow: SQLite's own checkpoint takes over again.
    console.error('WAL checkpointer failed; back to automatic checkpoints:', event.message)
    db.exec('PRAGMA wal_autocheckpoint = 1000')
  }
  worker.postMessage({
    type: 'start',
    path,
    intervalMs: options.intervalMs ?? 500,
    report: options.onCheckpoint !== undefined,
    catchUpFrames: writes ? (options.catchUpFrames ?? 4096) : 0,
  })
  // The server's own handles keep the process alive; the checkpointer alone must not. (The DOM
  // lib types the global Worker; at runtime it is Bun's, which has unref().)
  ;(worker as unknown as Bun.Worker).unref()
  let stopping: Promise<void> | null = null
  return {
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timeout)
          resume()
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
