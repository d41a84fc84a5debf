// The database is opened with the documented pragmas and migrated by user_version.
import { expect, test } from 'bun:test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../../src/store/db'
import { MIGRATIONS } from '../../src/store/migrations'

const pragma = (db: ReturnType<typeof openDatabase>, name: string) => Object.values(db.query(`PRAGMA ${name}`).get() as object)[0]

test('WAL, synchronous NORMAL, busy_timeout, foreign keys; migrations applied once', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'th-db-')), 'sub', 'db.sqlite')
  const db = openDatabase(path)
  expect(pragma(db, 'journal_mode')).toBe('wal')
  expect(pragma(db, 'synchronous')).toBe(1)
  expect(pragma(db, 'busy_timeout')).toBe(5000)
  expect(pragma(db, 'foreign_keys')).toBe(1)
  expect(pragma(db, 'user_version')).toBe(MIGRATIONS.length)
  db.query("INSERT INTO settings (key, value) VALUES ('k', 'v')").run()
  db.close()
  // reopening applies nothing twice and keeps the data
  const again = openDatabase(path)
  expect(pragma(again, 'user_version')).toBe(MIGRATIONS.length)
  expect(again.query("SELECT value FROM settings WHERE key = 'k'").get()).toEqual({ value: 'v' })
  expect(() => again.query("INSERT INTO api_keys (id, account_id, hash, prefix, created_at) VALUES ('k', 'nobody', 'h', 'p', 0)").run()).toThrow()
  again.close()
})
