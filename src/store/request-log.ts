// The operational log table: one row per /v1 request, never any prompt or completion content.
import type { Database } from 'bun:sqlite'
import type { GroupCommit } from './group-commit'
import { aggregateRows } from '../usage/aggregate'
import { usageAppender } from './usage-daily'
import type { CostBreakdown } from '../money/pricing'

export interface RequestLogRow {
  requestId: string
  ts: number
  accountId: string | null
  keyId: string | null
  route: string
  model: string | null
  provider: string | null
  status: number
  errorCode: string | null
  /** The gateway's own error text as the client got it (never prompt or completion content). */
  errorMessage?: string | null
  promptTokens: number | null
  completionTokens: number | null
  /** Tokens per class (disjoint parts of `promptTokens`, and reasoning of `completionTokens`); null when nothing was billed. */
  cacheReadTokens?: number | null
  /** 5-minute cache writes. */
  cacheWriteTokens?: number | null
  cacheWrite1hTokens?: number | null
  reasoningTokens?: number | null
  costMicros: number
  /** The exact cost per class in pico-USD (see money/pricing.ts), when the request was billed. */
  costBreakdown?: CostBreakdown | null
  latencyMs: number
  ttfbMs: number | null
  stream: boolean
  clientIp: string | null
  /** Upstream attempts when fallbacks were tried: `[{model, provider, status, error}]`. */
  attempts: unknown[] | null
  /** What the request did differently from what the client asked, e.g. hosted tools left out of a translated request. */
  notes?: string[] | null
}

/** A place in the newest-first order: the last row of a page, after which the next page starts. */
export interface RequestLogPosition {
  ts: number
  requestId: string
}

/**
 * The one filter over the log, for operators (`GET /admin/requests`) and for an account's own
 * activity; every field but `limit` optional. Rows come newest first, ties broken by request id.
 */
export interface RequestLogFilter {
  accountId?: string
  keyId?: string
  model?: string
  /** Only rows of these routes (e.g. the model calls). */
  routes?: readonly string[]
  /** An inclusive status range: `{ min: 429, max: 429 }`, a class `{ min: 400, max: 499 }`. */
  status?: { min: number; max: number }
  /** Rows at or after this time (ms). */
  since?: number
  /** Rows strictly before this time (ms). */
  until?: number
  /** Continue after this row (the previous page's `next`). */
  after?: RequestLogPosition
  /** Rows per page, at least 1; callers bound it. */
  limit: number
}

/** A log row with the name and prefix of its key (null once the key is gone). */
export interface RequestLogRowWithKey extends RequestLogRow {
  keyName: string | null
  keyPrefix: string | null
}

export interface RequestLogPage {
  rows: RequestLogRowWithKey[]
  /** Where the next page starts; null on the last page. */
  next: RequestLogPosition | null
}

export interface RequestLogStore {
  /** Writes many rows in one transaction (the batch writer's flush). */
  insertMany(rows: RequestLogRow[]): Promise<void>
  get(requestId: string): Promise<RequestLogRowWithKey | null>
  list(filter: RequestLogFilter): Promise<RequestLogPage>
  /** The time of the key's newest logged request (within retention), or null. */
  lastUsed(keyId: string): Promise<number | null>
  /** Models an account has called (model calls, from the usage aggregate), for the activity filter menu. */
  models(accountId: string): Promise<string[]>
  /** Deletes at most `limit` rows older than `before` (ms); returns how many it deleted. */
  purgeBefore(before: number, limit: number): Promise<number>
}

type Row = {
  request_id: string
  ts: number
  account_id: string | null
  key_id: string | null
  route: string
  model: string | null
  provider: string | null
  status: number
  error_code: string | null
  error_message: string | null
  prompt_tokens: number | null
  completion_tokens: number | null
  cache_read_tokens: number | null
  cache_write_tokens: number | null
  cache_write_1h_tokens: number | null
  reasoning_tokens: number | null
  cost_micros: number
  cost_breakdown: string | null
  latency_ms: number
  ttfb_ms: number | null
  stream: number
  client_ip: string | null
  attempts: string | null
  notes: string | null
}

type RowWithKey = Row & { key_name: string | null; key_prefix: string | null }

const requestLogFromRow = (row: RowWithKey): RequestLogRowWithKey => ({
  requestId: row.request_id,
  ts: row.ts,
  accountId: row.account_id,
  keyId: row.key_id,
  route: row.route,
  model: row.model,
  provider: row.provider,
  status: row.status,
  errorCode: row.error_code,
  errorMessage: row.error_message,
  promptTokens: row.prompt_tokens,
  completionTokens: row.completion_tokens,
  cacheReadTokens: row.cache_read_tokens,
  cacheWriteTokens: row.cache_write_tokens,
  cacheWrite1hTokens: row.cache_write_1h_tokens,
  reasoningTokens: row.reasoning_tokens,
  costMicros: row.cost_micros,
  costBreakdown: row.cost_breakdown === null ? null : (JSON.parse(row.cost_breakdown) as CostBreakdown),
  latencyMs: row.latency_ms,
  ttfbMs: row.ttfb_ms,
  stream: row.stream === 1,
  clientIp: row.client_ip,
  attempts: row.attempts === null ? null : (JSON.parse(row.attempts) as unknown[]),
  notes: row.notes === null ? null : (JSON.parse(row.notes) as string[]),
  keyName: row.key_name,
  keyPrefix: row.key_prefix,
})

