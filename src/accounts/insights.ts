// What an account (or an admin across accounts) reads about its use: usage, credit statement and lots, callable models, key use.
import type { Catalog, CatalogModel } from '../catalog/catalog'
import { type Clock, DAY_MS, utcDayStart } from '../clock'
import { GatewayError } from '../errors'
import { allocateLots, type Lot } from '../money/credit-lots'
import type { Store } from '../store'
import type { StatementLine } from '../store/ledger-statement'
import { MAX_RANGE_DAYS, usageReport, type UsageMetric, type UsageReport } from '../usage/report'
import type { UsageGroupBy } from '../store/usage-daily'
import type { Scope } from './self-service'

export type InsightsService = ReturnType<typeof createInsightsService>

/** A usage request as the page's query string gives it: dates as YYYY-MM-DD (UTC), both included. */
export interface UsageRequest {
  from?: string
  to?: string
  by?: string
  metric?: string
}

export interface UsageView extends UsageReport {
  from: string
  to: string
}

export interface CreditsView {
  balanceMicros: number
  /** Newest first. */
  lines: StatementLine[]
  /** Every lot ever credited, newest first, with what is left of it. */
  lots: Array<Lot & { source: 'stripe' | 'manual' | 'other'; status: 'active' | 'used' | 'expired' | 'refunded' }>
  debtMicros: number
  from: number
  to: number
}

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

function parseDay(value: string | undefined, name: string): number | undefined {
  if (!value) return undefined
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new GatewayError('invalid_body', `${name} must be a date (YYYY-MM-DD).`, { param: name })
  return Date.parse(`${value}T00:00:00Z`)
}

/** The range a page asks for: `to` defaults to today, `from` to `defaultDays` − 1 days before it. */
export function dayRange(from: string | undefined, to: string | undefined, now: number, defaultDays: number) {
  const toDay = parseDay(to, 'to') ?? utcDayStart(now)
  const fromDay = parseDay(from, 'from') ?? toDay - (defaultDays - 1) * DAY_MS
  if (fromDay > toDay) throw new GatewayError('invalid_body', 'from must not be after to.', { param: 'from' })
  if ((toDay - fromDay) / DAY_MS + 1 > MAX_RANGE_DAYS)
    throw new GatewayError('invalid_body', `A range is at most ${MAX_RANGE_DAYS} days.`, { param: 'from' })
  return { fromDay, toDay }
}

export function createInsightsService({ store, catalog, clock }: { store: Store; catalog: Catalog; clock: Clock }) {
  const liveAccount = async (accountId: string) => {
    const account = await store.accounts.get(accountId)
    if (!account || account.deletedAt !== null) throw new GatewayError('not_found', `No account '${accountId}'.`)
    return account
  }

  return {
    /** `scope` null: every account (the caller checked the admin role). */
    async usage(scope: Scope | null, request: UsageRequest): Promise<UsageView> {
      const { fromDay, toDay } = dayRange(request.from, request.to, clock.now(), 30)
      const by: UsageGroupBy = request.by === 'key' ? 'key' : request.by === 'account' && scope === null ? 'account' : 'model'
      const metric: UsageMetric = request.metric === 'requests' ? 'requests' : request.metric === 'tokens' ? 'tokens' : 'cost'
      const report = await usageReport(store.usage, { accountId: scope?.accountId, fromDay, toDay, by, metric })
      return { ...report, from: isoDay(fromDay), to: isoDay(toDay) }
    },

    async credits(scope: Scope, request: { from?: string; to?: string }): Promise<CreditsView> {
      const account = await liveAccount(scope.accountId)
      const { fromDay, toDay } = dayRange(request.from, request.to, clock.now(), 90)
      const lines = (await store.statement.statement(scope.accountId, fromDay, toDay + DAY_MS)).reverse()
      const state = allocateLots(await store.topups.history(scope.accountId))
      const topups = new Map((await store.topups.listByAccount(scope.accountId, 500)).map((t) => [t.id, t]))
      const now = clock.now()
      const lots = state.lots
        .map((lot) => {
          const topup = lot.topupId ? topups.get(lot.topupId) : undefined
          const source = lot.topupId?.startsWith('manual_') ? ('manual' as const) : topup ? ('stripe' as const) : ('other' as const)
          const status =
            topup && (topup.status === 'refunded' || topup.status === 'refunding')
              ? ('refunded' as const)
              : topup?.lotExpiredAt != null || (lot.expiresAt !== null && lot.expiresAt <= now)
                ? ('expired' as const)
                : lot.remainingMicros === 0
                  ? ('used' as const)
                  : ('active' as const)
          return { ...lot, source, status }
        })
        .reverse()
      return { balanceMicros: account.balanceMicros, lines, lots, debtMicros: state.debtMicros, from: fromDay, to: toDay }
    },

    /** The models the account's keys may call at most (plan less disabled models), by id. */
    async models(scope: Scope): Promise<CatalogModel[]> {
      const account = await liveAccount(scope.accountId)
      const disabled = new Set(account.disabledModels)
      return [...catalog.allowedFor(account.plan, null)]
        .filter((id) => !disabled.has(id))
        .sort()
        .map((id) => catalog.get(id)!)
    },

    /** The account's own alert thresholds (null = the configured default), by key id for keys. */
    async alertRules(scope: Scope) {
      return store.alerts.rules(scope.accountId)
    },

    /**
     * Sets the account's balance threshold (micro-USD) and its keys' percents; null restores the
     * default, 0 turns an alert off. Keys must be the account's own.
     */
    async setAlertRules(scope: Scope, rules: { balanceBelowMicros: number | null; keyPercents: Map<string, number | null> }) {
      if (!scope.canManage) throw new GatewayError('forbidden', 'Only the account owner can change alerts.')
      await liveAccount(scope.accountId)
      for (const [keyId, percent] of rules.keyPercents) {
        const key = await store.keys.get(keyId)
        if (!key || key.accountId !== scope.accountId) throw new GatewayError('not_found', `No key '${keyId}'.`)
        if (percent !== null && (!Number.isInteger(percent) || percent < 0 || percent > 100))
          throw new GatewayError('invalid_body', 'A key alert is a whole percent from 0 to 100.', { param: `key_percent_${keyId}` })
      }
      if (rules.balanceBelowMicros !== null && (!Number.isSafeInteger(rules.balanceBelowMicros) || rules.balanceBelowMicros < 0))
        throw new GatewayError('invalid_body', 'The balance threshold is a non-negative USD amount.', { param: 'balance_below_usd' })
      await store.alerts.setBalanceRule(scope.accountId, rules.balanceBelowMicros)
      for (const [keyId, percent] of rules.keyPercents) await store.alerts.setKeyRule(scope.accountId, keyId, percent)
    },

    /** Each key's newest logged request (within log retention). */
    async lastUsed(keyIds: string[]): Promise<Map<string, number | null>> {
      return new Map(await Promise.all(keyIds.map(async (id) => [id, await store.requestLog.lastUsed(id)] as const)))
    },
  }
}
