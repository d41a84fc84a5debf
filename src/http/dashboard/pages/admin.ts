// Admin pages: every account (search, create with an owner invite) and one account's money, keys and people.
import type { Account } from '../../../store/accounts'
import type { AccountSummary } from '../../../store/directory'
import type { Invite } from '../../../store/invites'
import type { TopupWithLot } from '../../../payments/topups'
import type { User } from '../../../store/users'
import type { ActiveSession } from '../../../accounts/sessions'
import { day, html, usd, type Html } from '../html'
import { csrfField } from '../layout'
import { keysTable, mintForm, type KeyRow } from './keys'
import { invitesList, usersTable } from './team'
import { topupTable } from './topup'

export function accountsBody(
  session: ActiveSession,
  page: { rows: AccountSummary[]; total: number },
  q: string,
  plans: string[],
  revealed: Html | null,
): Html {
  return html`<h1>Accounts <span class="muted small">${page.total} total · <a href="/dashboard/admin/usage?by=account">usage across accounts</a></span></h1>${revealed ?? ''}
<div class="panel"><form class="inline" method="get" action="/dashboard/admin/accounts">
  <label>Search <input name="q" value="${q}" placeholder="email, name or account id"></label><button class="secondary" type="submit">Search</button></form></div>
<div class="panel"><div class="table-wrap"><table data-testid="accounts-table"><thead><tr><th>Email</th><th>Account</th><th>Plan</th><th class="num">Balance</th><th class="num">Held</th><th class="num">Users</th><th>Created</th></tr></thead>
<tbody>${
    page.rows.length === 0
      ? html`<tr><td colspan="7" class="empty">No accounts.</td></tr>`
      : page.rows.map(
          (
            a,
          ) => html`<tr><td><a href="/dashboard/admin/accounts/${a.id}">${a.email}</a>${a.name ? html` <span class="muted small">${a.name}</span>` : ''}</td>
<td class="mono small">${a.id}</td><td>${a.plan}</td><td class="num">${usd(a.balanceMicros)}</td><td class="num">${usd(a.heldMicros)}</td><td class="num">${a.users}</td><td class="small">${day(a.createdAt)}</td></tr>`,
        )
  }</tbody></table></div></div>
<div class="panel"><h2>Create an account</h2><form class="inline" method="post" action="/dashboard/admin/accounts">${csrfField(session)}
  <label>Owner email <input type="email" name="email" required></label>
  <label>Name <input name="name" maxlength="200"></label>
  <label>Plan <select name="plan">${plans.map((p) => html`<option>${p}</option>`)}</select></label>
  <label class="checks"><span><input type="checkbox" name="is_admin" value="1"> owner is an admin</span></label>
  <button type="submit">Create and invite</button></form>
<p class="muted small">Creates the account and an invite link for its owner to choose a password.</p></div>`
}

export interface AccountDetail {
  account: Account
  keys: KeyRow[]
  topups: TopupWithLot[]
  users: User[]
  invites: Invite[]
  models: string[]
  now: number
}

export function accountBody(session: ActiveSession, d: AccountDetail, revealed: Html | null): Html {
  const a = d.account
  const base = `/dashboard/admin/accounts/${a.id}`
  return html`<h1>${a.email} <span class="muted small mono">${a.id}</span> <a class="small" href="/dashboard/admin/usage?account=${a.id}">usage</a></h1>${revealed ?? ''}
<div class="grid cols-4">
  <div class="stat"><div class="label">Balance</div><div class="value" data-testid="admin-balance">${usd(a.balanceMicros)}</div></div>
  <div class="stat"><div class="label">Held</div><div class="value">${usd(a.heldMicros)}</div></div>
  <div class="stat"><div class="label">Plan</div><div class="value">${a.plan}</div></div>
  <div class="stat"><div class="label">Users</div><div class="value">${d.users.length}</div></div>
</div>
<div class="panel mt"><h2>Add credits</h2><form class="inline" method="post" action="${base}/credits" data-testid="credit-form">${csrfField(session)}
  <label>Amount (USD) <span class="hint">negative = adjustment</span><input name="amount_usd" inputmode="decimal" required placeholder="25.00"></label>
  <label>Note <input name="note" maxlength="500" placeholder="invoice 2026-014"></label>
  <button type="submit">Add</button></form></div>
<div class="panel"><h2>Top-ups</h2>${topupTable(d.topups, d.now, session, '/dashboard/admin/topups')}</div>
<div class="panel"><h2>Keys</h2>${keysTable(d.keys, session, true, `${base}/keys`)}</div>
${mintForm(session, d.models, `${base}/keys`)}
<div class="panel"><h2>People</h2>${usersTable(d.users, session, (u) => `/dashboard/admin/users/${u.id}/remove?account=${a.id}`)}${invitesList(d.invites)}
<h2 class="mt">Invite into this account</h2><form class="inline" method="post" action="${base}/invite">${csrfField(session)}
  <label>Email <input type="email" name="email" required></label>
  <label>Role <select name="role"><option value="member">member</option><option value="owner">owner</option></select></label>
  <button type="submit">Create invite link</button></form></div>`
}
