// /api/usage, /api/credits, /api/models, /api/alerts: the Usage, Credits and Models pages as JSON (session cookie).
import { Elysia } from 'elysia'
import type { InsightsService } from '../../accounts/insights'
import type { SessionService } from '../../accounts/sessions'
import { alertText } from '../../alerts/evaluate'
import type { BudgetAlerts } from '../../jobs/budget-alerts'
import { formatUsd, formatUsdExact } from '../../money/usd'
import type { UsageTotals } from '../../usage/report'
import { pricesOf, tiersOf } from '../dashboard/pages/models'
import { json } from '../responses'
import { ownScope, requireSession } from '../session-guard'

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const totalsView = (t: UsageTotals) => ({
  id: t.group || null,
  label: t.label || null,
  requests: t.requests,
  cost_usd: formatUsdExact(t.costMicros),
  prompt_tokens: t.promptTokens,
  completion_tokens: t.completionTokens,
  cache_read_tokens: t.cacheReadTokens,
  cache_write_tokens: t.cacheWriteTokens,
  cache_write_1h_tokens: t.cacheWrite1hTokens,
  reasoning_tokens: t.reasoningTokens,
})

export function insightApiRoutes(deps: { sessions: SessionService; insights: InsightsService; alerts: BudgetAlerts }) {
  const { sessions, insights } = deps
  const scopeOf = async (request: Request) => ownScope(await requireSession(sessions, request))
  return new Elysia({ name: 'api-insights' })
    .get('/api/usage', async ({ request, query }) => {
      const u = await insights.usage(await scopeOf(request), { from: query.from, to: query.to, by: query.by, metric: query.metric })
      return json({
        from: u.from,
        to: u.to,
        by: u.by,
        metric: u.metric,
        days: u.days.map(isoDay),
        series: u.series.map((s) => ({ id: s.group.startsWith('\u0000') ? null : s.group, label: s.label, values: s.values })),
        by_model: u.byModel.map(totalsView),
        by_key: u.byKey.map(totalsView),
        total: totalsView(u.total),
      })
    })
    .get('/api/credits', async ({ request, query }) => {
      const c = await insights.credits(await scopeOf(request), { from: query.from, to: query.to })
      return json({
        balance_usd: formatUsd(c.balanceMicros),
        lines: c.lines.map((l) =>
          l.kind === 'charges'
            ? {
                kind: 'charges',
                date: isoDay(l.day),
                amount_usd: formatUsdExact(l.amountMicros),
                balance_after_usd: formatUsd(l.balanceAfterMicros),
              }
            : {
                kind: l.entry.type,
                id: l.entry.id,
                at: new Date(l.entry.createdAt).toISOString(),
                amount_usd: formatUsd(l.entry.amountMicros),
                balance_after_usd: formatUsd(l.entry.balanceAfterMicros),
                note: l.entry.note,
                topup_id: l.entry.topupId,
              },
        ),
        lots: c.lots.map((lot) => ({
          topup_id: lot.topupId,
          source: lot.source,
          status: lot.status,
          credited_at: lot.at ? new Date(lot.at).toISOString() : null,
          amount_usd: formatUsd(lot.amountMicros),
          remaining_usd: formatUsd(lot.remainingMicros),
          expires_at: lot.expiresAt === null ? null : new Date(lot.expiresAt).toISOString(),
        })),
      })
    })
    .get('/api/models', async ({ request }) => {
      const models = await insights.models(await scopeOf(request))
      return json({
        data: models.map((m) => {
          const p = pricesOf(m)
          return {
            id: m.id,
            kind: m.kind,
            context_window: m.contextWindow,
            max_output_tokens: m.maxOutputTokens,
            input_usd_per_mtok: p.input,
            output_usd_per_mtok: p.output,
            cache_read_usd_per_mtok: p.cacheRead,
            cache_write_usd_per_mtok: p.cacheWrite,
            cache_write_1h_usd_per_mtok: p.cacheWrite1h,
            tiers: tiersOf(m).map((t) => ({
              above_prompt_tokens: t.abovePromptTokens,
              input_usd_per_mtok: t.input,
              output_usd_per_mtok: t.output,
              cache_read_usd_per_mtok: t.cacheRead,
              cache_write_usd_per_mtok: t.cacheWrite,
              cache_write_1h_usd_per_mtok: t.cacheWrite1h,
            })),
          }
        }),
      })
    })
    .get('/api/alerts', async ({ request }) => {
      const scope = await scopeOf(request)
      const active = await deps.alerts.activeFor(scope.accountId)
      return json({ active: active.map((a) => ({ type: a.kind, subject: a.subject, message: alertText(a) })) })
    })
}
