// Opens the SQLite database with the pragmas token-hub relies on and applies migrations.
import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { MIGRATIONS } from './migrations'

/**
 * Opens (creating if needed) the database at `path`, or an in-memory one for `:memory:`.
 *
 * Pragmas, and why:
 * - journal_mode=WAL: readers never block the writer; one writer at a time.
 * - synchronous=NORMAL: in WAL mode a commit is durable against a process crash (kill -9) as soon
 *   as it returns; only an OS crash or power cut can lose the last transactions. No fsync per
 *   request on the hot path.
 * - busy_timeout: opening and migrating wait up to 5 s for the lock (a server and the CLI may
 *   start together); after that a connection waits `lockWaitMs`. The server's is 0: a locked
 *   database must never stall its event loop (its writes are retried off a timer, see
 *   group-commit.ts); the CLI, a short one-shot process, may wait.
 * - foreign_keys=ON: keys and ledger entries cannot point at a missing account.
 */
export function openDatabase(path: string, options: { lockWaitMs?: number } = {}): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path, { create: true, strict: true })
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = NORMAL')
  db.exec('PRAGMA busy_timeout = 5000')
  db.exec('PRAGMA foreign_keys = ON')
  migrate(db)
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.lockWaitMs ?? 0))}`)
  return db
}

/** Applies every migration above the database's `user_version`, each in its own transaction. */
export function migrate(db: Database): void {
  const current = (db.query('PRAGMA user_version').get() as { user_version: number }).user_version
  MIGRATIONS.forEach((sql, index) => {
    const version = index + 1
    if (version <= current) return
    db.transaction(() => {
      db.exec(sql)
      db.exec(`PRAGMA user_version = ${version}`)
    })()
  })
}
