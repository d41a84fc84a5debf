// Usage: spend, requests or tokens per day stacked by model, key or account, tables with totals, CSV links.
import type { UsageView } from '../../../accounts/insights'
import { formatUsdExact } from '../../../money/usd'
import type { UsageTotals } from '../../../usage/report'
import { stackClass, stackedChart } from '../chart'
import { html, usd, usdExact, type Html } from '../html'

const count = (n: number) => n.toLocaleString('en-US')

export const metricFormat = (metric: UsageView['metric']) =>
  metric === 'cost' ? (v: number) => `$${formatUsdExact(v)}` : (v: number) => count(v)

const METRIC_LABEL = { cost: 'Spend', requests: 'Requests', tokens: 'Tokens (prompt + completion)' } as const
const GROUP_LABEL = { model: 'model', key: 'key', account: 'account' } as const

function totalsTable(title: string, name: string, rows: UsageTotals[], total: UsageTotals, testid: string, csv: string): Html {
  const cells = (t: UsageTotals) =>
    html`<td class="num">${count(t.requests)}</td><td class="num">${usdExact(t.costMicros)}</td><td class="num">${count(t.promptTokens)}</td><td class="num">${count(t.completionTokens)}</td><td class="num">${count(t.cacheReadTokens)}</td><td class="num">${count(t.cacheWriteTokens)}</td><td class="num">${count(t.cacheWrite1hTokens)}</td><td class="num">${count(t.reasoningTokens)}</td>`
  return html`<div class="panel"><h2>${title} <a class="small" href="${csv}" data-testid="${testid}-csv">CSV</a></h2><div class="table-wrap"><table data-testid="${testid}">
<thead><tr><th>${name}</th><th class="num">Requests</th><th class="num">Cost</th><th class="num">Prompt</th><th class="num">Completion</th><th class="num">Cache read</th><th class="num">Cache write 5 m</th><th class="num">Cache write 1 h</th><th class="num">Reasoning</th></tr></thead>
<tbody>${
    rows.length === 0
      ? html`<tr><td colspan="9" class="empty">No model calls in this range.</td></tr>`
      : rows.map((r) => html`<tr data-group="${r.group}"><td>${r.label || html`<span class="muted">none</span>`}</td>${cells(r)}</tr>`)
  }</tbody>
<tfoot><tr class="total"><th>Total</th>${cells(total)}</tr></tfoot></table></div></div>`
}

/** `base` is /dashboard/usage or /dashboard/admin/usage; `extra` carries the admin's account filter. */
export function usageBody(u: UsageView, base: string, admin: boolean, extra: Record<string, string> = {}): Html {
  const query = new URLSearchParams({ ...extra, from: u.from, to: u.to, by: u.by, metric: u.metric })
  const csv = (table: string) => `${base}.csv?${new URLSearchParams([...query, ['table', table]])}`
  const option = (value: string, label: string, selected: string) =>
    html`<option value="${value}" ${value === selected ? 'selected' : ''}>${label}</option>`
  const format = metricFormat(u.metric)
  const rangeTotal =
    u.metric === 'cost'
      ? usd(u.total.costMicros)
      : count(u.metric === 'requests' ? u.total.requests : u.total.promptTokens + u.total.completionTokens)
  return html`<h1>Usage${admin ? html` <span class="muted small">${extra.account ? `account ${extra.account}` : 'all accounts'}</span>` : ''}</h1>
<div class="panel"><form class="inline" method="get" action="${base}" data-testid="usage-form">
  ${Object.entries(extra).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
  <label>From <input type="date" name="from" value="${u.from}"></label>
  <label>To <input type="date" name="to" value="${u.to}"></label>
  <label>Show <select name="metric">${option('cost', 'Spend', u.metric)}${option('requests', 'Requests', u.metric)}${option('tokens', 'Tokens', u.metric)}</select></label>
  <label>Stacked by <select name="by">${option('model', 'Model', u.by)}${option('key', 'Key', u.by)}${admin ? option('account', 'Account', u.by) : ''}</select></label>
  <button type="submit" class="secondary">Show</button>
</form></div>
<div class="grid cols-4">
  <div class="stat"><div class="label">Spend</div><div class="value" data-testid="usage-spend">${usd(u.total.costMicros)}</div></div>
  <div class="stat"><div class="label">Requests</div><div class="value" data-testid="usage-requests">${count(u.total.requests)}</div></div>
  <div class="stat"><div class="label">Prompt tokens</div><div class="value">${count(u.total.promptTokens)}</div></div>
  <div class="stat"><div class="label">Completion tokens</div><div class="value">${count(u.total.completionTokens)}</div></div>
</div>
<div class="panel mt" data-testid="usage-chart">
  <h2>${METRIC_LABEL[u.metric]} per day by ${GROUP_LABEL[u.by]} <span class="muted small">${u.from} – ${u.to} (UTC) · ${rangeTotal}</span></h2>
  ${stackedChart(u.days, u.series, format, `${METRIC_LABEL[u.metric]} per day by ${GROUP_LABEL[u.by]}, ${u.from} to ${u.to}`, u.metric === 'cost')}
  <ul class="legend">${u.series.map((s, i) => html`<li><span class="swatch ${stackClass(i)}"></span>${s.label || 'none'} <span class="muted">${format(s.values.reduce((a, b) => a + b, 0))}</span></li>`)}</ul>
  <p class="small muted">Per UTC day, from the usage kept with every model call (kept beyond the request log's retention). <a href="${csv('daily')}">Daily CSV</a></p>
</div>
${totalsTable('By model', 'Model', u.byModel, u.total, 'usage-by-model', csv('model'))}
${totalsTable('By key', 'Key', u.byKey, u.total, 'usage-by-key', csv('key'))}
${u.byAccount ? totalsTable('By account', 'Account', u.byAccount, u.total, 'usage-by-account', csv('account')) : ''}`
}
