// Query-string parsing for the session API's lists: pages, activity filters and cursors.
import { DAY_MS } from '../../clock'
import { GatewayError } from '../../errors'
import type { ActivityFilter, ActivityPage } from '../../accounts/self-service'
import { decodeCursor } from '../../observability/request-list'

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

/** key, model, status (ok | error | a number), from, to, limit, after. */
export function activityQuery(query: Query): { filter: ActivityFilter; page: ActivityPage } {
  const status = query.status
  let parsedStatus: ActivityFilter['status']
  // HTTP statuses are three digits, so 999 bounds every error.
  if (status === 'ok') parsedStatus = { min: 0, max: 399 }
  else if (status === 'error') parsedStatus = { min: 400, max: 999 }
  else if (status) {
    if (!/^\d{3}$/.test(status)) throw new GatewayError('invalid_body', 'status must be ok, error or an HTTP status.', { param: 'status' })
    parsedStatus = { min: Number(status), max: Number(status) }
  }
  return {
    filter: {
      keyId: query.key || undefined,
      model: query.model || undefined,
      status: parsedStatus,
      since: time(query, 'from'),
      until: time(query, 'to', true),
    },
    page: { limit: integer(query, 'limit'), after: query.after ? decodeCursor(query.after, 'after') : undefined },
  }
}
