// The legacy OpenAI billing shapes chat front ends poll (NextChat, LobeChat…) to show a balance.
import { DAY_MS, utcDayStart } from '../clock'
import { GatewayError } from '../errors'
import { formatUsd } from '../money/usd'
import type { Store } from '../store'

const monthStart = (at: number) => {
  const d = new Date(at)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
}

/** YYYY-MM-DD (UTC) → ms, or 400 naming the parameter. */
function date(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN
  if (Number.isNaN(ms)) throw new GatewayError('invalid_body', `${name} must be a date like 2026-01-31.`, { param: name })
  return ms
}

const usd = (micros: number) => micros / 1e6

/** `GET /v1/account/balance`: the key's account balance; a deleted account's keys are expired. */
export async function legacyBalance(store: Store, accountId: string) {
  const account = await store.accounts.get(accountId)
  if (!account) throw new GatewayError('key_expired', "This API key's account has been deleted.")
  return {
    balance_usd: formatUsd(account.balanceMicros),
    currency: 'USD',
    held_usd: formatUsd(account.heldMicros),
    available_usd: formatUsd(account.availableMicros),
  }
}

/**
 * `GET /v1/dashboard/billing/subscription`. `hard_limit_usd` is the balance plus this calendar
 * month's (UTC) spend, so that a front end showing "used this month / limit" — NextChat asks for usage
 * from the 1st of the month — shows exactly the balance as what is left.
 */
export async function legacySubscription(store: Store, accountId: string, keyExpiresAt: number | null, now: number) {
  const account = await store.accounts.get(accountId)
  if (!account || account.deletedAt !== null) throw new GatewayError('key_expired', "This API key's account has been deleted.")
  const spent = await store.spend.between(accountId, monthStart(now), now + 1)
  const limit = usd(account.balanceMicros + spent)
  return {
    object: 'billing_subscription',
    has_payment_method: true,
    canceled: false,
    canceled_at: null,
    delinquent: null,
    access_until: keyExpiresAt === null ? 0 : Math.floor(keyExpiresAt / 1000),
    soft_limit: Math.round(limit * 100),
    hard_limit: Math.round(limit * 100),
    system_hard_limit: Math.round(limit * 100),
    soft_limit_usd: limit,
    hard_limit_usd: limit,
    system_hard_limit_usd: limit,
    plan: { title: account.plan, id: account.plan },
    account_name: account.name ?? account.email,
    po_number: null,
    billing_email: null,
    tax_ids: null,
    billing_address: null,
    business_address: null,
  }
}

/**
 * `GET /v1/dashboard/billing/usage?start_date=&end_date=`: the account's spend in cents over
 * [start, end) (dates in UTC; default: this month so far), with one line per day.
 */
export async function legacyUsage(store: Store, accountId: string, query: { start_date?: string; end_date?: string }, now: number) {
  const from = date(query.start_date, 'start_date') ?? monthStart(now)
  const to = date(query.end_date, 'end_date') ?? utcDayStart(now) + DAY_MS
  if (to <= from) throw new GatewayError('invalid_body', 'end_date must be after start_date.', { param: 'end_date' })
  const days = await store.spend.byDay(accountId, from, to)
  const total = days.reduce((sum, d) => sum + d.micros, 0)
  return {
    object: 'list',
    daily_costs: days.map((d) => ({ timestamp: d.day / 1000, line_items: [{ name: 'API usage', cost: d.micros / 1e4 }] })),
    total_usage: total / 1e4,
  }
}
