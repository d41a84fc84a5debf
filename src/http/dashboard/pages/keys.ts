// API keys: the list, the mint form, the one-time reveal of a new key, and the edit-limits form.
import { DAY_MS } from '../../../clock'
import type { KeyView } from '../../../accounts/views'
import type { ActiveSession } from '../../../accounts/sessions'
import { day, html, time, type Html } from '../html'
import { csrfField } from '../layout'

export type KeyRow = KeyView & { expired: boolean; window_spend_micros: number; last_used_at?: number | null }

const modelsText = (models: string[] | null) => (models === null || models.includes('*') ? 'all of the plan' : models.join(', '))

function budgetCell(k: KeyRow): Html {
  const spent = `$${(k.window_spend_micros / 1e6).toFixed(2)}`
  if (k.budget_usd === null) return html`${spent} <span class="muted small">no budget</span>`
  const budget = Number(k.budget_usd) * 1e6
  const percent = budget > 0 ? Math.floor((k.window_spend_micros / budget) * 100) : 0
  return html`<span data-testid="window-spend">${spent} / $${Number(k.budget_usd).toFixed(2)}</span> <span class="muted small">per ${k.budget_window_days} d · ${percent} %</span>
<meter min="0" max="${budget}" low="${budget * 0.8}" high="${budget * 0.95}" optimum="0" value="${Math.min(k.window_spend_micros, budget)}">${percent} %</meter>`
}

/** `base` is where the key forms post: /dashboard/keys, or an admin's /dashboard/admin/accounts/:id/keys. */
export function keysTable(keys: KeyRow[], session: ActiveSession, canManage: boolean, base: string): Html {
  if (keys.length === 0) return html`<p class="empty">No keys yet.</p>`
  return html`<div class="table-wrap"><table data-testid="keys-table">
<thead><tr><th>Name</th><th>Key</th><th>Models</th><th>IPs</th><th class="num">RPM</th><th>Window spend / budget</th><th>Last used</th><th>Expires</th><th>Created</th>${canManage ? html`<th></th>` : ''}</tr></thead>
<tbody>${keys.map(
    (k) => html`<tr data-key-id="${k.id}">
  <td>${k.name ?? html`<span class="muted">unnamed</span>`}</td>
  <td class="mono">${k.prefix}</td>
  <td class="small">${modelsText(k.models)}</td>
  <td class="small">${k.ip_allowlist?.length ? k.ip_allowlist.join(', ') : html`<span class="muted">any</span>`}</td>
  <td class="num">${k.rpm ?? html`<span class="muted">default</span>`}</td>
  <td>${budgetCell(k)}</td>
  <td class="small" data-testid="last-used">${k.last_used_at ? time(k.last_used_at) : html`<span class="muted">never</span>`}</td>
  <td>${k.expired ? html`<span class="badge err">expired</span>` : k.expires_at ? day(Date.parse(k.expires_at)) : html`<span class="muted">never</span>`}</td>
  <td class="small">${day(Date.parse(k.created_at!))}</td>
  ${
    canManage
      ? html`<td><div class="actions"><a class="button secondary small" href="${base}/${k.id}">Edit</a>
      <form method="post" action="${base}/${k.id}/revoke" data-confirm="Revoke ${k.name ?? k.prefix}? Calls with it fail from now on.">${csrfField(session)}<button class="danger small" type="submit">Revoke</button></form></div></td>`
      : ''
  }
</tr>`,
  )}</tbody></table></div>`
}

function limitFields(models: string[], current: Partial<KeyRow> | null): Html {
  const chosen = new Set(current?.models ?? [])
  const expiryDays = current?.expires_at ? Math.max(1, Math.round((Date.parse(current.expires_at) - Date.now()) / DAY_MS)) : ''
  return html`<label>Name <input name="name" maxlength="200" value="${current?.name ?? ''}" placeholder="e.g. backend-prod"></label>
<fieldset class="model-picker"><legend>Models <span class="hint">none ticked = every model of the plan</span></legend>
  <input type="search" data-model-filter placeholder="Filter ${models.length} models…" aria-label="Filter models" hidden>
  <div class="checks">${models.map((m) => html`<label data-model="${m}"><input type="checkbox" name="models" value="${m}" ${chosen.has(m) ? 'checked' : ''}> ${m}</label>`)}</div>
</fieldset>
<label>IP allowlist <span class="hint">addresses or CIDR blocks, comma or newline separated; empty = any</span>
  <textarea name="ip_allowlist" rows="2" placeholder="203.0.113.0/24, 2001:db8::/32">${(current?.ip_allowlist ?? []).join(', ')}</textarea></label>
<div class="row">
  <label>Requests / minute <span class="hint">empty = default</span><input name="rpm" inputmode="numeric" value="${current?.rpm ?? ''}"></label>
  <label>Budget (USD) <span class="hint">empty = none</span><input name="budget_usd" inputmode="decimal" value="${current?.budget_usd ? Number(current.budget_usd).toFixed(2) : ''}"></label>
  <label>Budget window (days)<input name="budget_window_days" inputmode="numeric" value="${current?.budget_window_days ?? 30}"></label>
  <label>Expires in (days) <span class="hint">empty = never</span><input name="expires_in_days" inputmode="numeric" value="${current ? expiryDays : '90'}"></label>
</div>${current ? html`<input type="hidden" name="expires_in_days_was" value="${expiryDays}">` : ''}`
}

