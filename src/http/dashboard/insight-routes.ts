// Usage, Credits (with alert thresholds), Models, CSV exports, and the admins' usage across accounts.
import { Elysia } from 'elysia'
import { formatUsdExact, parseUsd } from '../../money/usd'
import { GatewayError } from '../../errors'
import type { ActiveSession } from '../../accounts/sessions'
import { isoDay } from '../../accounts/insights'
import { MODEL_CALL_ROUTES } from '../../usage/aggregate'
import { csvResponse, csvText } from '../../usage/csv'
import { usageCsv, type UsageCsvTable } from '../../usage/usage-csv'
import { activityQuery } from '../api/query'
import { ownScope } from '../session-guard'
import { post, requireAdminPage, view, type DashboardDeps } from './context'
import { flashCookie, redirect } from './forms'
import type { ActivityFilters } from './pages/activity'
import { creditsBody } from './pages/credits'
import { modelsBody } from './pages/models'
import { usageBody } from './pages/usage'

type Query = Record<string, string | undefined>

/** The Activity page's filters as its form shows them. */
export const activityFilters = (query: Query): ActivityFilters => ({
  key: query.key ?? '',
  model: query.model ?? '',
  status: query.status ?? '',
  from: query.from ?? '',
  to: query.to ?? '',
  route: (query.route ?? '').slice(0, 100),
  calls: query.calls === 'all' ? 'all' : '',
})

/** Model calls by default; one route when asked; everything with `calls=all`. */
export function activityRoutes(query: Query): readonly string[] | undefined {
  if (query.route) return [query.route.slice(0, 100)]
  return query.calls === 'all' ? undefined : MODEL_CALL_ROUTES
}

const CSV_TABLES = new Set(['model', 'key', 'account', 'daily'])
const csvTable = (query: Query): UsageCsvTable => (CSV_TABLES.has(query.table ?? '') ? (query.table as UsageCsvTable) : 'model')
/** At most this many rows in an Activity CSV (the newest that match). */
const ACTIVITY_CSV_ROWS = 10_000

