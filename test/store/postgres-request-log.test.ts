// The request log on Postgres: batched inserts into daily partitions, and retention that drops whole days.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DAY_MS } from '../../src/clock'
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres'
import type { RequestLogRow } from '../../src/store/request-log'
import { sharedPostgres } from '../support/postgres'

const T0 = Date.UTC(2026, 0, 10)
const row = (requestId: string, ts: number): RequestLogRow => ({
  requestId,
  ts,
  accountId: 'acct_1',
  keyId: null,
  route: '/v1/chat/completions',
  model: 'gpt-4o-mini',
  provider: 'mock',
  status: 200,
  errorCode: null,
  promptTokens: 3,
  completionTokens: 5,
  costMicros: 12,
  latencyMs: 1.5,
  ttfbMs: null,
  stream: false,
  clientIp: '127.0.0.1',
  attempts: null,
  notes: null,
})

describe('Postgres request log', () => {
  let store: PostgresStore
  beforeAll(async () => {
    store = await openPostgresStore(await (await sharedPostgres()).createDatabase(), {
      now: () => T0,
      pingIntervalMs: 0,
      sweepIntervalMs: 0,
    })
  })
  afterAll(() => store.close())

  const partitions = async () =>
    (
      await store.sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
                      WHERE p.relname = 'request_log' ORDER BY 1`
    ).map((r: { name: string }) => r.name)

  test('rows of three days land in three partitions; a purge drops the whole days before the cut and trims the day it falls in', async () => {
    const rows = [0, 1, 2].flatMap((day) => Array.from({ length: 4 }, (_, i) => row(`req_${day}_${i}`, T0 + day * DAY_MS + i * 3_600_000)))
    await store.requestLog.insertMany(rows)
    await store.requestLog.insertMany([rows[0]!]) // a retried flush changes nothing
    expect(await partitions()).toEqual(['request_log_20260110', 'request_log_20260111', 'request_log_20260112'])
    // The usage aggregate counts each row once, the retried one included.
    const usage = await store.usage.byDay({ accountId: 'acct_1', fromDay: T0, toDay: T0 + 3 * DAY_MS }, 'model')
    expect(usage.map((u) => [u.day, u.group, u.requests, u.costMicros, u.promptTokens])).toEqual(
      [0, 1, 2].map((day) => [T0 + day * DAY_MS, 'gpt-4o-mini', 4, 48, 12]),
    )
    expect(await store.requestLog.models('acct_1')).toEqual(['gpt-4o-mini'])
    expect((await store.requestLog.get('req_1_2'))?.ts).toBe(T0 + DAY_MS + 2 * 3_600_000)
    const page = await store.requestLog.list({ accountId: 'acct_1', limit: 5 })
    expect(page.rows.map((r) => r.requestId)).toEqual(['req_2_3', 'req_2_2', 'req_2_1', 'req_2_0', 'req_1_3'])
    expect((await store.requestLog.list({ accountId: 'acct_1', limit: 5, after: page.next! })).rows[0]!.requestId).toBe('req_1_2')

    // The cut two hours into the third day: days one and two go whole, two rows of day three one by one.
    const removed = await store.requestLog.purgeBefore(T0 + 2 * DAY_MS + 2 * 3_600_000, 1000)
    expect(removed).toBe(10)
    expect(await partitions()).toEqual(['request_log_20260112'])
    expect((await store.requestLog.list({ limit: 10 })).rows.map((r) => r.requestId)).toEqual(['req_2_3', 'req_2_2'])
    // Rows for a dropped day make their partition again.
    await store.requestLog.insertMany([row('req_late', T0 + 3_600_000)])
    expect(await store.requestLog.get('req_late')).not.toBeNull()
  })
})
