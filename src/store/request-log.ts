// The operational log table: one row per /v1 request, never any prompt or completion content.
import type { Database } from 'bun:sqlite'
import type { GroupCommit } from './group-commit'

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
  promptTokens: number | null
  completionTokens: number | null
  costMicros: number
  latencyMs: number
  ttfbMs: number | null
  stream: boolean
  clientIp: string | null
  /** Upstream attempts when fallbacks were tried: `[{model, provider, status, error}]`. */
  attempts: unknown[] | null
}

/** Operators' filter over the log; every field optional. Newest first. */
export interface RequestLogFilter {
  accountId?: string
  keyId?: string
  /** An exact status, or a class: `{ min: 400, max: 499 }`. */
  status?: { min: number; max: number }
  /** Rows at or after this time (ms). */
  since?: number
  /** Rows strictly before this time (ms). */
  until?: number
  /** Continue after this row (the last one of the previous page). */
  after?: { ts: number; requestId: string }
  limit: number
}

export interface RequestLogStore {
  /** Writes many rows in one transaction (the batch writer's flush). */
  insertMany(rows: RequestLogRow[]): Promise<void>
  get(requestId: string): Promise<RequestLogRow | null>
  list(filter: RequestLogFilter): Promise<RequestLogRow[]>
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
  prompt_tokens: number | null
  completion_tokens: number | null
  cost_micros: number
  latency_ms: number
  ttfb_ms: number | null
  stream: number
  client_ip: string | null
  attempts: string | null
}

export const requestLogFromRow = (row: Row): RequestLogRow => ({
  requestId: row.request_id,
  ts: row.ts,
  accountId: row.account_id,
  keyId: row.key_id,
  route: row.route,
  model: row.model,
  provider: row.provider,
  status: row.status,
  errorCode: row.error_code,
  promptTokens: row.prompt_tokens,
  completionTokens: row.completion_tokens,
  costMicros: row.cost_micros,
  latencyMs: row.latency_ms,
  ttfbMs: row.ttfb_ms,
  stream: row.stream === 1,
  clientIp: row.client_ip,
  attempts: row.attempts === null ? null : (JSON.parse(row.attempts) as unknown[]),
})

export function sqliteRequestLogStore(db: Database, writes: GroupCommit): RequestLogStore {
  const insert = db.query(`
    INSERT OR REPLACE INTO request_log (request_id, ts, account_id, key_id, route, model, provider, status, error_code,
      prompt_tokens, completion_tokens, cost_micros, latency_ms, ttfb_ms, stream, client_ip, attempts)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  // Positional parameters: binding 17 named ones per row costs more than the insert itself.
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
      )
    }
  }
  const byId = db.query<Row, [string]>('SELECT * FROM request_log WHERE request_id = ?')
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
      const where: string[] = []
      const params: Record<string, string | number> = { limit: filter.limit }
      if (filter.accountId !== undefined) {
        where.push('account_id = $accountId')
        params.accountId = filter.accountId
      }
      if (filter.keyId !== undefined) {
        where.push('key_id = $keyId')
        params.keyId = filter.keyId
      }
      if (filter.status !== undefined) {
        where.push('status BETWEEN $statusMin AND $statusMax')
        params.statusMin = filter.status.min
        params.statusMax = filter.status.max
      }
      if (filter.since !== undefined) {
        where.push('ts >= $since')
        params.since = filter.since
      }
      if (filter.until !== undefined) {
        where.push('ts < $until')
        params.until = filter.until
      }
      if (filter.after !== undefined) {
        where.push('(ts < $afterTs OR (ts = $afterTs AND request_id < $afterId))')
        params.afterTs = filter.after.ts
        params.afterId = filter.after.requestId
      }
      const sql = `SELECT * FROM request_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ts DESC, request_id DESC LIMIT $limit`
      // db.query caches the prepared statement per SQL text: a handful of filter shapes.
      return db.query<Row, Record<string, string | number>>(sql).all(params).map(requestLogFromRow)
    },
    async purgeBefore(before, limit) {
      return purge.run({ before, limit }).changes
    },
  }
}
