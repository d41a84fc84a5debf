// Activity (the account's calls, filtered and paginated) and Request lookup (one call's details).
import { encodeCursor } from '../../../observability/request-list'
import type { RequestLogPosition, RequestLogRowWithKey } from '../../../store/request-log'
import { formatPicosUsd } from '../../../money/usd'
import { html, time, usdExact, type Html } from '../html'

export interface ActivityFilters {
  key: string
  model: string
  status: string
  from: string
  to: string
  /** One route, or '' for the default set. */
  route: string
  /** 'all': every route (balance, models, key lookups too); '' = model calls only. */
  calls: string
}

/** The routes the filter menu offers: the model calls, then the bookkeeping ones. */
export const ACTIVITY_ROUTES = [
  '/v1/chat/completions',
  '/v1/messages',
  '/v1/responses',
  '/v1/embeddings',
  '/v1/messages/count_tokens',
  '/v1/models',
  '/v1/account/balance',
  '/v1/key',
]

export const statusBadge = (status: number) => html`<span class="badge ${status < 400 ? 'ok' : 'err'}">${status}</span>`

const tokens = (r: RequestLogRowWithKey) =>
  r.promptTokens === null && r.completionTokens === null
    ? html`<span class="muted">—</span>`
    : html`${r.promptTokens ?? 0} / ${r.completionTokens ?? 0}${cacheNote(r)}`

/** The cache classes of a row's prompt, when it has any: "cache 9,000 read · 1,000 written". */
function cacheNote(r: RequestLogRowWithKey): Html | string {
  const read = r.cacheReadTokens ?? 0
  const written = (r.cacheWriteTokens ?? 0) + (r.cacheWrite1hTokens ?? 0)
  if (!read && !written) return ''
  return html`<br><span class="small muted" data-testid="cache-tokens">cache ${read} read · ${written} written</span>`
}

/** Tokens per class and the exact cost of each, for the request page. */
function classRows(row: RequestLogRowWithKey): Html {
  const b = row.costBreakdown
  const uncached = Math.max(
    0,
    (row.promptTokens ?? 0) - (row.cacheReadTokens ?? 0) - (row.cacheWriteTokens ?? 0) - (row.cacheWrite1hTokens ?? 0),
  )
  const line = (label: string, count: number, picos: number | undefined) =>
    html`<tr><td>${label}</td><td class="num">${count}</td><td class="num">${picos === undefined ? '—' : `$${formatPicosUsd(picos)}`}</td></tr>`
  return html`<table class="small" data-testid="token-classes"><thead><tr><th>Class</th><th class="num">Tokens</th><th class="num">Cost</th></tr></thead><tbody>
  ${line('Input (uncached)', uncached, b?.input)}
  ${line('Cache read', row.cacheReadTokens ?? 0, b?.cacheRead)}
  ${line('Cache write, 5 min', row.cacheWriteTokens ?? 0, b?.cacheWrite)}
  ${line('Cache write, 1 h', row.cacheWrite1hTokens ?? 0, b?.cacheWrite1h)}
  ${line('Output (reasoning included)', row.completionTokens ?? 0, b?.output)}
  ${row.reasoningTokens ? html`<tr><td class="muted">of which reasoning</td><td class="num">${row.reasoningTokens}</td><td></td></tr>` : ''}
  ${b ? html`<tr><td>Exact total${b.tierAbove !== null ? ` (long-context prices above ${b.tierAbove} prompt tokens)` : ''}</td><td></td><td class="num">$${formatPicosUsd(b.totalPicos)}</td></tr>` : ''}
</tbody></table>`
}

const latency = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`)

function filterForm(f: ActivityFilters, keys: Array<{ id: string; label: string }>, models: string[]): Html {
  const option = (value: string, label: string, selected: string) =>
    html`<option value="${value}" ${value === selected ? 'selected' : ''}>${label}</option>`
  return html`<form class="inline" method="get" action="/dashboard/activity">
  <label>Key <select name="key">${option('', 'All keys', f.key)}${keys.map((k) => option(k.id, k.label, f.key))}</select></label>
  <label>Model <select name="model">${option('', 'All models', f.model)}${models.map((m) => option(m, m, f.model))}</select></label>
  <label>Status <select name="status">${option('', 'Any', f.status)}${option('ok', 'Succeeded', f.status)}${option('error', 'Failed', f.status)}</select></label>
  <label>Route <select name="route">${option('', 'Any', f.route)}${ACTIVITY_ROUTES.map((r) => option(r, r, f.route))}</select></label>
  <label class="checks"><span><input type="checkbox" name="calls" value="all" ${f.calls === 'all' ? 'checked' : ''}> all routes, not only model calls</span></label>
  <label>From <input type="date" name="from" value="${f.from}"></label>
  <label>To <input type="date" name="to" value="${f.to}"></label>
  <button type="submit" class="secondary">Filter</button>
</form>`
}

export function activityBody(
  rows: RequestLogRowWithKey[],
  next: RequestLogPosition | null,
  f: ActivityFilters,
  keys: Array<{ id: string; label: string }>,
  models: string[],
  paged: boolean,
): Html {
  const query = new URLSearchParams(Object.entries(f).filter(([, v]) => v !== ''))
  const nextHref = next ? `/dashboard/activity?${new URLSearchParams([...query, ['after', encodeCursor(next)]])}` : null
  const csv = `/dashboard/activity.csv?${query}`
  return html`<h1>Activity</h1>
