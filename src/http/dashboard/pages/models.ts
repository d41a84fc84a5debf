// Models: what this account may call, with context window, output ceiling and every price (USD per million tokens).
import type { CatalogModel } from '../../../catalog/catalog'
import type { ClassPrices } from '../../../money/pricing'
import { html, type Html } from '../html'

/** Class prices in USD per million tokens (the catalog keeps pico-USD per token: the same number × 10⁶). */
const usdPerMtok = (p: ClassPrices) => ({
  input: p.input / 1e6,
  output: p.output / 1e6,
  cacheRead: p.cacheRead / 1e6,
  cacheWrite: p.cacheWrite / 1e6,
  cacheWrite1h: p.cacheWrite1h / 1e6,
})

/** A model's base prices per token class (cache prices already defaulted as billing does). */
export const pricesOf = (model: CatalogModel) => usdPerMtok(model.prices.base)

/** Its long-context tiers: above N prompt tokens, these prices apply to the whole request. */
export const tiersOf = (model: CatalogModel) =>
  model.prices.tiers.map((t) => ({ abovePromptTokens: t.abovePromptTokens, ...usdPerMtok(t.prices) }))

const price = (usdPerMtok: number) => `$${usdPerMtok.toFixed(usdPerMtok < 0.1 ? 4 : 2).replace(/(\.\d\d\d*?)0+$/, '$1')}`
const tokens = (n: number) => n.toLocaleString('en-US')

export function modelsBody(models: CatalogModel[], plan: string, publicUrl: string): Html {
  return html`<h1>Models <span class="muted small">${models.length} on the ${plan} plan</span></h1>
<div class="panel"><p class="small muted">Prices are USD per million tokens. A key may be limited to fewer of these; <code>GET ${publicUrl}/v1/models</code> with a key lists exactly what that key may call.</p>
<div class="table-wrap"><table data-testid="models-table"><thead><tr><th>Model</th><th>Kind</th><th class="num">Context window</th><th class="num">Max output</th>
<th class="num">Input</th><th class="num">Output</th><th class="num">Cache read</th><th class="num">Cache write 5 m</th><th class="num">Cache write 1 h</th></tr></thead>
<tbody>${
    models.length === 0
      ? html`<tr><td colspan="9" class="empty">This account's plan allows no models.</td></tr>`
      : models.map((m) => {
          const p = pricesOf(m)
          const prices = (q: ReturnType<typeof pricesOf>) =>
            html`<td class="num">${price(q.input)}</td><td class="num">${m.kind === 'embedding' ? '—' : price(q.output)}</td><td class="num">${price(q.cacheRead)}</td><td class="num">${price(q.cacheWrite)}</td><td class="num">${price(q.cacheWrite1h)}</td>`
          return html`<tr data-model="${m.id}"><td class="mono">${m.id}${m.fallbacks.length ? html` <span class="small muted">falls back to ${m.fallbacks.join(', ')}</span>` : ''}</td>
<td>${m.kind}</td><td class="num">${tokens(m.contextWindow)}</td><td class="num">${m.kind === 'embedding' ? '—' : tokens(m.maxOutputTokens)}</td>${prices(p)}</tr>
${tiersOf(m).map(
  (t) =>
    html`<tr data-model="${m.id}" data-tier="${t.abovePromptTokens}"><td class="small muted" colspan="4">${m.id} above ${tokens(t.abovePromptTokens)} prompt tokens (whole request)</td>${prices(t)}</tr>`,
)}`
        })
  }</tbody></table></div></div>`
}
