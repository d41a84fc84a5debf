// The operational log on Postgres: rows inserted in batches, one partition per UTC day, retention by dropping whole days.
import type { SQL } from 'bun'
import { DAY_MS } from '../../clock'
import type { RequestLogFilter, RequestLogRow, RequestLogRowWithKey, RequestLogStore } from '../request-log'
import { num, numOrNull } from './connect'
import { aggregateRows, type UsageBucket } from '../../usage/aggregate'
import type { CostBreakdown } from '../../money/pricing'

type Row = Record<string, unknown>

const fromRow = (row: Row): RequestLogRowWithKey => ({
  requestId: row.request_id as string,
  ts: num(row.ts),
  accountId: (row.account_id as string | null) ?? null,
  keyId: (row.key_id as string | null) ?? null,
  route: row.route as string,
  model: (row.model as string | null) ?? null,
  provider: (row.provider as string | null) ?? null,
  status: num(row.status),
  errorCode: (row.error_code as string | null) ?? null,
  promptTokens: numOrNull(row.prompt_tokens),
  completionTokens: numOrNull(row.completion_tokens),
  costMicros: num(row.cost_micros),
  latencyMs: num(row.latency_ms),
  ttfbMs: numOrNull(row.ttfb_ms),
  stream: row.stream === true,
  clientIp: (row.client_ip as string | null) ?? null,
  attempts: row.attempts === null ? null : (JSON.parse(row.attempts as string) as unknown[]),
  notes: row.notes === null ? null : (JSON.parse(row.notes as string) as string[]),
  cacheReadTokens: numOrNull(row.cache_read_tokens),
  cacheWriteTokens: numOrNull(row.cache_write_tokens),
  cacheWrite1hTokens: numOrNull(row.cache_write_1h_tokens),
  reasoningTokens: numOrNull(row.reasoning_tokens),
  costBreakdown:
    row.cost_breakdown === null || row.cost_breakdown === undefined ? null : (JSON.parse(row.cost_breakdown as string) as CostBreakdown),
  errorMessage: (row.error_message as string | null) ?? null,
  keyName: (row.key_name as string | null) ?? null,
  keyPrefix: (row.key_prefix as string | null) ?? null,
})

const SELECT_WITH_KEY = 'SELECT r.*, k.name AS key_name, k.prefix AS key_prefix FROM request_log r LEFT JOIN api_keys k ON k.id = r.key_id'

const dayOf = (ts: number) => Math.floor(ts / DAY_MS) * DAY_MS
const partitionName = (day: number) => `request_log_${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`

