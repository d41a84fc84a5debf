// The request log's one cursor format, and parsing the operators' filter (GET /admin/requests, `token-hub admin requests`).
import { GatewayError } from '../errors'
import type { RequestLogFilter, RequestLogPosition } from '../store/request-log'
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

/**
 * The cursor names the last row of a page: `<ts>.<request id>`, base64url so it reads as opaque.
 * The admin list (`cursor`, `next_cursor`) and the account's activity (`after`, `next`) hand out
 * and take the same one; `param` is the query parameter a bad one is reported under.
 */
export const encodeCursor = (position: RequestLogPosition) => Buffer.from(`${position.ts}.${position.requestId}`).toString('base64url')

export function decodeCursor(value: string, param: string): RequestLogPosition {
  const text = Buffer.from(value, 'base64url').toString('utf8')
  const match = /^(\d{1,15})\.(req_[0-9A-Za-z_]{1,64})$/.exec(text)
  if (!match) throw invalid(param, `${param} is not a cursor this server handed out.`)
  return { ts: Number(match[1]), requestId: match[2]! }
}

/** Query strings → store filter. */
export function parseRequestListQuery(query: RequestListQuery): RequestLogFilter {
  let limit = DEFAULT_PAGE
  if (query.limit !== undefined) {
    limit = Number(query.limit)
    if (!/^\d+$/.test(query.limit) || limit < 1 || limit > MAX_PAGE)
      throw invalid('limit', `limit must be an integer from 1 to ${MAX_PAGE}.`)
  }
  const filter: RequestLogFilter = { limit }
  if (query.account) filter.accountId = query.account
  if (query.key) filter.keyId = query.key
  if (query.status) filter.status = parseStatus(query.status)
  if (query.since) filter.since = parseTime(query.since, 'since')
  if (query.until) filter.until = parseTime(query.until, 'until')
  if (query.cursor) filter.after = decodeCursor(query.cursor, 'cursor')
  return filter
}
