// Backup and restore of the SQLite file: refusals, what a backup file is, and what a restore puts back.
import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { backupDatabase, restoreDatabase } from '../../src/store/backup'
import { openDatabase } from '../../src/store/db'
import { MIGRATIONS } from '../../src/store/migrations'

const fresh = () => mkdtempSync(join(tmpdir(), 'th-backup-'))

/** A migrated database with one account, a top-up and a charge; the ledger's AUTOINCREMENT counter ahead of its rows. */
function seeded(path: string): Database {
  const db = openDatabase(path)
  db.exec("INSERT INTO accounts (id, email, plan, balance_micros, created_at) VALUES ('acct_1', 'a@test.local', 'standard', 700, 1)")
  db.exec(`INSERT INTO ledger (account_id, type, amount_micros, balance_after_micros, created_at) VALUES
    ('acct_1', 'topup', 1000, 1000, 1), ('acct_1', 'charge', -300, 700, 2), ('acct_1', 'charge', -1, 699, 3)`)
  // A deleted entry's id must not be handed out again after a restore.
  db.exec('DELETE FROM ledger WHERE id = 3')
  return db
}

const sequence = (db: Database) => db.query<{ seq: number }, []>("SELECT seq FROM sqlite_sequence WHERE name = 'ledger'").get()?.seq

