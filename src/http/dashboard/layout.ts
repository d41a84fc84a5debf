// The page shell: head, top bar with navigation and sign-out, flash messages; and the bare auth shell.
import type { ActiveSession } from '../../accounts/sessions'
import { CSRF_FIELD } from '../csrf'
import { html, type Html } from './html'

export type Flash = { kind: 'notice' | 'error' | 'info'; text: string } | null

export type NavItem = 'overview' | 'usage' | 'credits' | 'keys' | 'models' | 'topup' | 'activity' | 'lookup' | 'team' | 'admin'

/** Security headers for every page: no framing, no inline script, no sniffing, no caching of secrets. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
}

const head = (title: string, refreshSeconds = 0) => html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${refreshSeconds > 0 ? html`<meta http-equiv="refresh" content="${refreshSeconds}">` : ''}<title>${title} · token-hub</title><link rel="stylesheet" href="/dashboard/assets/style.css"></head>`

/** The hidden CSRF field every form that changes something carries. */
export const csrfField = (session: ActiveSession) => html`<input type="hidden" name="${CSRF_FIELD}" value="${session.csrfToken}">`

export function flashBox(flash: Flash): Html {
  return flash ? html`<div class="flash ${flash.kind}" role="status">${flash.text}</div>` : html``
}

export interface PageInput {
  title: string
  session: ActiveSession
  active: NavItem
  flash?: Flash
  body: Html
  /** Reload the page every N seconds (waiting for a payment confirmation, without script). */
  refreshSeconds?: number
  /** Budget alerts that are on for the account: one banner line each. */
  alerts?: string[]
}

export function page({ title, session, active, flash = null, body, refreshSeconds = 0, alerts = [] }: PageInput): Html {
  const link = (item: NavItem, href: string, label: string) =>
    html`<a href="${href}" class="${item === active ? 'active' : ''}">${label}</a>`
  const { user } = session
  return html`${head(title, refreshSeconds)}<body>
<header class="topbar"><div class="inner">
  <a class="brand" href="/dashboard">token<span>-hub</span></a>
  <nav class="nav">
    ${link('overview', '/dashboard', 'Overview')}${link('usage', '/dashboard/usage', 'Usage')}${link('credits', '/dashboard/credits', 'Credits')}
    ${link('keys', '/dashboard/keys', 'API keys')}${link('models', '/dashboard/models', 'Models')}${link('topup', '/dashboard/topup', 'Top up')}
    ${link('activity', '/dashboard/activity', 'Activity')}${link('lookup', '/dashboard/requests', 'Request lookup')}${link('team', '/dashboard/team', 'Team')}
    ${user.isAdmin ? html`<span class="sep"></span>${link('admin', '/dashboard/admin/accounts', 'Admin')}` : ''}
  </nav>
  <div class="who"><span title="${user.role}${user.isAdmin ? ', admin' : ''}">${user.email}</span>
    <form method="post" action="/logout">${csrfField(session)}<button type="submit" class="small">Sign out</button></form></div>
</div></header>
<main>${alerts.length ? html`<div class="flash alert" role="alert" data-testid="alert-banner">${alerts.map((a) => html`<p>${a} <a href="/dashboard/credits#alerts">Alerts</a></p>`)}</div>` : ''}${flashBox(flash)}${body}</main>
<script src="/dashboard/assets/app.js" defer></script>
</body></html>`
}

/** Sign-in, sign-up, invite and setup pages: no session, no navigation. */
export function authPage(title: string, flash: Flash, body: Html): Html {
  return html`${head(title)}<body><div class="auth">
<div class="brand-big">token<span>-hub</span></div>
${flashBox(flash)}<div class="panel">${body}</div></div>
<script src="/dashboard/assets/app.js" defer></script></body></html>`
}