/** The WHERE clause of a filter with positional parameters: fixed fragments only, every value bound. */
function whereOf(filter: RequestLogFilter): { where: string; values: Array<string | number> } {
  const clauses: string[] = []
  const values: Array<string | number> = []
  const bind = (value: string | number) => {
    values.push(value)
    return `$${values.length}`
  }
  if (filter.accountId !== undefined) clauses.push(`r.account_id = ${bind(filter.accountId)}`)
  if (filter.keyId !== undefined) clauses.push(`r.key_id = ${bind(filter.keyId)}`)
  if (filter.model !== undefined) clauses.push(`r.model = ${bind(filter.model)}`)
  if (filter.status !== undefined) clauses.push(`r.status BETWEEN ${bind(filter.status.min)} AND ${bind(filter.status.max)}`)
  if (filter.since !== undefined) clauses.push(`r.ts >= ${bind(filter.since)}`)
  if (filter.until !== undefined) clauses.push(`r.ts < ${bind(filter.until)}`)
  if (filter.after !== undefined) {
    const ts = bind(filter.after.ts)
    clauses.push(`(r.ts < ${ts} OR (r.ts = ${ts} AND r.request_id < ${bind(filter.after.requestId)}))`)
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', values }
}

/** A usage bucket as the aggregate's columns. */
const bucketColumns = (b: UsageBucket) => ({
  day: b.day,
  account_id: b.accountId,
  key_id: b.keyId,
  model: b.model,
  requests: b.requests,
  cost_micros: b.costMicros,
  prompt_tokens: b.promptTokens,
  completion_tokens: b.completionTokens,
  cache_read_tokens: b.cacheReadTokens,
  cache_write_tokens: b.cacheWriteTokens,
  cache_write_1h_tokens: b.cacheWrite1hTokens,
  reasoning_tokens: b.reasoningTokens,
})

export function postgresRequestLogStore(sql: SQL): RequestLogStore {
  // Days whose partition exists (made here or found at first use): a batch creates only new days.
  const made = new Set<number>()
  const ensureDay = async (day: number) => {
    if (made.has(day)) return
    // Several instances may race to create the same day: IF NOT EXISTS, and an advisory lock so
    // two CREATE … PARTITION OF do not deadlock on the parent.
    await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(7412020)`
      await tx.unsafe(
        `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF request_log FOR VALUES FROM (${day}) TO (${day + DAY_MS})`,
      )
    })
    made.add(day)
  }

  return {
    async insertMany(rows: RequestLogRow[]) {
      if (rows.length === 0) return
      for (const day of new Set(rows.map((r) => dayOf(r.ts)))) await ensureDay(day)
      const values = rows.map((r) => ({
        request_id: r.requestId,
        ts: r.ts,
        account_id: r.accountId,
        key_id: r.keyId,
        route: r.route,
        model: r.model,
        provider: r.provider,
        status: r.status,
        error_code: r.errorCode,
        prompt_tokens: r.promptTokens,
        completion_tokens: r.completionTokens,
        cost_micros: r.costMicros,
        latency_ms: r.latencyMs,
        ttfb_ms: r.ttfbMs,
        stream: r.stream,
        client_ip: r.clientIp,
        attempts: r.attempts ? JSON.stringify(r.attempts) : null,
        notes: r.notes?.length ? JSON.stringify(r.notes) : null,
        cache_read_tokens: r.cacheReadTokens ?? null,
        cache_write_tokens: r.cacheWriteTokens ?? null,
        cache_write_1h_tokens: r.cacheWrite1hTokens ?? null,
        reasoning_tokens: r.reasoningTokens ?? null,
        cost_breakdown: r.costBreakdown ? JSON.stringify(r.costBreakdown) : null,
        error_message: r.errorMessage ?? null,
      }))
      const buckets = aggregateRows(rows).map(bucketColumns)
      // The rows and the day × account × key × model sums they add to, in one transaction.
      const write = () =>
        sql.begin(async (tx) => {
          const inserted = await tx`INSERT INTO request_log ${sql(values)} ON CONFLICT DO NOTHING RETURNING request_id`
          // A row written twice (a retried flush) is summed once: only the rows this insert added count.
          const fresh = new Set(inserted.map((r: Row) => r.request_id as string))
          const counted =
            fresh.size === rows.length ? buckets : aggregateRows(rows.filter((r) => fresh.has(r.requestId))).map(bucketColumns)
          if (counted.length === 0) return
          await tx`
            INSERT INTO usage_daily ${sql(counted)}
            ON CONFLICT (account_id, day, key_id, model) DO UPDATE SET
              requests = usage_daily.requests + excluded.requests, cost_micros = usage_daily.cost_micros + excluded.cost_micros,
              prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens,
              completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens,
              cache_read_tokens = usage_daily.cache_read_tokens + excluded.cache_read_tokens,
              cache_write_tokens = usage_daily.cache_write_tokens + excluded.cache_write_tokens,
              cache_write_1h_tokens = usage_daily.cache_write_1h_tokens + excluded.cache_write_1h_tokens,
              reasoning_tokens = usage_daily.reasoning_tokens + excluded.reasoning_tokens`
        })
      // One INSERT per batch; a row written twice (a retried flush) stays as first written.
      try {
        await write()
      } catch (error) {
        // 23514: no partition for a row's day (another instance's retention dropped one we knew): make them again, once.
        if ((error as { errno?: unknown }).errno !== '23514') throw error
        made.clear()
        for (const day of new Set(rows.map((r) => dayOf(r.ts)))) await ensureDay(day)
        await write()
      }
    },
    async get(requestId) {
      const [row] = await sql.unsafe(`${SELECT_WITH_KEY} WHERE r.request_id = $1`, [requestId])
      return row ? fromRow(row) : null
    },
    async list(filter) {
      const { where, values } = whereOf(filter)
      values.push(filter.limit + 1)
      const rows = await sql.unsafe(`${SELECT_WITH_KEY} ${where} ORDER BY r.ts DESC, r.request_id DESC LIMIT $${values.length}`, values)
      const page = rows.slice(0, filter.limit).map(fromRow)
      const last = page[page.length - 1]
      return { rows: page, next: rows.length > filter.limit && last ? { ts: last.ts, requestId: last.requestId } : null }
    },
    async lastUsed(keyId) {
      const [row] = await sql`SELECT MAX(ts) AS ts FROM request_log WHERE key_id = ${keyId}`
      return numOrNull(row?.ts)
    },
    async models(accountId) {
      // From the per-day aggregate, as on SQLite.
      const rows =
        await sql`SELECT DISTINCT model FROM usage_daily WHERE account_id = ${accountId} AND model != '' ORDER BY model LIMIT 200`
      return rows.map((r: Row) => r.model as string)
    },
    async purgeBefore(before, limit) {
      // Whole days before the cut are dropped (no dead rows, no vacuum debt); the day the cut
      // falls in is trimmed with a bounded DELETE.
      let removed = 0
      const parts = await sql`
        SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'request_log'`
      for (const part of parts as Row[]) {
        const match = /TO \('?(-?\d+)'?\)/.exec(part.bound as string)
        if (!match || Number(match[1]) > before) continue
        const [count] = await sql.unsafe(`SELECT COUNT(*) AS n FROM ${part.name as string}`)
        await sql.unsafe(`DROP TABLE IF EXISTS ${part.name as string}`)
        for (const day of made) if (day + DAY_MS <= before) made.delete(day)
        removed += num(count!.n)
      }
      if (removed >= limit) return removed
      const trimmed = await sql`
        DELETE FROM request_log WHERE (request_id, ts) IN (
          SELECT request_id, ts FROM request_log WHERE ts < ${before} ORDER BY ts LIMIT ${limit - removed})
        RETURNING request_id`
      return removed + trimmed.length
    },
  }
}
