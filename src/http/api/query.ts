// Query-string parsing for the session API's lists: pages, activity filters and cursors.
import { DAY_MS } from '../../clock'
import { GatewayError } from '../../errors'
import type { ActivityCursor, ActivityFilter } from '../../store/activity'

type Query = Record<string, string | undefined>

export const integer = (query: Query, name: string): number | undefined => {
  const value = query[name]
  if (value === undefined || value === '') return undefined
  if (!/^\d{1,15}$/.test(value)) throw new GatewayError('invalid_body', `${name} must be a non-negative integer.`, { param: name })
  return Number(value)
}

/** `limit` and `before` (a ledger entry id) for the ledger. */
export const pageQuery = (query: Query) => ({ limit: integer(query, 'limit'), before: integer(query, 'before') })

/** A date (`2026-01-31`, UTC midnight) or a full ISO time, as ms. */
function time(query: Query, name: string, endOfDay = false): number | undefined {
  const value = query[name]
  if (!value) return undefined
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value)
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value)
  if (Number.isNaN(ms)) throw new GatewayError('invalid_body', `${name} must be a date (YYYY-MM-DD) or an ISO time.`, { param: name })
  // `to=2026-01-31` means through the end of that day.
  return dateOnly && endOfDay ? ms + DAY_MS : ms
}

/** `after` cursors are `<ts>.<request id>`, as the previous page's `next` gave them. */
export function parseCursor(value: string | undefined): ActivityCursor | undefined {
  if (!value) return undefined
  const match = /^(\d{1,15})\.(req_[0-9A-Za-z]{1,64})$/.exec(value)
  if (!match) throw new GatewayError('invalid_body', 'after must be the `next` value of a previous page.', { param: 'after' })
  return { ts: Number(match[1]), requestId: match[2]! }
}

export const formatCursor = (cursor: ActivityCursor) => `${cursor.ts}.${cursor.requestId}`

/** key, model, status (ok | error | a number), from, to, limit, after. */
export function activityQuery(query: Query): {
  filter: Omit<ActivityFilter, 'accountId'>
  page: { limit?: number; after?: ActivityCursor }
} {
  const status = query.status
  let parsedStatus: ActivityFilter['status']
  if (status === 'ok' || status === 'error') parsedStatus = status
  else if (status) {
    if (!/^\d{3}$/.test(status)) throw new GatewayError('invalid_body', 'status must be ok, error or an HTTP status.', { param: 'status' })
    parsedStatus = Number(status)
  }
  return {
    filter: {
      keyId: query.key || undefined,
      model: query.model || undefined,
      status: parsedStatus,
      from: time(query, 'from'),
      to: time(query, 'to', true),
    },
    page: { limit: integer(query, 'limit'), after: parseCursor(query.after) },
  }
}