export function mintForm(session: ActiveSession, models: string[], action: string): Html {
  return html`<div class="panel"><h2>Create a key</h2>
<form class="stack" method="post" action="${action}" data-testid="mint-form">${csrfField(session)}
${limitFields(models, null)}
<div><button type="submit">Create key</button></div></form></div>`
}

/** Ready-to-paste setups for a new key: each client's way of taking a base URL and a key. */
export function keySnippets(publicUrl: string, key: string, model: string): Array<{ id: string; title: string; text: string }> {
  const base = publicUrl.replace(/\/+$/, '')
  return [
    {
      id: 'curl',
      title: 'curl',
      text: `curl ${base}/v1/chat/completions \\\n  -H "Authorization: Bearer ${key}" \\\n  -H "Content-Type: application/json" \\\n  -d '{"model": "${model}", "messages": [{"role": "user", "content": "Hello!"}]}'`,
    },
    {
      id: 'openai',
      title: 'OpenAI SDK (Python; TypeScript: baseURL, apiKey)',
      text: `from openai import OpenAI\n\nclient = OpenAI(base_url="${base}/v1", api_key="${key}")\nreply = client.chat.completions.create(model="${model}", messages=[{"role": "user", "content": "Hello!"}])\nprint(reply.choices[0].message.content)`,
    },
    {
      id: 'anthropic',
      title: 'Anthropic SDK (Python; TypeScript: baseURL, apiKey)',
      text: `import anthropic\n\nclient = anthropic.Anthropic(base_url="${base}", api_key="${key}")\nmessage = client.messages.create(model="${model}", max_tokens=256, messages=[{"role": "user", "content": "Hello!"}])\nprint(message.content[0].text)`,
    },
    {
      id: 'claude-code',
      title: 'Claude Code',
      text: `export ANTHROPIC_BASE_URL=${base}\nexport ANTHROPIC_AUTH_TOKEN=${key}\nclaude`,
    },
    {
      id: 'codex',
      title: 'Codex (~/.codex/config.toml, then export TOKEN_HUB_API_KEY)',
      text: `model = "${model}"\nmodel_provider = "token-hub"\n\n[model_providers.token-hub]\nname = "token-hub"\nbase_url = "${base}/v1"\nenv_key = "TOKEN_HUB_API_KEY"\nwire_api = "responses"\n\n# in your shell:\n# export TOKEN_HUB_API_KEY=${key}`,
    },
  ]
}

export function revealPanel(key: { key: string; name: string | null; prefix: string }, publicUrl: string, model: string): Html {
  const base = publicUrl.replace(/\/+$/, '')
  return html`<div class="panel keyreveal" data-testid="new-key">
<h2>New key ${key.name ? html`“${key.name}”` : ''} — copy it now</h2>
<p>This is the only time the full key is shown. Store it somewhere safe; token-hub keeps only a hash.</p>
<div class="secret"><input id="new-key-value" readonly value="${key.key}" aria-label="New API key"><button type="button" class="secondary" data-copy="new-key-value">Copy</button></div>
<p class="small">Base URL: <code data-testid="base-url">${base}/v1</code> (OpenAI clients) · <code>${base}</code> (Anthropic clients). Send the key as <code>Authorization: Bearer …</code> or <code>x-api-key</code>.</p>
${keySnippets(base, key.key, model).map(
  (s) => html`<details class="snippet" ${s.id === 'curl' ? 'open' : ''} data-snippet="${s.id}"><summary>${s.title}</summary>
<pre id="snippet-${s.id}">${s.text}</pre><button type="button" class="secondary small" data-copy="snippet-${s.id}">Copy</button></details>`,
)}</div>`
}

export function keysBody(session: ActiveSession, keys: KeyRow[], models: string[], canManage: boolean, revealed: Html | null): Html {
  return html`<h1>API keys</h1>${revealed ?? ''}
<div class="panel"><h2>Active keys</h2>${keysTable(keys, session, canManage, '/dashboard/keys')}
${canManage ? '' : html`<p class="muted small">Members see the account's keys; the owner creates, edits and revokes them.</p>`}</div>
${canManage ? mintForm(session, models, '/dashboard/keys') : ''}`
}

export function editKeyBody(session: ActiveSession, key: KeyRow, models: string[], action: string, back: string): Html {
  return html`<h1>Edit key <span class="mono">${key.prefix}</span></h1>
<div class="panel"><form class="stack" method="post" action="${action}">${csrfField(session)}
${limitFields(models, key)}
<div class="actions"><button type="submit">Save limits</button><a class="button secondary" href="${back}">Cancel</a></div></form></div>`
}
