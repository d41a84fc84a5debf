// The database is opened with the documented pragmas and migrated by user_version.
import { Database } from 'bun:sqlite'
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
  // A server's connection never waits for another process's lock; a CLI's may.
  expect(pragma(db, 'busy_timeout')).toBe(0)
  const waiting = openDatabase(join(mkdtempSync(join(tmpdir(), 'th-db-')), 'cli.sqlite'), { lockWaitMs: 5_000 })
  expect(pragma(waiting, 'busy_timeout')).toBe(5000)
  waiting.close()
  expect(pragma(db, 'foreign_keys')).toBe(1)
  expect(pragma(db, 'user_version')).toBe(MIGRATIONS.length)
  db.query("INSERT INTO settings (key, value) VALUES ('k', 'v')").run()
  db.close()
  // reopening applies nothing twice and keeps the data
  const again = openDatabase(path)
  expect(pragma(again, 'user_version')).toBe(MIGRATIONS.length)
  expect(again.query("SELECT value FROM settings WHERE key = 'k'").get()).toEqual({ value: 'v' })
  expect(() =>
    again.query("INSERT INTO api_keys (id, account_id, hash, prefix, created_at) VALUES ('k', 'nobody', 'h', 'p', 0)").run(),
  ).toThrow()
  again.close()
})

test('migration 6 drops the legacy holds table and held_micros columns, keeping balances', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'th-db-')), 'db.sqlite')
  // A database as the version before holds moved out of it left it: migrations 1–5, a hold written down.
  const old = new Database(path, { create: true })
  for (const sql of MIGRATIONS.slice(0, 5)) old.exec(sql)
  old.exec('PRAGMA user_version = 5')
  old.exec("INSERT INTO accounts (id, email, plan, balance_micros, held_micros, created_at) VALUES ('a', 'a@x', 'default', 700, 100, 0)")
  old.exec("INSERT INTO holds (id, account_id, request_id, amount_micros, created_at) VALUES ('h', 'a', 'r', 100, 0)")
  old.close()
  const db = openDatabase(path)
  expect(pragma(db, 'user_version')).toBe(MIGRATIONS.length)
  expect(db.query("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'holds'").get()).toEqual({ n: 0 })
  const columns = (table: string) => (db.query(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name)
  expect(columns('accounts')).not.toContain('held_micros')
  expect(columns('key_spend')).not.toContain('held_micros')
  expect(db.query("SELECT balance_micros FROM accounts WHERE id = 'a'").get()).toEqual({ balance_micros: 700 })
  db.close()
})
