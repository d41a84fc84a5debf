// The usage aggregate equals the log rows it sums: per day × account × key × model, over batches, and after the migration's backfill.
import { describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { openStore } from '../../src/store'
import { migrate } from '../../src/store/db'
import { MIGRATIONS } from '../../src/store/migrations'
import { aggregateRows, isModelCall, MODEL_CALL_ROUTES } from '../../src/usage/aggregate'
import { logRow } from '../support/log-rows'
import type { RequestLogRow } from '../../src/store/request-log'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 20, 22, 0, 0)
const ROUTES = [...MODEL_CALL_ROUTES, '/v1/models', '/v1/account/balance', '/v1/key', '/v1/messages/count_tokens']

/** A deterministic pseudo-random generator (mulberry32), so a failure replays. */
function random(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function rows(count: number, seed: number): RequestLogRow[] {
  const next = random(seed)
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!
  return Array.from({ length: count }, (_, i) =>
    logRow(`req_${seed}_${i}`, T0 + Math.floor(next() * 3 * DAY), {
      accountId: pick(['acct_a', 'acct_b', null]),
      keyId: pick(['key_1', 'key_2', null]),
      route: pick(ROUTES),
      model: pick(['gpt-4o', 'claude-3-5-haiku', null]),
      status: pick([200, 200, 402, 502]),
      promptTokens: pick([null, 0, 17, 1200]),
      completionTokens: pick([null, 3, 640]),
      costMicros: Math.floor(next() * 5000),
      cacheReadTokens: pick([null, 0, 512]),
      cacheWriteTokens: pick([null, 0, 64]),
      cacheWrite1hTokens: pick([null, 0, 8]),
      reasoningTokens: pick([null, 0, 300]),
    }),
  )
}

type Sums = {
  day: number
  account_id: string
  key_id: string
  model: string
  requests: number
  cost: number
  prompt: number
  completion: number
}

/** The log summed straight from request_log, the way the aggregate must sum it. */
function fromLog(db: Database): Sums[] {
  const routes = MODEL_CALL_ROUTES.map((r) => `'${r}'`).join(', ')
  return db
    .query<Sums, []>(`
      SELECT (ts / ${DAY}) * ${DAY} AS day, account_id, COALESCE(key_id, '') AS key_id, COALESCE(model, '') AS model,
        COUNT(*) AS requests, SUM(cost_micros) AS cost, COALESCE(SUM(prompt_tokens), 0) AS prompt, COALESCE(SUM(completion_tokens), 0) AS completion,
        COALESCE(SUM(cache_read_tokens), 0) AS cache_read, COALESCE(SUM(cache_write_tokens), 0) AS cache_write,
        COALESCE(SUM(cache_write_1h_tokens), 0) AS cache_write_1h, COALESCE(SUM(reasoning_tokens), 0) AS reasoning
      FROM request_log WHERE account_id IS NOT NULL AND route IN (${routes})
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`)
    .all()
}

function fromAggregate(db: Database): Sums[] {
  return db
    .query<Sums, []>(`
      SELECT day, account_id, key_id, model, requests, cost_micros AS cost, prompt_tokens AS prompt, completion_tokens AS completion,
        cache_read_tokens AS cache_read, cache_write_tokens AS cache_write, cache_write_1h_tokens AS cache_write_1h, reasoning_tokens AS reasoning
      FROM usage_daily ORDER BY 1, 2, 3, 4`)
    .all()
}

describe('usage aggregate', () => {
  test('equals Σ log rows of model calls, per day × account × key × model, over many batches', async () => {
    const store = openStore(':memory:')
    try {
      for (let batch = 0; batch < 20; batch++) await store.requestLog.insertMany(rows(150, batch + 1))
      const expected = fromLog(store.db)
      expect(expected.length).toBeGreaterThan(20)
      expect(fromAggregate(store.db)).toEqual(expected)
      // Bookkeeping routes and rows without an account are in the log but not in usage.
      const logged = store.db.query<{ n: number }, []>('SELECT COUNT(*) AS n FROM request_log').get()!.n
      const counted = store.db.query<{ n: number }, []>('SELECT SUM(requests) AS n FROM usage_daily').get()!.n
      expect(logged).toBe(3000)
      expect(counted).toBeLessThan(logged)
      // Every token class is summed (the generator gives each some).
      const classes = store.db
        .query<{ n: number }, []>(
          'SELECT SUM(cache_read_tokens) AS r, SUM(cache_write_1h_tokens) AS h, SUM(reasoning_tokens) AS n FROM usage_daily',
        )
        .get()!
      expect(Object.values(classes).every((v) => v > 0)).toBe(true)
    } finally {
      store.close()
    }
  })

  test('the batch fold keeps only model calls of known accounts, split at UTC midnight', () => {
    const midnight = Date.UTC(2026, 10, 21)
    const buckets = aggregateRows([
      logRow('a', midnight - 1, { costMicros: 5 }),
      logRow('b', midnight, { costMicros: 7 }),
      logRow('c', midnight + 10, { costMicros: 1, keyId: null }),
      logRow('d', midnight + 20, { route: '/v1/models', model: null }),
      logRow('e', midnight + 30, { accountId: null }),
    ])
    expect(buckets.map((b) => [b.day, b.keyId, b.requests, b.costMicros])).toEqual([
      [midnight - DAY, 'key_a', 1, 5],
      [midnight, 'key_a', 1, 7],
      [midnight, '', 1, 1],
    ])
    expect(isModelCall('/v1/messages')).toBe(true)
    expect(isModelCall('/v1/messages/count_tokens')).toBe(false)
  })

  test('the migration backfills the aggregate from the rows already logged', () => {
    const db = new Database(':memory:', { strict: true })
    const before = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE usage_daily'))
    expect(before).toBeGreaterThan(0)
    db.transaction(() => {
      for (const sql of MIGRATIONS.slice(0, before)) db.exec(sql)
      db.exec(`PRAGMA user_version = ${before}`)
    })()
    const insert = db.query(
      `INSERT INTO request_log (request_id, ts, account_id, key_id, route, model, status, prompt_tokens, completion_tokens, cost_micros, latency_ms,
        cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
    )
    for (const r of rows(500, 99))
      insert.run(
        r.requestId,
        r.ts,
        r.accountId,
        r.keyId,
        r.route,
        r.model,
        r.status,
        r.promptTokens,
        r.completionTokens,
        r.costMicros,
        r.cacheReadTokens ?? null,
        r.cacheWriteTokens ?? null,
        r.cacheWrite1hTokens ?? null,
        r.reasoningTokens ?? null,
      )
    migrate(db)
    expect(fromAggregate(db)).toEqual(fromLog(db))
    db.close()
  })
})