<div class="panel">${filterForm(f, keys, models)}
<p class="small muted mt">${f.calls === 'all' || f.route ? 'Every route the filter names.' : 'Model calls only; tick “all routes” for balance, model and key lookups too.'} <a href="${csv}" data-testid="activity-csv">CSV of these rows</a></p></div>
<div class="panel"><div class="table-wrap"><table data-testid="activity-table">
<thead><tr><th>Time</th><th>Route</th><th>Key</th><th>Model</th><th class="num">Tokens in / out</th><th class="num">Cost</th><th>Status</th><th class="num">Latency</th><th>Request id</th></tr></thead>
<tbody>${
    rows.length === 0
      ? html`<tr><td colspan="9" class="empty">No calls match. Rows are kept for the log retention period.</td></tr>`
      : rows.map(
          (r) => html`<tr data-request-id="${r.requestId}">
  <td class="small">${time(r.ts)}</td>
  <td class="mono small">${r.route}</td>
  <td>${r.keyName ?? r.keyPrefix ?? html`<span class="muted">—</span>`}</td>
  <td>${r.model ?? '—'}${r.stream ? html` <span class="badge info">stream</span>` : ''}</td>
  <td class="num">${tokens(r)}</td>
  <td class="num" data-testid="cost">${usdExact(r.costMicros)}</td>
  <td>${statusBadge(r.status)}${r.errorCode ? html` <span class="small muted">${r.errorCode}</span>` : ''}${r.errorMessage ? html`<div class="small errmsg" data-testid="error-message">${r.errorMessage}</div>` : ''}</td>
  <td class="num">${latency(r.latencyMs)}</td>
  <td class="mono small"><a href="/dashboard/requests?id=${r.requestId}">${r.requestId}</a></td>
</tr>`,
        )
  }</tbody></table></div>
<div class="pager"><span>${paged ? html`<a href="/dashboard/activity?${query}">← Newest</a>` : ''}</span><span>${nextHref ? html`<a href="${nextHref}">Older →</a>` : ''}</span></div></div>`
}

type Attempt = { model?: unknown; provider?: unknown; status?: unknown; error?: unknown }

/** Every upstream try of the request, in order (one row when no fallback was needed). */
function attemptsTable(row: RequestLogRowWithKey): Html {
  const attempts: Attempt[] =
    (row.attempts as Attempt[] | null) ??
    (row.provider
      ? [{ model: row.model, provider: row.provider, status: row.status, error: row.status >= 400 ? row.errorMessage : null }]
      : [])
  if (attempts.length === 0) return html``
  return html`<h2 class="mt">Upstream attempts</h2><div class="table-wrap"><table data-testid="attempts-table">
<thead><tr><th class="num">#</th><th>Model</th><th>Provider</th><th>Status</th><th>Error</th></tr></thead>
<tbody>${attempts.map(
    (a, i) =>
      html`<tr><td class="num">${i + 1}</td><td class="mono">${String(a.model ?? '—')}</td><td>${String(a.provider ?? '—')}</td><td>${typeof a.status === 'number' ? statusBadge(a.status) : '—'}</td><td class="small">${a.error ? String(a.error) : ''}</td></tr>`,
  )}</tbody></table></div>`
}

export function lookupBody(id: string, row: RequestLogRowWithKey | null, retentionDays: number): Html {
  const detail = row
    ? html`<div class="panel" data-testid="request-details"><h2 class="mono">${row.requestId}</h2><dl class="details">
  <dt>Time</dt><dd>${time(row.ts)}</dd>
  <dt>Route</dt><dd class="mono">${row.route}</dd>
  <dt>Key</dt><dd>${row.keyName ?? '—'} <span class="mono small">${row.keyPrefix ?? ''}</span></dd>
  <dt>Model</dt><dd>${row.model ?? '—'}${row.provider ? html` <span class="muted">via ${row.provider}</span>` : ''}</dd>
  <dt>Status</dt><dd>${statusBadge(row.status)} ${row.errorCode ?? ''}</dd>
  ${row.errorMessage ? html`<dt>Message</dt><dd data-testid="error-message">${row.errorMessage}</dd>` : ''}
  <dt>Tokens</dt><dd>${row.promptTokens ?? 0} prompt · ${row.completionTokens ?? 0} completion</dd>
  <dt>Tokens by class</dt><dd>${classRows(row)}</dd>
  <dt>Cost</dt><dd>${usdExact(row.costMicros)} <span class="small muted">charged (the part below $0.000001 is carried to the account's next charge)</span></dd>
  <dt>Latency</dt><dd>${latency(row.latencyMs)}${row.ttfbMs !== null ? html` · first byte ${latency(row.ttfbMs)}` : ''}</dd>
  <dt>Streamed</dt><dd>${row.stream ? 'yes' : 'no'}</dd>
  <dt>Client IP</dt><dd class="mono">${row.clientIp ?? '—'}</dd>
  ${row.notes?.length ? html`<dt>Notes</dt><dd class="small">${row.notes.join('; ')}</dd>` : ''}
</dl>${attemptsTable(row)}</div>`
    : ''
  return html`<h1>Request lookup</h1>
<div class="panel"><form class="inline" method="get" action="/dashboard/requests">
  <label>Request id <input name="id" value="${id}" placeholder="req_…" size="34" required></label><button type="submit">Look up</button></form>
<p class="muted small">Every answer carries its id in the <code>X-Request-Id</code> header. Calls are kept ${retentionDays} days; prompts and completions never are.</p></div>
${detail}`
}
