// Group commit: one transaction per event-loop turn, call order kept, a failing op alone rolled back.
import { Database } from 'bun:sqlite'
import { afterEach, beforeEach, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createGroupCommit } from '../../src/store/group-commit'
import { openStore } from '../../src/store'

let dir: string
let db: Database
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-group-'))
  db = new Database(join(dir, 'g.db'), { strict: true })
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('CREATE TABLE t (n INTEGER NOT NULL CHECK (n >= 0))')
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const insert = (n: number) => () => db.query('INSERT INTO t (n) VALUES (?)').run(n).changes
const rows = () =>
  db
    .query<{ n: number }, []>('SELECT n FROM t ORDER BY rowid')
    .all()
    .map((r) => r.n)

test('calls of one turn commit in one transaction, in call order, and answer after the commit', async () => {
  const writes = createGroupCommit(db)
  // Another connection sees a commit as a change of data_version.
  const other = new Database(join(dir, 'g.db'))
  const version = () => other.query<{ data_version: number }, []>('PRAGMA data_version').get()!.data_version
  const before = version()
  const seen: number[] = []
  const answers = [1, 2, 3].map((n) =>
    writes.run(() => {
      seen.push(n)
      expect(db.inTransaction).toBe(true)
      return insert(n)()
    }),
  )
  // Nothing has run yet: the batch waits for the end of this turn.
  expect(rows()).toEqual([])
  expect(await Promise.all(answers)).toEqual([1, 1, 1])
  expect(seen).toEqual([1, 2, 3])
  expect(rows()).toEqual([1, 2, 3])
  expect(version()).toBe(before + 1)
  other.close()
})

test('an op that throws is rolled back alone and rejects alone', async () => {
  const writes = createGroupCommit(db)
  const results = await Promise.allSettled([
    writes.run(insert(1)),
    writes.run(() => {
      insert(2)()
      return insert(-1)() // violates the CHECK: this op's insert of 2 goes too
    }),
    writes.run(insert(3)),
  ])
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
  expect(rows()).toEqual([1, 3])
})

test('a commit that fails rejects every op of the batch and leaves nothing behind', async () => {
  const writes = createGroupCommit(db)
  // Another connection holds the write lock: the batch's BEGIN IMMEDIATE fails at once.
  const other = new Database(join(dir, 'g.db'))
  other.exec('PRAGMA busy_timeout = 0')
  db.exec('PRAGMA busy_timeout = 0')
  other.exec('BEGIN IMMEDIATE')
  const results = await Promise.allSettled([writes.run(insert(1)), writes.run(insert(2))])
  other.exec('ROLLBACK')
  other.close()
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
  expect(rows()).toEqual([])
  // The next batch works again.
  expect(await writes.run(insert(4))).toBe(1)
  expect(rows()).toEqual([4])
})

test('closing the store commits what is still queued', async () => {
  const path = join(dir, 'store.db')
  const store = openStore(path)
  await store.accounts.create({ id: 'acct_1', email: 'a@t.local', name: null, plan: 'standard', createdAt: 0 })
  const pending = store.ledger.append({ accountId: 'acct_1', type: 'topup', amountMicros: 5_000, createdAt: 0 })
  store.close()
  expect((await pending)!.balanceAfterMicros).toBe(5_000)
  const reopened = openStore(path)
  expect((await reopened.accounts.get('acct_1'))!.balanceMicros).toBe(5_000)
  reopened.close()
})