describe('backupDatabase', () => {
  test('writes one self-contained, private, intact file; an existing file is kept unless force', () => {
    const dir = fresh()
    const live = seeded(join(dir, 'live.db'))
    const target = join(dir, 'backups', 'one.db')
    const first = backupDatabase(join(dir, 'live.db'), target)
    expect(first).toMatchObject({ ok: true, path: target, schemaVersion: MIGRATIONS.length })
    expect(statSync(target).mode & 0o777).toBe(0o600)
    const copy = new Database(target, { readonly: true })
    expect(copy.query('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'delete' })
    expect(copy.query('SELECT count(*) AS n FROM ledger').get()).toEqual({ n: 2 })
    copy.close()

    live.exec("UPDATE accounts SET email = 'changed@test.local'")
    const before = readFileSync(target)
    const again = backupDatabase(join(dir, 'live.db'), target)
    expect(again.ok).toBe(false)
    expect(!again.ok && again.reason).toContain('already exists (--force overwrites it)')
    expect(readFileSync(target).equals(before)).toBe(true)

    expect(backupDatabase(join(dir, 'live.db'), target, { force: true }).ok).toBe(true)
    const forced = new Database(target, { readonly: true })
    expect(forced.query('SELECT email FROM accounts').get()).toEqual({ email: 'changed@test.local' })
    forced.close()
    live.close()
  })

  test('a missing database is refused, not created', () => {
    const dir = fresh()
    const result = backupDatabase(join(dir, 'nothing.db'), join(dir, 'out.db'))
    expect(result).toEqual({ ok: false, reason: `no database at ${join(dir, 'nothing.db')}` })
  })
})

describe('restoreDatabase', () => {
  test('into a new path: the same rows, counters and schema version, then served as usual', () => {
    const dir = fresh()
    seeded(join(dir, 'live.db')).close()
    expect(backupDatabase(join(dir, 'live.db'), join(dir, 'b.db')).ok).toBe(true)
    const result = restoreDatabase(join(dir, 'b.db'), join(dir, 'new', 'restored.db'))
    expect(result).toMatchObject({ ok: true, schemaVersion: MIGRATIONS.length, rows: 3 })
    const db = openDatabase(join(dir, 'new', 'restored.db'))
    expect(db.query('SELECT id, type, amount_micros FROM ledger ORDER BY id').all()).toEqual([
      { id: 1, type: 'topup', amount_micros: 1000 },
      { id: 2, type: 'charge', amount_micros: -300 },
    ])
    expect(sequence(db)).toBe(3)
    // Indexes came along: the one-charge-per-request rule still holds.
    db.exec(
      "INSERT INTO ledger (account_id, type, amount_micros, balance_after_micros, request_id, created_at) VALUES ('acct_1', 'charge', -1, 699, 'req_x', 4)",
    )
    expect(() =>
      db.exec(
        "INSERT INTO ledger (account_id, type, amount_micros, balance_after_micros, request_id, created_at) VALUES ('acct_1', 'charge', -1, 698, 'req_x', 5)",
      ),
    ).toThrow(/UNIQUE/)
    db.close()
  })

  test('refused while another connection has the database open; the database is untouched', () => {
    const dir = fresh()
    const live = seeded(join(dir, 'live.db'))
    expect(backupDatabase(join(dir, 'live.db'), join(dir, 'b.db')).ok).toBe(true)
    live.exec("UPDATE accounts SET email = 'after-backup@test.local'")
    const result = restoreDatabase(join(dir, 'b.db'), join(dir, 'live.db'), { force: true })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.reason).toContain('is open in another process')
    expect(live.query('SELECT email FROM accounts').get()).toEqual({ email: 'after-backup@test.local' })
    live.close()
    // Closed: now it goes through and puts the backup's rows back.
    expect(restoreDatabase(join(dir, 'b.db'), join(dir, 'live.db'), { force: true }).ok).toBe(true)
    const restored = openDatabase(join(dir, 'live.db'))
    expect(restored.query('SELECT email FROM accounts').get()).toEqual({ email: 'a@test.local' })
    restored.close()
  })

  test('an existing database is replaced only with force', () => {
    const dir = fresh()
    seeded(join(dir, 'live.db')).close()
    expect(backupDatabase(join(dir, 'live.db'), join(dir, 'b.db')).ok).toBe(true)
    const other = openDatabase(join(dir, 'other.db'))
    other.exec("INSERT INTO settings (key, value) VALUES ('only', 'here')")
    other.close()
    const refused = restoreDatabase(join(dir, 'b.db'), join(dir, 'other.db'))
    expect(!refused.ok && refused.reason).toContain('already holds a database (--force replaces it')
    expect(restoreDatabase(join(dir, 'b.db'), join(dir, 'other.db'), { force: true }).ok).toBe(true)
    const db = openDatabase(join(dir, 'other.db'))
    expect(db.query("SELECT value FROM settings WHERE key = 'only'").get()).toBeNull()
    expect(db.query('SELECT balance_micros FROM accounts').get()).toEqual({ balance_micros: 700 })
    db.close()
  })

  test('refuses what is not an intact token-hub backup of this or an older schema, leaving the target as it was', () => {
    const dir = fresh()
    const target = join(dir, 'target.db')
    const kept = openDatabase(target)
    kept.exec("INSERT INTO settings (key, value) VALUES ('kept', 'yes')")
    kept.close()
    const reasons: string[] = []
    const attempt = (backup: string) => {
      const result = restoreDatabase(backup, target, { force: true })
      expect(result.ok).toBe(false)
      if (!result.ok) reasons.push(result.reason)
    }

    attempt(join(dir, 'missing.db'))
    writeFileSync(join(dir, 'text.db'), 'not a database at all, just text that is long enough to be read as a header '.repeat(20))
    attempt(join(dir, 'text.db'))
    const foreign = new Database(join(dir, 'foreign.db'))
    foreign.exec('CREATE TABLE notes (body TEXT)')
    foreign.close()
    attempt(join(dir, 'foreign.db'))
    seeded(join(dir, 'newer.db')).close()
    const newer = new Database(join(dir, 'newer.db'))
    newer.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`)
    newer.close()
    attempt(join(dir, 'newer.db'))
    // A ledger entry of an account that does not exist: the copy is rolled back whole.
    seeded(join(dir, 'dangling.db')).close()
    const dangling = new Database(join(dir, 'dangling.db'))
    dangling.exec(
      "INSERT INTO ledger (account_id, type, amount_micros, balance_after_micros, created_at) VALUES ('acct_gone', 'topup', 1, 1, 1)",
    )
    dangling.close()
    attempt(join(dir, 'dangling.db'))

    expect(reasons[0]).toContain('no backup at')
    expect(reasons[1]).toContain('not a readable SQLite database')
    expect(reasons[2]).toContain('not a token-hub database (no accounts, ledger, settings table)')
    expect(reasons[3]).toContain(`written by a newer token-hub (schema ${MIGRATIONS.length + 1}`)
    expect(reasons[4]).toContain('is unchanged: a row of ledger points at a missing accounts row')
    const db = openDatabase(target)
    expect(db.query("SELECT value FROM settings WHERE key = 'kept'").get()).toEqual({ value: 'yes' })
    db.close()
  })

  test('a backup of an older schema is migrated to this one', () => {
    const dir = fresh()
    // A backup as the first release would have written it: schema 1 only.
    const old = new Database(join(dir, 'v1.db'))
    old.exec(MIGRATIONS[0]!)
    old.exec('PRAGMA user_version = 1')
    old.exec("INSERT INTO accounts (id, email, plan, created_at) VALUES ('acct_old', 'old@test.local', 'standard', 1)")
    old.close()
    const result = restoreDatabase(join(dir, 'v1.db'), join(dir, 'restored.db'))
    expect(result).toMatchObject({ ok: true, schemaVersion: MIGRATIONS.length })
    const db = new Database(join(dir, 'restored.db'))
    expect(db.query('SELECT email FROM accounts').get()).toEqual({ email: 'old@test.local' })
    expect(db.query("SELECT 1 AS yes FROM sqlite_schema WHERE name = 'key_spend'").get()).toEqual({ yes: 1 })
    db.close()
  })
})
