// The Usage page (and the other dashboard pages that read the log) on a 7-day log of millions of rows.
// Run: node_modules/.bin/bun run bench/usage-page.ts [rows=5000000]
// Seeds the log through the request log's own batch insert (so the per-day aggregate is written as the
// server writes it), then times each page over HTTP with a signed-in session, and for comparison the
// same sums straight from request_log. Target: every page's median under 200 ms. Wall-clock figures:
// run it on a quiet machine; it exits 1 when a target is missed.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DAY_MS } from '../src/clock'
import { newRequestId } from '../src/ids'
import type { RequestLogRow } from '../src/store/request-log'
import { usageAppender } from '../src/store/usage-daily'
import { aggregateRows } from '../src/usage/aggregate'
import { startHub } from '../test/helpers'
import { makeUser, SessionClient } from '../test/support/session'

const ROWS = Number(process.argv[2] ?? 5_000_000)
const BATCH = 5_000
const TARGET_MS = 200
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small', 'broken-500', 'broken-429', 'broken-400', 'broken-cut', 'broken-timeout']
const ROUTES = ['/v1/chat/completions', '/v1/chat/completions', '/v1/messages', '/v1/responses', '/v1/embeddings', '/v1/models']

const dir = mkdtempSync(join(tmpdir(), 'token-hub-usage-'))
const dbPath = join(dir, 'hub.db')
const hub = await startHub({ sqlitePath: dbPath })
try {
  const heavy = await makeUser(hub)
  const admin = await makeUser(hub, { isAdmin: true })
  const keys = await Promise.all(Array.from({ length: 20 }, (_, i) => hub.mintKey(heavy.accountId, { name: `key-${i}` })))
  const others = await Promise.all(Array.from({ length: 50 }, () => hub.account({ balanceUsd: '1.00' })))

  // 40 % of the rows are the signed-in account's (20 keys), the rest spread over 50 accounts; 7 days up to now.
  const now = hub.clock.now()
  const from = now - 7 * DAY_MS
  let seed = 1
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed / 2_147_483_648
  }
  const row = (i: number): RequestLogRow => {
    const ts = from + Math.floor((i / ROWS) * 7 * DAY_MS)
    const mine = next() < 0.4
    const other = others[Math.floor(next() * others.length)]!
    const route = ROUTES[Math.floor(next() * ROUTES.length)]!
    return {
      requestId: newRequestId(ts),
      ts,
      accountId: mine ? heavy.accountId : other.accountId,
      keyId: mine ? keys[Math.floor(next() * keys.length)]!.id : other.keyId,
      route,
      model: route === '/v1/models' ? null : MODELS[Math.floor(next() * MODELS.length)]!,
      provider: 'mock',
      status: next() < 0.95 ? 200 : 502,
      errorCode: null,
      promptTokens: 100 + Math.floor(next() * 2000),
      completionTokens: Math.floor(next() * 800),
      costMicros: Math.floor(next() * 3000),
      latencyMs: 120,
      ttfbMs: null,
      stream: false,
      clientIp: '127.0.0.1',
      attempts: null,
    }
  }
  let started = performance.now()
  for (let i = 0; i < ROWS; i += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, ROWS - i) }, (_, j) => row(i + j))
    await hub.hub.store.requestLog.insertMany(rows)
  }
  const seconds = (performance.now() - started) / 1000
  const db = hub.hub.store.db
  const aggregateCount = db.query<{ n: number }, []>('SELECT COUNT(*) AS n FROM usage_daily').get()!.n
  console.log(
    `seeded ${ROWS.toLocaleString('en-US')} log rows in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds).toLocaleString('en-US')} rows/s through insertMany, aggregate included); ` +
      `usage_daily has ${aggregateCount.toLocaleString('en-US')} rows; database ${(statSync(dbPath).size / 1e9).toFixed(2)} GB`,
  )

  // The account's ledger: a charge per model call of its own (at most 1 M), spread over the 7 days,
  // between a top-up and an adjustment, written straight to the table (the statement only reads it).
  const charges = Math.min(1_000_000, Math.round(ROWS * 0.2))
  await hub.admin('POST', `/admin/accounts/${heavy.accountId}/credits`, { amount_usd: '5000.00', note: 'seed' })
  // Dated before the charges, as it would have been written (the ledger is in time order).
  db.query("UPDATE ledger SET created_at = ? WHERE account_id = ? AND note = 'seed'").run(from - 1, heavy.accountId)
  const charge = db.query(
    "INSERT INTO ledger (account_id, type, amount_micros, balance_after_micros, request_id, key_id, created_at) VALUES (?, 'charge', -1000, ?, ?, ?, ?)",
  )
  started = performance.now()
  db.transaction(() => {
    for (let i = 0; i < charges; i++) {
      const ts = from + Math.floor((i / charges) * 7 * DAY_MS)
      charge.run(heavy.accountId, 5_000_000_000 - (i + 1) * 1000, newRequestId(ts), keys[i % keys.length]!.id, ts)
    }
    // The balance moves with its entries, as a charge moves it (balance = Σ entries).
    db.query('UPDATE accounts SET balance_micros = balance_micros - ? WHERE id = ?').run(charges * 1000, heavy.accountId)
  })()
  await hub.admin('POST', `/admin/accounts/${heavy.accountId}/credits`, { amount_usd: '-1.00', note: 'seed adjustment' })
  console.log(`seeded ${charges.toLocaleString('en-US')} ledger charges in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  const user = await SessionClient.signIn(hub, heavy.email)
  const operator = await SessionClient.signIn(hub, admin.email)
  const timePage = async (client: SessionClient, path: string, runs = 9) => {
    const times: number[] = []
    let bytes = 0
    for (let r = 0; r < runs + 1; r++) {
      const t = performance.now()
      const response = await client.request('GET', path)
      const body = await response.text()
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body.slice(0, 200)}`)
      if (r > 0) times.push(performance.now() - t)
      bytes = body.length
    }
    times.sort((a, b) => a - b)
    return { path, median: times[Math.floor(times.length / 2)]!, max: times.at(-1)!, bytes }
  }
  const results = [
    await timePage(user, '/dashboard/usage'),
    await timePage(user, '/dashboard/usage?by=key&metric=tokens'),
    await timePage(user, `/dashboard/usage?metric=requests&from=${new Date(from).toISOString().slice(0, 10)}`),
    await timePage(user, '/dashboard/usage.csv?table=daily'),
    await timePage(operator, '/dashboard/admin/usage?by=account'),
    await timePage(user, '/dashboard/activity'),
    await timePage(user, '/dashboard/activity?calls=all&status=error'),
    await timePage(user, '/dashboard/keys'),
    await timePage(user, '/dashboard/credits', 5),
    await timePage(user, `/dashboard/credits?from=${new Date(now - DAY_MS).toISOString().slice(0, 10)}`, 5),
    await timePage(user, '/dashboard'),
  ]
  let missed = false
  for (const r of results) {
    const ok = r.median < TARGET_MS
    missed ||= !ok
    console.log(
      `${r.path.padEnd(62)} median ${r.median.toFixed(1).padStart(7)} ms  max ${r.max.toFixed(1).padStart(7)} ms  ${(r.bytes / 1024).toFixed(1)} KB  ${ok ? 'ok' : `MISSED (target < ${TARGET_MS} ms)`}`,
    )
  }

  // The same 7-day sums straight from the log: what the page would cost without the aggregate.
  started = performance.now()
  db.query(`SELECT (ts / ${DAY_MS}) * ${DAY_MS} AS day, model, COUNT(*), SUM(cost_micros), SUM(prompt_tokens), SUM(completion_tokens)
    FROM request_log WHERE account_id = ? AND ts >= ? GROUP BY day, model`).all(heavy.accountId, from)
  console.log(
    `for comparison, one GROUP BY day, model over request_log for the account: ${(performance.now() - started).toFixed(0)} ms (the page runs two or three such sums)`,
  )
  // What the aggregate adds to the log writer: its fold and upserts for a 500-row batch, on the event-loop thread.
  const add = usageAppender(db)
  const batches = Array.from({ length: 50 }, (_, k) => Array.from({ length: 500 }, (_, j) => row(k * 500 + j)))
  started = performance.now()
  for (const rows of batches) db.transaction(() => add(aggregateRows(rows)))()
  const aggregateMs = (performance.now() - started) / batches.length
  started = performance.now()
  for (const rows of batches.slice(0, 10))
    await hub.hub.store.requestLog.insertMany(rows.map((r) => ({ ...r, requestId: newRequestId(r.ts) })))
  const insertMs = (performance.now() - started) / 10
  console.log(`the aggregate's share of a 500-row log batch: ${aggregateMs.toFixed(2)} ms of ${insertMs.toFixed(2)} ms (rows + aggregate)`)
  process.exitCode = missed ? 1 : 0
} finally {
  await hub.close()
  rmSync(dir, { recursive: true, force: true })
}
