// Credits: the statement (every entry kind, charges summed per day) with running balance, the credit lots, and alert thresholds.
import type { CreditsView } from '../../../accounts/insights'
import type { ActiveSession } from '../../../accounts/sessions'
import { formatUsd } from '../../../money/usd'
import type { AlertRules } from '../../../store/alerts'
import type { LedgerEntry } from '../../../store/ledger'
import type { StatementLine } from '../../../store/ledger-statement'
import { day, html, time, usd, usdExact, type Html } from '../html'
import { csrfField } from '../layout'
import type { KeyRow } from './keys'

/** What an entry is, as people say it: a Stripe top-up and an operator's credit are both `topup` entries. */
export function entryKind(entry: LedgerEntry): string {
  switch (entry.type) {
    case 'topup':
      return entry.topupId?.startsWith('manual_') ? 'Manual credit' : 'Top-up'
    case 'refund':
      return 'Refund'
    case 'expiry':
      return 'Expiry'
    case 'adjustment':
      return 'Adjustment'
    default:
      return 'Charge'
  }
}

const signed = (micros: number) => (micros < 0 ? `−$${formatUsd(-micros)}` : `+$${formatUsd(micros)}`)

function line(l: StatementLine): Html {
  if (l.kind === 'charges')
    return html`<tr data-kind="charges"><td class="small">${day(l.day)}</td><td><span class="badge">Charges</span></td>
<td class="small">model calls of the day · <a href="/dashboard/usage?from=${day(l.day)}&amp;to=${day(l.day)}">usage</a> · <a href="/dashboard/activity?from=${day(l.day)}&amp;to=${day(l.day)}">activity</a></td>
<td class="num">${l.amountMicros < 0 ? `−${usdExact(-l.amountMicros)}` : usdExact(l.amountMicros)}</td><td class="num">${usd(l.balanceAfterMicros)}</td></tr>`
  const e = l.entry
  const kind = entryKind(e)
  const ref = e.topupId && !e.topupId.startsWith('manual_') ? html` <span class="mono small muted">${e.topupId}</span>` : ''
  return html`<tr data-kind="${e.type}" data-entry-id="${e.id}"><td class="small">${time(e.createdAt)}</td>
<td><span class="badge ${e.amountMicros >= 0 ? 'ok' : 'warn'}">${kind}</span></td>
<td class="small">${e.note ?? ''}${ref}</td><td class="num">${signed(e.amountMicros)}</td><td class="num">${usd(e.balanceAfterMicros)}</td></tr>`
}

function lotsTable(c: CreditsView): Html {
  if (c.lots.length === 0) return html`<p class="empty">No credit yet.</p>`
  const badge = { active: 'ok', used: '', expired: 'err', refunded: 'warn' } as const
  return html`<div class="table-wrap"><table data-testid="lots-table"><thead><tr><th>Credited</th><th>Source</th><th class="num">Amount</th><th class="num">Left</th><th>Expires</th><th>Status</th></tr></thead>
<tbody>${c.lots.map(
    (lot) => html`<tr data-topup-id="${lot.topupId ?? ''}"><td class="small">${time(lot.at || null)}</td>
<td>${lot.source === 'stripe' ? 'Top-up' : lot.source === 'manual' ? 'Manual credit' : 'Credit'}</td>
<td class="num">${usd(lot.amountMicros)}</td><td class="num" data-testid="lot-left">${usd(lot.remainingMicros)}</td>
<td>${lot.expiresAt === null ? html`<span class="muted">never</span>` : day(lot.expiresAt)}</td>
<td><span class="badge ${badge[lot.status]}">${lot.status}</span></td></tr>`,
  )}</tbody></table></div>
${c.debtMicros > 0 ? html`<p class="small">Spent beyond every lot: ${usd(c.debtMicros)} (the next credit pays it first).</p>` : ''}
<p class="small muted">Top-up credit expires 12 months after payment and is spent soonest-expiring first; manual credit never expires.</p>`
}

function alertsForm(
  session: ActiveSession,
  rules: AlertRules,
  keys: KeyRow[],
  defaults: { balanceUsd: number; keyPercent: number },
  canManage: boolean,
): Html {
  const budgeted = keys.filter((k) => k.budget_usd !== null)
  const balance = rules.balanceBelowMicros === null ? '' : formatUsd(rules.balanceBelowMicros)
  const disabled = canManage ? '' : 'disabled'
  return html`<div class="panel" id="alerts"><h2>Budget alerts</h2>
<form class="stack" method="post" action="/dashboard/alerts" data-testid="alerts-form">${csrfField(session)}
<label>Alert when the balance is below (USD) <span class="hint">empty = the default (${defaults.balanceUsd > 0 ? `$${defaults.balanceUsd}` : 'none'}); 0 = never</span>
  <input name="balance_below_usd" inputmode="decimal" value="${balance}" ${disabled}></label>
${budgeted.map(
  (
    k,
  ) => html`<label>Key ${k.name ?? k.prefix}: alert at % of its $${Number(k.budget_usd).toFixed(2)} window budget <span class="hint">empty = the default (${defaults.keyPercent > 0 ? `${defaults.keyPercent} %` : 'none'}); 0 = never</span>
  <input name="key_percent_${k.id}" inputmode="numeric" value="${rules.keyPercents.get(k.id) ?? ''}" ${disabled}></label>`,
)}
${canManage ? html`<div><button type="submit">Save alerts</button></div>` : html`<p class="muted small">The account owner sets the alerts.</p>`}
</form><p class="small muted">An alert shows as a banner on every page while it holds, and is sent once per crossing to the operator's webhook when one is configured.</p></div>`
}

export function creditsBody(
  session: ActiveSession,
  c: CreditsView,
  rules: AlertRules,
  keys: KeyRow[],
  defaults: { balanceUsd: number; keyPercent: number },
  canManage: boolean,
  query: { from: string; to: string },
): Html {
  return html`<h1>Credits</h1>
<div class="grid cols-4">
  <div class="stat"><div class="label">Balance</div><div class="value" data-testid="credits-balance">${usd(c.balanceMicros)}</div></div>
  <div class="stat"><div class="label">Credit lots with money left</div><div class="value">${c.lots.filter((l) => l.remainingMicros > 0).length}</div></div>
</div>
<div class="panel mt"><h2>Credit lots</h2>${lotsTable(c)}</div>
<div class="panel"><h2>Statement <span class="muted small">newest first; charges summed per day</span></h2>
<form class="inline" method="get" action="/dashboard/credits">
  <label>From <input type="date" name="from" value="${query.from}"></label><label>To <input type="date" name="to" value="${query.to}"></label>
  <button type="submit" class="secondary">Show</button></form>
<div class="table-wrap mt"><table data-testid="statement-table"><thead><tr><th>When</th><th>Kind</th><th>Details</th><th class="num">Amount</th><th class="num">Balance after</th></tr></thead>
<tbody>${c.lines.length === 0 ? html`<tr><td colspan="5" class="empty">No entries in this range.</td></tr>` : c.lines.map(line)}</tbody></table></div></div>
${alertsForm(session, rules, keys, defaults, canManage)}`
}
