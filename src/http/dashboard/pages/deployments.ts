// Admin page: every deployment's live state — health, in flight, cooldown, last error, counters.
import type { DeploymentView } from '../../../routing/views'
import { html, type Html } from '../html'

const STATE_LABEL: Record<string, string> = { healthy: 'healthy', cooling: 'cooling down', recovering: 'recovering' }

export function deploymentsBody(rows: DeploymentView[]): Html {
  return html`<h1>Deployments <span class="muted small">${rows.length} total</span></h1>
<p class="muted small">Each model's providers, chosen by weight among the healthy ones; a deployment that answered 429, 5xx, timed out or refused connections cools down (Retry-After wins). Also at <span class="mono">GET /admin/deployments</span> and in <span class="mono">/metrics</span>.</p>
<div class="panel"><div class="table-wrap"><table data-testid="deployments-table"><thead><tr><th>Deployment</th><th>Upstream model</th><th class="num">Weight</th><th>State</th><th class="num">In flight</th><th>Cooldown until</th><th class="num">Requests</th><th class="num">Errors</th><th class="num">Cooldowns</th><th>Last error</th></tr></thead>
<tbody>${
    rows.length === 0
      ? html`<tr><td colspan="10" class="empty">No deployments.</td></tr>`
      : rows.map(
          (d) => html`<tr><td><span class="mono small">${d.model}</span> on <strong>${d.provider}</strong></td>
<td class="mono small">${d.upstream_model ?? '(the name sent)'}</td><td class="num">${d.weight}</td><td>${STATE_LABEL[d.state] ?? d.state}</td>
<td class="num">${d.in_flight}</td><td class="small">${d.cooldown_until ?? '—'}</td><td class="num">${d.requests}</td><td class="num">${d.errors}</td><td class="num">${d.cooldowns}</td>
<td class="small">${d.last_error ? html`${d.last_status ?? ''} ${d.last_error}` : '—'}</td></tr>`,
        )
  }</tbody></table></div></div>`
}
