// Overview: balance, held, available, spend this month, the 30-day spend chart, recent calls.
import type { PortalService } from '../../../accounts/self-service'
import type { RequestLogRowWithKey } from '../../../store/request-log'
import { spendChart } from '../chart'
import { html, time, usd, usdExact } from '../html'
import { statusBadge } from './activity'

type Overview = Awaited<ReturnType<PortalService['overview']>>

export function overviewBody(o: Overview, recent: RequestLogRowWithKey[], canManage: boolean) {
  const a = o.account
  const total30 = o.spendByDay.reduce((sum, d) => sum + d.micros, 0)
  return html`<h1>Overview</h1>
<div class="grid cols-4">
  <div class="stat"><div class="label">Balance</div><div class="value" data-testid="balance">${usd(a.balanceMicros)}</div></div>
  <div class="stat"><div class="label">Held for calls in flight</div><div class="value">${usd(a.heldMicros)}</div></div>
  <div class="stat"><div class="label">Available</div><div class="value">${usd(a.availableMicros)}</div></div>
  <div class="stat"><div class="label">Spent this month</div><div class="value" data-testid="spend-month">${usd(o.spendMonthMicros)}</div></div>
</div>
<div class="panel mt">
  <h2>Spend per day <span class="muted small">last 30 days · ${usd(total30)} total</span></h2>
  ${spendChart(o.spendByDay)}
</div>
<div class="grid cols-2">
  <div class="panel">
    <h2>Account</h2>
    <dl class="details">
      <dt>Account</dt><dd class="mono">${a.id}</dd>
      <dt>Email</dt><dd>${a.email}</dd>
      <dt>Plan</dt><dd>${a.plan}</dd>
      <dt>Active keys</dt><dd>${o.liveKeys} · <a href="/dashboard/keys">manage</a></dd>
    </dl>
    ${canManage ? html`<p class="small mt"><a class="button small" href="/dashboard/topup">Top up</a></p>` : ''}
  </div>
  <div class="panel">
    <h2>Recent calls</h2>
    ${
      recent.length === 0
        ? html`<p class="muted">No calls yet. Mint a key and point an OpenAI or Anthropic SDK at this server.</p>`
        : html`<table><tbody>${recent.map(
            (r) =>
              html`<tr><td class="small muted">${time(r.ts)}</td><td>${r.model ?? '—'}</td><td>${statusBadge(r.status)}</td><td class="num">${usdExact(r.costMicros)}</td></tr>`,
          )}</tbody></table><p class="small"><a href="/dashboard/activity">All activity →</a></p>`
    }
  </div>
</div>`
}
