// Team: the account's users, open invites, the invite form (owners), and changing one's password.
import type { ActiveSession } from '../../../accounts/sessions'
import type { Invite } from '../../../store/invites'
import type { User } from '../../../store/users'
import { day, html, type Html } from '../html'
import { csrfField } from '../layout'

export function inviteReveal(url: string, email: string): Html {
  return html`<div class="panel keyreveal" data-testid="invite-link"><h2>Invite link for ${email}</h2>
<p>No mail is sent: give this link to ${email}. It works once and expires; it is also in the server log.</p>
<div class="secret"><input id="invite-url" readonly value="${url}" aria-label="Invite link"><button type="button" class="secondary" data-copy="invite-url">Copy</button></div></div>`
}

export function usersTable(users: User[], session: ActiveSession, removeAction: ((u: User) => string) | null): Html {
  return html`<table><thead><tr><th>Email</th><th>Role</th><th>Joined</th>${removeAction ? html`<th></th>` : ''}</tr></thead><tbody>${users.map(
    (u) => html`<tr><td>${u.email}${u.id === session.user.id ? html` <span class="muted small">(you)</span>` : ''}</td>
<td><span class="badge">${u.role}</span>${u.isAdmin ? html` <span class="badge info">admin</span>` : ''}</td><td class="small">${day(u.createdAt)}</td>
${removeAction ? html`<td>${u.id === session.user.id ? '' : html`<form method="post" action="${removeAction(u)}" data-confirm="Remove ${u.email}? Their sessions end now.">${csrfField(session)}<button class="danger small">Remove</button></form>`}</td>` : ''}</tr>`,
  )}</tbody></table>`
}

export function invitesList(invites: Invite[]): Html {
  if (invites.length === 0) return html``
  return html`<h2 class="mt">Open invites</h2><table><thead><tr><th>Email</th><th>Role</th><th>Expires</th></tr></thead><tbody>${invites.map(
    (i) => html`<tr><td>${i.email}</td><td>${i.role}${i.isAdmin ? ' (admin)' : ''}</td><td class="small">${day(i.expiresAt)}</td></tr>`,
  )}</tbody></table>`
}

export function teamBody(
  session: ActiveSession,
  team: { users: User[]; invites: Invite[] },
  canInvite: boolean,
  revealed: Html | null,
  minLength: number,
): Html {
  const owner = session.user.role === 'owner' || session.user.isAdmin
  return html`<h1>Team</h1>${revealed ?? ''}
<div class="panel"><h2>People in this account</h2>${usersTable(team.users, session, owner ? (u) => `/dashboard/team/${u.id}/remove` : null)}${invitesList(team.invites)}
<p class="muted small mt">Owners manage keys, limits and top-ups; members see usage, keys and activity.</p></div>
${
  canInvite
    ? html`<div class="panel"><h2>Invite someone</h2><form class="inline" method="post" action="/dashboard/team/invite">${csrfField(session)}
  <label>Email <input type="email" name="email" required></label>
  <label>Role <select name="role"><option value="member">member</option><option value="owner">owner</option></select></label>
  <button type="submit">Create invite link</button></form></div>`
    : ''
}
<div class="panel"><h2>Change your password</h2><form class="stack" method="post" action="/dashboard/password">${csrfField(session)}
  <label>Current password <input type="password" name="current_password" autocomplete="current-password" required></label>
  <label>New password <span class="hint">at least ${minLength} characters; your other sessions end</span><input type="password" name="new_password" autocomplete="new-password" minlength="${minLength}" required></label>
  <div><button type="submit" class="secondary">Change password</button></div></form></div>`
}
