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

test('a commit that fails for the batch itself rejects every op of it and leaves nothing behind', async () => {
  // A deferred foreign key is checked at COMMIT: the commit fails although every op ran.
  db.exec('PRAGMA foreign_keys = ON')
  db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY)')
  db.exec('CREATE TABLE child (parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)')
  const writes = createGroupCommit(db)
  const orphan = () => db.query('INSERT INTO child (parent) VALUES (42)').run().changes
  const results = await Promise.allSettled([writes.run(insert(1)), writes.run(orphan)])
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
  expect(rows()).toEqual([])
  expect(writes.problem()).toBeNull()
  // The next batch works again.
  expect(await writes.run(insert(4))).toBe(1)
  expect(rows()).toEqual([4])
})

/** A second connection, as another process would hold it, never waiting for locks itself. */
function otherConnection() {
  const other = new Database(join(dir, 'g.db'))
  other.exec('PRAGMA busy_timeout = 0')
  return other
}

test('a database locked by another process: writes wait without blocking, in order, and land once it is free', async () => {
  db.exec('PRAGMA busy_timeout = 0')
  let now = 0
  const writes = createGroupCommit(db, { now: () => now, lockGraceMs: 1_000, retryMs: 1, maxRetryMs: 2 })
  const other = otherConnection()
  other.exec('BEGIN IMMEDIATE')
  const done: number[] = []
  const answers = [1, 2, 3].map((n) =>
    writes.run(insert(n), () => {
      done.push(n)
    }),
  )
  // Several retries go by; the event loop keeps running meanwhile (this await returns).
  for (let i = 0; i < 5; i++) await Bun.sleep(3)
  expect(done).toEqual([])
  expect(rows()).toEqual([])
  // A short lock is not a problem; a long one is.
  expect(writes.problem()).toBeNull()
  now = 1_001
  expect(writes.problem()).toBe('the database is locked by another process')
  // Ops queued during the outage join the retried batch, after it.
  const later = writes.run(insert(4), () => {
    done.push(4)
  })
  other.exec('ROLLBACK')
  other.close()
  expect(await Promise.all([...answers, later])).toEqual([1, 1, 1, 1])
  expect(rows()).toEqual([1, 2, 3, 4])
  // Each op's bookkeeping ran once, although the batch ran several times.
  expect(done).toEqual([1, 2, 3, 4])
  expect(writes.problem()).toBeNull()
})

test('a full disk: the batch is kept and retried, the problem is reported at once, and it recovers by itself', async () => {
  db.exec('CREATE TABLE blobs (b BLOB NOT NULL)')
  const writes = createGroupCommit(db, { retryMs: 1, maxRetryMs: 2 })
  await writes.run(insert(0))
  // The database may not grow by a page: as when the disk is full.
  const pages = (db.query('PRAGMA page_count').get() as { page_count: number }).page_count
  db.exec(`PRAGMA max_page_count = ${pages}`)
  const done: number[] = []
  const answers = [1, 2, 3].map((n) =>
    writes.run(
      () => {
        db.query('INSERT INTO blobs (b) VALUES (zeroblob(16384))').run()
        return insert(n)()
      },
      () => {
        done.push(n)
      },
    ),
  )
  for (let i = 0; i < 500 && writes.problem() === null; i++) await Bun.sleep(2)
  expect(writes.problem()).toBe('the disk is full')
  expect(done).toEqual([])
  db.exec('PRAGMA max_page_count = 1073741823')
  expect(await Promise.all(answers)).toEqual([1, 1, 1])
  expect(rows()).toEqual([0, 1, 2, 3])
  expect(done).toEqual([1, 2, 3])
  expect(writes.problem()).toBeNull()
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
