// Parsing the operators' request-log filter (GET /admin/requests, `token-hub admin requests`) and its cursor.
import { GatewayError } from '../errors'
import type { RequestLogFilter, RequestLogRow } from '../store/request-log'
import type { RequestListQuery } from '../accounts/model'

export const DEFAULT_PAGE = 100
export const MAX_PAGE = 1000

const invalid = (param: string, message: string) => new GatewayError('invalid_body', message, { param })

function parseTime(value: string, param: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  if (!Number.isFinite(ms)) throw invalid(param, `${param} must be an ISO 8601 time or epoch milliseconds (got '${value}').`)
  return ms
}

function parseStatus(value: string): { min: number; max: number } {
  if (/^[1-5]\d\d$/.test(value)) return { min: Number(value), max: Number(value) }
  const klass = /^([1-5])xx$/i.exec(value)
  if (klass) return { min: Number(klass[1]) * 100, max: Number(klass[1]) * 100 + 99 }
  throw invalid('status', `status must be an HTTP status such as 429 or a class such as 4xx (got '${value}').`)
}

/** The cursor names the last row of a page: `<ts>.<request id>`, base64url so it reads as opaque. */
export const encodeCursor = (row: RequestLogRow) => Buffer.from(`${row.ts}.${row.requestId}`).toString('base64url')

function decodeCursor(value: string): { ts: number; requestId: string } {
  const text = Buffer.from(value, 'base64url').toString('utf8')
  const match = /^(\d+)\.(req_[0-9A-Za-z_]+)$/.exec(text)
  if (!match) throw invalid('cursor', 'cursor is not one this server handed out.')
  return { ts: Number(match[1]), requestId: match[2]! }
}

/** Query strings → store filter; fetches one row more than the page to know whether another follows. */
export function parseRequestListQuery(query: RequestListQuery): RequestLogFilter {
  let limit = DEFAULT_PAGE
  if (query.limit !== undefined) {
    limit = Number(query.limit)
    if (!/^\d+$/.test(query.limit) || limit < 1 || limit > MAX_PAGE)
      throw invalid('limit', `limit must be an integer from 1 to ${MAX_PAGE}.`)
  }
  const filter: RequestLogFilter = { limit: limit + 1 }
  if (query.account) filter.accountId = query.account
  if (query.key) filter.keyId = query.key
  if (query.status) filter.status = parseStatus(query.status)
  if (query.since) filter.since = parseTime(query.since, 'since')
  if (query.until) filter.until = parseTime(query.until, 'until')
  if (query.cursor) filter.after = decodeCursor(query.cursor)
  return filter
}