const SELECT_WITH_KEY = 'SELECT r.*, k.name AS key_name, k.prefix AS key_prefix FROM request_log r LEFT JOIN api_keys k ON k.id = r.key_id'

/** The WHERE clause and its parameters for a filter: fixed fragments only, every value bound. */
function whereOf(filter: RequestLogFilter): { where: string; params: Record<string, string | number> } {
  const clauses: string[] = []
  const params: Record<string, string | number> = {}
  if (filter.accountId !== undefined) {
    clauses.push('r.account_id = $accountId')
    params.accountId = filter.accountId
  }
  if (filter.keyId !== undefined) {
    clauses.push('r.key_id = $keyId')
    params.keyId = filter.keyId
  }
  if (filter.model !== undefined) {
    clauses.push('r.model = $model')
    params.model = filter.model
  }
  if (filter.routes !== undefined) {
    // Routes are our own constants or one validated path; bound anyway, one parameter each.
    const names = filter.routes.map((route, i) => {
      params[`route${i}`] = route
      return `$route${i}`
    })
    clauses.push(names.length ? `r.route IN (${names.join(', ')})` : '0')
  }
  if (filter.status !== undefined) {
    clauses.push('r.status BETWEEN $statusMin AND $statusMax')
    params.statusMin = filter.status.min
    params.statusMax = filter.status.max
  }
  if (filter.since !== undefined) {
    clauses.push('r.ts >= $since')
    params.since = filter.since
  }
  if (filter.until !== undefined) {
    clauses.push('r.ts < $until')
    params.until = filter.until
  }
  if (filter.after !== undefined) {
    clauses.push('(r.ts < $afterTs OR (r.ts = $afterTs AND r.request_id < $afterId))')
    params.afterTs = filter.after.ts
    params.afterId = filter.after.requestId
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params }
}

export function sqliteRequestLogStore(db: Database, writes: GroupCommit): RequestLogStore {
  const insert = db.query(`
    INSERT OR REPLACE INTO request_log (request_id, ts, account_id, key_id, route, model, provider, status, error_code,
      prompt_tokens, completion_tokens, cost_micros, latency_ms, ttfb_ms, stream, client_ip, attempts, notes,
      cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, cost_breakdown, error_message)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const addUsage = usageAppender(db)
  // Positional parameters: binding 24 named ones per row costs more than the insert itself.
  const insertMany = (rows: RequestLogRow[]) => {
    for (const r of rows) {
      insert.run(
        r.requestId,
        r.ts,
        r.accountId,
        r.keyId,
        r.route,
        r.model,
        r.provider,
        r.status,
        r.errorCode,
        r.promptTokens,
        r.completionTokens,
        r.costMicros,
        r.latencyMs,
        r.ttfbMs,
        r.stream ? 1 : 0,
        r.clientIp,
        r.attempts ? JSON.stringify(r.attempts) : null,
        r.notes?.length ? JSON.stringify(r.notes) : null,
        r.cacheReadTokens ?? null,
        r.cacheWriteTokens ?? null,
        r.cacheWrite1hTokens ?? null,
        r.reasoningTokens ?? null,
        r.costBreakdown ? JSON.stringify(r.costBreakdown) : null,
        r.errorMessage ?? null,
      )
    }
    // The day × account × key × model sums, in the same transaction as the rows they sum.
    addUsage(aggregateRows(rows))
  }
  const byId = db.query<RowWithKey, [string]>(`${SELECT_WITH_KEY} WHERE r.request_id = ?`)
  const lastUsed = db.query<{ ts: number | null }, [string]>('SELECT MAX(ts) AS ts FROM request_log WHERE key_id = ?')
  // From the per-day aggregate, not the log: a DISTINCT over an account's log rows reads all of them
  // (~180 ms at 130k rows), the aggregate has a row per day × key × model.
  const models = db.query<{ model: string }, [string]>(
    "SELECT DISTINCT model FROM usage_daily WHERE account_id = ? AND model != '' ORDER BY model LIMIT 200",
  )
  // By rowid through the ts index: each batch is a short, bounded write.
  const purge = db.query(
    'DELETE FROM request_log WHERE rowid IN (SELECT rowid FROM request_log WHERE ts < $before ORDER BY ts LIMIT $limit)',
  )
  return {
    // Through the write queue: the batch commits with the money writes of the same turn.
    insertMany: (rows) => writes.run(() => insertMany(rows)),
    async get(requestId) {
      const row = byId.get(requestId)
      return row ? requestLogFromRow(row) : null
    },
    async list(filter) {
      const { where, params } = whereOf(filter)
      // One row more than the page tells whether another page follows.
      params.limit = filter.limit + 1
      // db.query caches the prepared statement per SQL text: a handful of filter shapes.
      const rows = db
        .query<RowWithKey, Record<string, string | number>>(
          `${SELECT_WITH_KEY} ${where} ORDER BY r.ts DESC, r.request_id DESC LIMIT $limit`,
        )
        .all(params)
      const page = rows.slice(0, filter.limit).map(requestLogFromRow)
      const last = page[page.length - 1]
      return { rows: page, next: rows.length > filter.limit && last ? { ts: last.ts, requestId: last.requestId } : null }
    },
    async lastUsed(keyId) {
      return lastUsed.get(keyId)?.ts ?? null
    },
    async models(accountId) {
      return models.all(accountId).map((r) => r.model)
    },
    async purgeBefore(before, limit) {
      return purge.run({ before, limit }).changes
    },
  }
}
