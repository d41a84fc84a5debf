// Backup and restore of the SQLite database, each through a connection of its own (never the server's).
import { Database } from 'bun:sqlite'
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { randomBase62 } from '../ids'
import { migrate } from './db'
import { MIGRATIONS } from './migrations'

export type BackupResult = { ok: true; path: string; bytes: number; schemaVersion: number } | { ok: false; reason: string }
export type RestoreResult = { ok: true; tables: number; rows: number; schemaVersion: number } | { ok: false; reason: string }

/** Tables every token-hub database has since its first migration; a file without them is something else. */
const REQUIRED_TABLES = ['accounts', 'ledger', 'settings']

/**
 * Writes a consistent copy of the database at `source` to `target` while a server may be using it.
 *
 * `VACUUM INTO` reads the whole database inside one read transaction: in WAL mode that is a
 * snapshot as of its first read, and it blocks no writer, so the server's event loop never waits
 * for it (only its WAL cannot start over until the copy ends, so it grows by what is written
 * meanwhile). The copy is written beside `target`, switched out of WAL mode so it is one
 * self-contained file, checked with `integrity_check`, made private (0600: it holds key and
 * password hashes), fsynced, and only then moved into place: a crash mid-backup leaves no
 * half-written `target`. An existing `target` is refused unless `force`.
 */
export function backupDatabase(source: string, target: string, options: { force?: boolean } = {}): BackupResult {
  if (source === ':memory:') return { ok: false, reason: 'the configured database is in memory (storage.sqlite_path = ":memory:")' }
  if (!existsSync(source)) return { ok: false, reason: `no database at ${source}` }
  if (!options.force && existsSync(target)) return { ok: false, reason: `${target} already exists (--force overwrites it)` }
  const partial = join(dirname(target), `.${basename(target)}.partial-${randomBase62(8)}`)
  try {
    mkdirSync(dirname(target), { recursive: true })
    const live = new Database(source, { readwrite: true, create: false })
    try {
      // Only to begin the read while the server's checkpointer briefly holds a lock.
      live.exec('PRAGMA busy_timeout = 5000')
      live.query('VACUUM INTO ?').run(partial)
    } finally {
      live.close()
    }
    const copy = new Database(partial, { readwrite: true, create: false })
    let schemaVersion: number
    try {
      copy.exec('PRAGMA journal_mode = DELETE')
      const problem = integrityProblem(copy)
      if (problem) return { ok: false, reason: `the copy failed its integrity check: ${problem}` }
      schemaVersion = userVersion(copy)
    } finally {
      copy.close()
    }
    chmodSync(partial, 0o600)
    fsyncPath(partial)
    if (options.force) renameSync(partial, target)
    else {
      // link() fails if the name exists: no check-then-write race with another writer of `target`.
      try {
        linkSync(partial, target)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST')
          return { ok: false, reason: `${target} already exists (--force overwrites it)` }
        throw error
      }
    }
    fsyncPath(dirname(target))
    return { ok: true, path: target, bytes: statSync(target).size, schemaVersion }
  } catch (error) {
    return { ok: false, reason: (error as Error).message }
  } finally {
    rmSync(partial, { force: true })
  }
}

/**
 * Replaces the database at `target` with the backup at `backup`, only while no other process has
 * `target` open.
 *
 * How "no server" is known rather than guessed: every connection to a WAL database holds a
 * shared lock on the database file for as long as it is open (the server's, its checkpointer's,
 * a CLI command's), and the operating system drops it when the process ends, kill -9 included.
 * The restore's connection asks for SQLite's exclusive lock (`locking_mode = EXCLUSIVE`, no
 * waiting): it is refused while any of them is open, and once granted it is kept until the restore
 * ends, so a server starting meanwhile cannot open the database either (it exits with "database
 * is locked", and its supervisor starts it again). File locks are unreliable on network file
 * systems: keep the database on a local disk.
 *
 * The copy happens inside that connection, in one transaction (every table of `target` dropped,
 * the backup's schema and rows copied in, its user_version set, foreign keys checked), so a failed
 * restore leaves `target` as it was. Then the migrations newer than the backup run. A `target`
 * that already holds tables is replaced only with `force`.
 */