export function insightRoutes(deps: DashboardDeps) {
  const { portal, insights, config, sessions } = deps
  const defaults = { balanceUsd: config.alerts.balance_below_usd, keyPercent: config.alerts.key_budget_percent }
  const adminOnly = (session: ActiveSession) => requireAdminPage(session)
  const usageRequest = (query: Query) => ({ from: query.from, to: query.to, by: query.by, metric: query.metric })
  /** An admin's usage: every account, or one (`account=`). */
  const adminScope = async (query: Query) => (query.account ? await deps.admin.scope(query.account) : null)

  return new Elysia({ name: 'dashboard-insights' })
    .get('/dashboard/usage', async ({ request, query }) => {
      const { session, render } = await view(deps, request)
      const usage = await insights.usage(ownScope(session), usageRequest(query))
      return render({ title: 'Usage', active: 'usage', body: usageBody(usage, '/dashboard/usage', false) })
    })
    .get('/dashboard/usage.csv', async ({ request, query }) => {
      const { session } = await view(deps, request)
      const usage = await insights.usage(ownScope(session), usageRequest(query))
      const table = csvTable(query)
      return csvResponse(usageCsv(usage, table), `usage-${table}-${usage.from}-${usage.to}.csv`)
    })
    .get('/dashboard/admin/usage', async ({ request, query }) => {
      const { session, render } = await view(deps, request)
      adminOnly(session)
      const scope = await adminScope(query)
      const usage = await insights.usage(scope, usageRequest(query))
      const extra: Record<string, string> = scope ? { account: scope.accountId } : {}
      return render({ title: 'Usage (admin)', active: 'admin', body: usageBody(usage, '/dashboard/admin/usage', true, extra) })
    })
    .get('/dashboard/admin/usage.csv', async ({ request, query }) => {
      const { session } = await view(deps, request)
      adminOnly(session)
      const usage = await insights.usage(await adminScope(query), usageRequest(query))
      const table = csvTable(query)
      return csvResponse(usageCsv(usage, table), `usage-all-${table}-${usage.from}-${usage.to}.csv`)
    })
    .get('/dashboard/credits', async ({ request, query }) => {
      const { session, render } = await view(deps, request)
      const scope = ownScope(session)
      const credits = await insights.credits(scope, { from: query.from, to: query.to })
      const keys = await portal.keys(scope)
      const rules = await insights.alertRules(scope)
      const range = { from: isoDay(credits.from), to: isoDay(credits.to) }
      return render({
        title: 'Credits',
        active: 'credits',
        body: creditsBody(session, credits, rules, keys, defaults, scope.canManage, range),
      })
    })
    .post(
      '/dashboard/alerts',
      async ({ request }) => {
        const { session, form } = await post(deps, request)
        const scope = ownScope(session)
        const balanceText = form.get('balance_below_usd')
        const balance = balanceText === '' ? null : parseUsd(balanceText)
        if (balanceText !== '' && (balance === null || balance < 0))
          throw new GatewayError('invalid_body', 'The balance threshold must be a USD amount like 5.00.', { param: 'balance_below_usd' })
        const keyPercents = new Map<string, number | null>()
        for (const key of await portal.keys(scope)) {
          if (key.budget_usd === null) continue
          const text = form.get(`key_percent_${key.id}`)
          if (text !== '' && !/^\d{1,3}$/.test(text))
            throw new GatewayError('invalid_body', 'A key alert is a whole percent from 0 to 100.', { param: `key_percent_${key.id}` })
          keyPercents.set(key.id, text === '' ? null : Number(text))
        }
        await insights.setAlertRules(scope, { balanceBelowMicros: balance, keyPercents })
        // The banner reflects the new thresholds at once; the webhook job sees them on its next check.
        return redirect('/dashboard/credits#alerts', [flashCookie({ kind: 'notice', text: 'Alerts saved.' }, sessions.secure)])
      },
      { parse: 'none' },
    )
    .get('/dashboard/models', async ({ request }) => {
      const { session, render } = await view(deps, request)
      const scope = ownScope(session)
      const plan = (await portal.account(scope)).plan
      return render({
        title: 'Models',
        active: 'models',
        body: modelsBody(await insights.models(scope), plan, config.server.public_url.replace(/\/+$/, '')),
      })
    })
    .get('/dashboard/activity.csv', async ({ request, query }) => {
      const { session } = await view(deps, request)
      const scope = ownScope(session)
      const { filter } = activityQuery(query)
      const rows: Array<Array<string | number | null>> = []
      let after: Parameters<typeof portal.activity>[2]['after']
      do {
        const page = await portal.activity(scope, { ...filter, routes: activityRoutes(query) }, { limit: 200, after })
        for (const r of page.rows)
          rows.push([
            new Date(r.ts).toISOString(),
            r.requestId,
            r.route,
            r.keyId,
            r.keyName ?? r.keyPrefix,
            r.model,
            r.provider,
            r.status,
            r.errorCode,
            r.errorMessage ?? null,
            r.promptTokens,
            r.completionTokens,
            formatUsdExact(r.costMicros),
            r.latencyMs,
            r.ttfbMs,
            r.stream ? 1 : 0,
          ])
        after = page.next ?? undefined
      } while (after && rows.length < ACTIVITY_CSV_ROWS)
      const header = [
        'time',
        'request_id',
        'route',
        'key_id',
        'key',
        'model',
        'provider',
        'status',
        'error_code',
        'error_message',
        'prompt_tokens',
        'completion_tokens',
        'cost_usd',
        'latency_ms',
        'ttfb_ms',
        'stream',
      ]
      return csvResponse(csvText(header, rows.slice(0, ACTIVITY_CSV_ROWS)), `activity-${isoDay(deps.clock.now())}.csv`)
    })
}
