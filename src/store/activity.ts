// Account-scoped reads of the operational log for the dashboard: filtered, keyset-paginated, with key names.
import type { Database } from 'bun:sqlite'
import { requestLogFromRow, type RequestLogRow } from './request-log'

export interface ActivityFilter {
  accountId: string
  keyId?: string
  model?: string
  /** 'ok' (< 400), 'error' (≥ 400) or one exact status. */
  status?: 'ok' | 'error' | number
  /** Inclusive lower and exclusive upper bound on the request time (ms). */
  from?: number
  to?: number
}

/** Position after which the next (older) page starts. */
export interface ActivityCursor {
  ts: number
  requestId: string
}

export interface ActivityRow extends RequestLogRow {
  keyName: string | null
  keyPrefix: string | null
}

export interface ActivityStore {
  /** Newest first. */
  list(
    filter: ActivityFilter,
    page?: { limit?: number; after?: ActivityCursor },
  ): Promise<{ rows: ActivityRow[]; next: ActivityCursor | null }>
  /** The row, only if it belongs to the account. */
  get(accountId: string, requestId: string): Promise<ActivityRow | null>
  /** Models seen in the account's log, for the filter menu. */
  models(accountId: string): Promise<string[]>
}

type Row = Parameters<typeof requestLogFromRow>[0] & { key_name: string | null; key_prefix: string | null }

const withKey = (row: Row): ActivityRow => ({ ...requestLogFromRow(row), keyName: row.key_name, keyPrefix: row.key_prefix })

export function sqliteActivityStore(db: Database): ActivityStore {
  const byId = db.query<Row, [string, string]>(`
    SELECT r.*, k.name AS key_name, k.prefix AS key_prefix
    FROM request_log r LEFT JOIN api_keys k ON k.id = r.key_id
    WHERE r.request_id = ? AND r.account_id = ?`)
  const models = db.query<{ model: string }, [string]>(
    'SELECT DISTINCT model FROM request_log WHERE account_id = ? AND model IS NOT NULL ORDER BY model LIMIT 200',
  )
  return {
    async list(filter, page = {}) {
      const limit = Math.min(Math.max(page.limit ?? 50, 1), 200)
      const where = ['r.account_id = $accountId']
      const params: Record<string, string | number> = { accountId: filter.accountId, limit: limit + 1 }
      if (filter.keyId) {
        where.push('r.key_id = $keyId')
        params.keyId = filter.keyId
      }
      if (filter.model) {
        where.push('r.model = $model')
        params.model = filter.model
      }
      if (filter.status === 'ok') where.push('r.status < 400')
      else if (filter.status === 'error') where.push('r.status >= 400')
      else if (typeof filter.status === 'number') {
        where.push('r.status = $status')
        params.status = filter.status
      }
      if (filter.from !== undefined) {
        where.push('r.ts >= $from')
        params.from = filter.from
      }
      if (filter.to !== undefined) {
        where.push('r.ts < $to')
        params.to = filter.to
      }
      if (page.after) {
        where.push('(r.ts < $afterTs OR (r.ts = $afterTs AND r.request_id < $afterId))')
        params.afterTs = page.after.ts
        params.afterId = page.after.requestId
      }
      // Built only from the fixed fragments above; every value is a bound parameter.
      const rows = db
        .query<Row, Record<string, string | number>>(`
          SELECT r.*, k.name AS key_name, k.prefix AS key_prefix
          FROM request_log r LEFT JOIN api_keys k ON k.id = r.key_id
          WHERE ${where.join(' AND ')}
          ORDER BY r.ts DESC, r.request_id DESC LIMIT $limit`)
        .all(params)
      const page1 = rows.slice(0, limit).map(withKey)
      const last = page1[page1.length - 1]
      return { rows: page1, next: rows.length > limit && last ? { ts: last.ts, requestId: last.requestId } : null }
    },
    async get(accountId, requestId) {
      const row = byId.get(requestId, accountId)
      return row ? withKey(row) : null
    },
    async models(accountId) {
      return models.all(accountId).map((r) => r.model)
    },
  }
}