export function restoreDatabase(backup: string, target: string, options: { force?: boolean } = {}): RestoreResult {
  if (target === ':memory:') return { ok: false, reason: 'the configured database is in memory (storage.sqlite_path = ":memory:")' }
  const checked = checkBackup(backup)
  if (!checked.ok) return checked
  let live: Database
  try {
    mkdirSync(dirname(target), { recursive: true })
    live = new Database(target, { readwrite: true, create: true })
  } catch (error) {
    return { ok: false, reason: `cannot open ${target}: ${(error as Error).message}` }
  }
  try {
    live.exec('PRAGMA busy_timeout = 0')
    live.exec('PRAGMA locking_mode = EXCLUSIVE')
    try {
      live.exec('BEGIN EXCLUSIVE')
      live.query('SELECT count(*) FROM sqlite_schema').get()
      live.exec('COMMIT')
    } catch (error) {
      return {
        ok: false,
        reason: `${target} is open in another process (a running token-hub serve, or a CLI command): stop it, then restore (${(error as Error).message})`,
      }
    }
    if (!options.force && objects(live, 'main', ['table']).length > 0) {
      return { ok: false, reason: `${target} already holds a database (--force replaces it with the backup)` }
    }
    live.exec('PRAGMA foreign_keys = OFF')
    live.query('ATTACH DATABASE ? AS backup').run(backup)
    let rows = 0
    let tables = 0
    try {
      live.transaction(() => {
        for (const type of ['view', 'trigger', 'table'] as const) {
          for (const { name } of objects(live, 'main', [type])) live.exec(`DROP ${type.toUpperCase()} IF EXISTS main.${quoted(name)}`)
        }
        for (const { name, sql } of objects(live, 'backup', ['table'])) {
          live.exec(sql)
          // Generated columns (hidden 2 and 3) are computed, not copied.
          const columns = live
            .query<{ name: string; hidden: number }, []>(`PRAGMA backup.table_xinfo(${quoted(name)})`)
            .all()
            .filter((column) => column.hidden === 0)
            .map((column) => quoted(column.name))
            .join(', ')
          rows += live.query(`INSERT INTO main.${quoted(name)} (${columns}) SELECT ${columns} FROM backup.${quoted(name)}`).run().changes
          tables++
        }
        // Copying rows with their ids advanced AUTOINCREMENT counters to the largest id; the
        // backup's own counters are what keeps an id deleted before the backup from coming back.
        if (hasTable(live, 'backup', 'sqlite_sequence') && hasTable(live, 'main', 'sqlite_sequence')) {
          live.exec('DELETE FROM main.sqlite_sequence')
          live.exec('INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM backup.sqlite_sequence')
        }
        for (const { sql } of objects(live, 'backup', ['index', 'trigger', 'view'])) live.exec(sql)
        live.exec(`PRAGMA main.user_version = ${checked.schemaVersion}`)
        const violation = live.query<{ table: string; parent: string }, []>('PRAGMA main.foreign_key_check').get()
        if (violation) throw new Error(`a row of ${violation.table} points at a missing ${violation.parent} row`)
      })()
    } catch (error) {
      return { ok: false, reason: `restore failed, ${target} is unchanged: ${(error as Error).message}` }
    } finally {
      live.exec('DETACH DATABASE backup')
    }
    live.exec('PRAGMA foreign_keys = ON')
    migrate(live)
    const problem = integrityProblem(live)
    if (problem) return { ok: false, reason: `the restored database failed its integrity check: ${problem}` }
    return { ok: true, tables, rows, schemaVersion: userVersion(live) }
  } finally {
    live.close()
  }
}

/** A backup is restorable when it is intact, is a token-hub database, and its schema is not newer than this build's. */
function checkBackup(path: string): { ok: true; schemaVersion: number } | { ok: false; reason: string } {
  if (!existsSync(path)) return { ok: false, reason: `no backup at ${path}` }
  let db: Database
  try {
    db = new Database(path, { readonly: true })
  } catch (error) {
    return { ok: false, reason: `cannot open ${path}: ${(error as Error).message}` }
  }
  try {
    const problem = integrityProblem(db)
    if (problem) return { ok: false, reason: `${path} failed its integrity check: ${problem}` }
    const missing = REQUIRED_TABLES.filter((name) => !hasTable(db, 'main', name))
    if (missing.length > 0) return { ok: false, reason: `${path} is not a token-hub database (no ${missing.join(', ')} table)` }
    const schemaVersion = userVersion(db)
    if (schemaVersion > MIGRATIONS.length) {
      return {
        ok: false,
        reason: `${path} was written by a newer token-hub (schema ${schemaVersion}; this one knows up to ${MIGRATIONS.length})`,
      }
    }
    return { ok: true, schemaVersion }
  } catch (error) {
    return { ok: false, reason: `${path} is not a readable SQLite database: ${(error as Error).message}` }
  } finally {
    db.close()
  }
}

/** Null when `integrity_check` says ok, else its first complaint. */
function integrityProblem(db: Database): string | null {
  const first = db.query<{ integrity_check: string }, []>('PRAGMA integrity_check').get()?.integrity_check
  return first === 'ok' ? null : (first ?? 'no answer')
}

function userVersion(db: Database): number {
  return db.query<{ user_version: number }, []>('PRAGMA user_version').get()!.user_version
}

/** A schema's own objects (SQLite's internal ones and automatic indexes excluded), in creation order. */
function objects(db: Database, schema: 'main' | 'backup', types: string[]): Array<{ name: string; sql: string }> {
  return db
    .query<{ name: string; sql: string }, string[]>(
      `SELECT name, sql FROM ${schema}.sqlite_schema
       WHERE type IN (${types.map(() => '?').join(', ')}) AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql IS NOT NULL
       ORDER BY rowid`,
    )
    .all(...types)
}

function hasTable(db: Database, schema: 'main' | 'backup', name: string): boolean {
  return db.query(`SELECT 1 FROM ${schema}.sqlite_schema WHERE type = 'table' AND name = ?`).get(name) !== null
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`

/** fsync a file or a directory, so a rename or link is on disk before we say it happened. */
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
