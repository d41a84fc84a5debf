// When money cannot be written (another process holds the lock, the disk is full) the event loop
// keeps serving, new model calls are refused before any upstream call, calls already answered
// are billed once writes work again, and /healthz says so throughout.
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chatBody, logRow, post, startHub, type TestHub } from '../../helpers'

let dir: string
let hub: TestHub
/** The write queue's clock: a lock counts as a problem once it has been held past the grace. */
let now = 0
const LOCK_GRACE_MS = 1_000
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-outage-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeEach(async () => {
  now = 0
  hub = await startHub({
    sqlitePath: join(dir, `${crypto.randomUUID()}.db`),
    store: { writes: { now: () => now, lockGraceMs: LOCK_GRACE_MS, retryMs: 5, maxRetryMs: 20 } },
  })
})
afterEach(() => hub.close())

/** Another process that takes the database's write lock and keeps it until told to let go. */
async function lockHolder(path: string) {
  const script = `
    const { Database } = require('bun:sqlite')
    const db = new Database(${JSON.stringify(path)})
    db.exec('BEGIN IMMEDIATE')
    console.log('locked')
    for await (const _ of console) break
    db.exec('ROLLBACK')
    console.log('released')
  `
  const child = Bun.spawn([process.execPath, '-e', script], { stdin: 'pipe', stdout: 'pipe', stderr: 'inherit' })
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader()
  const next = async () => (await lines.read()).value?.trim()
  expect(await next()).toBe('locked')
  return {
    async release() {
      child.stdin.write('go\n')
      await child.stdin.flush()
      expect(await next()).toBe('released')
      await child.exited
    },
  }
}

const health = async () => {
  const response = await fetch(`${hub.url}/healthz`)
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } }
}

async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 1_000; i++) {
    if (await check()) return
    await Bun.sleep(5)
  }
  throw new Error(`timed out waiting for ${what}`)
}

test('another process holds the write lock: answered calls wait for it and are billed, new calls get 503 before any upstream call', async () => {
  const { accountId, key } = await hub.account({ balanceUsd: '10.00', key: { rpm: 100_000 } })
  const lock = await lockHolder((hub.hub.store.db as unknown as { filename: string }).filename)
  const callsBefore = hub.mock.stats.calls

  // Answered by the upstream while the lock is held (a short lock is normal): the charges wait for it.
  const plain = post(hub, '/v1/chat/completions', key, chatBody('one'))
  const streamed = post(hub, '/v1/chat/completions', key, chatBody('two', { stream: true })).then((r) => r.text())
  await until(async () => hub.mock.stats.calls === callsBefore + 2, 'both calls to reach the upstream')
  expect((await health()).status).toBe(200)
  // Held past the grace, the lock is a problem.
  now += LOCK_GRACE_MS + 1
  await until(async () => (await health()).status === 503, '/healthz to report the lock')
  expect((await health()).body).toEqual({ status: 'unavailable', reason: 'the database is locked by another process' })

  // A new call is refused before the upstream is asked.
  const refused = await post(hub, '/v1/chat/completions', key, chatBody('three'))
  expect(refused.status).toBe(503)
  const error = ((await refused.json()) as { error: { code: string; type: string; message: string } }).error
  expect(error.code).toBe('store_unavailable')
  expect(error.type).toBe('internal_server_error')
  expect(error.message).toContain('locked by another process')
  // The Responses route is refused the same way, in the same OpenAI error shape.
  const refusedResponse = await post(hub, '/v1/responses', key, { model: 'gpt-4o-mini', input: 'three' })
  expect(refusedResponse.status).toBe(503)
  expect(((await refusedResponse.json()) as { error: { code: string } }).error.code).toBe('store_unavailable')
  expect(hub.mock.stats.calls).toBe(callsBefore + 2)

  await lock.release()
  const answered = await plain
  expect(answered.status).toBe(200)
  const cost = Number(answered.headers.get('x-token-hub-cost-usd'))
  expect(cost).toBeGreaterThan(0)
  expect((await streamed).trimEnd().endsWith('data: [DONE]')).toBe(true)
  await until(async () => (await health()).status === 200, '/healthz to recover')

  // It recovered by itself: calls work again, and both answered calls were charged once.
  const after = await post(hub, '/v1/chat/completions', key, chatBody('four'))
  expect(after.status).toBe(200)
  const entries = (await hub.hub.store.ledger.list(accountId, { limit: 500 })).entries.filter((e) => e.type === 'charge')
  expect(entries).toHaveLength(3)
  const account = (await hub.hub.store.accounts.get(accountId))!
  expect(account.balanceMicros).toBe(10_000_000 + entries.reduce((sum, e) => sum + e.amountMicros, 0))
  expect(await hub.hub.store.ledger.sum(accountId)).toBe(account.balanceMicros)
  // The refused call has its log row, with its code.
  const row = await logRow(hub, refused.headers.get('x-request-id')!)
  expect(row.error_code).toBe('store_unavailable')
})

test('a full disk: reported at once, new calls refused before the upstream, the answered call billed when space comes back', async () => {
  const { accountId, key } = await hub.account({ balanceUsd: '10.00', key: { rpm: 100_000 } })
  const db = hub.hub.store.db
  // The filler's own table first: a schema with no free page left could not create it under the cap.
  db.exec('CREATE TABLE filler (b BLOB)')
  // The database may not grow by one page, as when its disk is full.
  const pages = (db.query('PRAGMA page_count').get() as { page_count: number }).page_count
  db.exec(`PRAGMA max_page_count = ${pages}`)
  // Fill the free pages, so the calls' writes soon need a new one.
  for (const size of [65_536, 4_096, 512, 64]) {
    try {
      while (true) db.query('INSERT INTO filler (b) VALUES (zeroblob(?))').run(size)
    } catch (error) {
      expect((error as { code: string }).code).toBe('SQLITE_FULL')
    }
  }
  const callsBefore = hub.mock.stats.calls
  const calls = Array.from({ length: 60 }, (_, i) => post(hub, '/v1/chat/completions', key, chatBody(`call ${i} `.repeat(200))))
  await until(async () => (await health()).status === 503, '/healthz to report the full disk')
  expect((await health()).body).toEqual({ status: 'unavailable', reason: 'the disk is full' })
  const called = hub.mock.stats.calls
  const refused = await post(hub, '/v1/chat/completions', key, chatBody('refused'))
  expect({ status: refused.status, code: ((await refused.json()) as { error: { code: string } }).error.code }).toEqual({
    status: 503,
    code: 'store_unavailable',
  })
  expect(hub.mock.stats.calls).toBe(called)

  db.exec('PRAGMA max_page_count = 1073741823')
  const answers = await Promise.all(calls)
  // Every call the upstream answered was charged, once; none was answered without a charge.
  const charged = answers.filter((a) => a.status === 200)
  expect(charged.length).toBe(called - callsBefore)
  await until(async () => (await health()).status === 200, '/healthz to recover')
  const entries = (await hub.hub.store.ledger.list(accountId, { limit: 500 })).entries.filter((e) => e.type === 'charge')
  expect(entries).toHaveLength(charged.length)
  const account = (await hub.hub.store.accounts.get(accountId))!
  expect(await hub.hub.store.ledger.sum(accountId)).toBe(account.balanceMicros)
  expect((await post(hub, '/v1/chat/completions', key, chatBody('after'))).status).toBe(200)
})
