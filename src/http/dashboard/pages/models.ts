// Models: what this account may call, with context window, output ceiling and every price (USD per million tokens).
import type { CatalogModel } from '../../../catalog/catalog'
import { html, type Html } from '../html'

/**
 * A model's prices per token class. Cache reads and writes are billed at the input price unless
 * the catalog gives them their own (the contract's defaults: cache write 1 h falls back to cache write).
 */
export function pricesOf(model: CatalogModel) {
  const own = model as CatalogModel & Partial<Record<'cacheReadPrice' | 'cacheWritePrice' | 'cacheWrite1hPrice', number>>
  const cacheWrite = own.cacheWritePrice ?? model.inputPrice
  return {
    input: model.inputPrice,
    output: model.outputPrice,
    cacheRead: own.cacheReadPrice ?? model.inputPrice,
    cacheWrite,
    cacheWrite1h: own.cacheWrite1hPrice ?? cacheWrite,
  }
}

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
          return html`<tr data-model="${m.id}"><td class="mono">${m.id}${m.fallbacks.length ? html` <span class="small muted">falls back to ${m.fallbacks.join(', ')}</span>` : ''}</td>
<td>${m.kind}</td><td class="num">${tokens(m.contextWindow)}</td><td class="num">${m.kind === 'embedding' ? '—' : tokens(m.maxOutputTokens)}</td>
<td class="num">${price(p.input)}</td><td class="num">${m.kind === 'embedding' ? '—' : price(p.output)}</td><td class="num">${price(p.cacheRead)}</td><td class="num">${price(p.cacheWrite)}</td><td class="num">${price(p.cacheWrite1h)}</td></tr>`
        })
  }</tbody></table></div></div>`
}
