// Sign-in, sign-up, invite acceptance and first-admin setup forms (no session yet, so no CSRF field).
import type { Invite } from '../../../store/invites'
import { html } from '../html'
import { authPage, type Flash } from '../layout'

export function signInPage(flash: Flash, next: string, signupOpen: boolean) {
  return authPage(
    'Sign in',
    flash,
    html`<h1>Sign in</h1>
<form class="stack" method="post" action="/login">
  <input type="hidden" name="next" value="${next}">
  <label>Email <input type="email" name="email" autocomplete="username" required autofocus></label>
  <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>
${signupOpen ? html`<p class="muted small">No account yet? <a href="/signup">Sign up</a>.</p>` : html`<p class="muted small">Accounts are created by invitation.</p>`}`,
  )
}

export function signUpPage(flash: Flash, minLength: number) {
  return authPage(
    'Sign up',
    flash,
    html`<h1>Create your account</h1>
<form class="stack" method="post" action="/signup">
  <label>Email <input type="email" name="email" autocomplete="username" required autofocus></label>
  <label>Password <span class="hint">at least ${minLength} characters</span>
    <input type="password" name="password" autocomplete="new-password" minlength="${minLength}" required></label>
  <button type="submit">Create account</button>
</form>
<p class="muted small">Already have one? <a href="/login">Sign in</a>.</p>`,
  )
}

export function invitePage(flash: Flash, token: string, invite: Invite, minLength: number) {
  return authPage(
    'Accept invite',
    flash,
    html`<h1>Join token-hub</h1>
<p>You were invited as <strong>${invite.email}</strong>${invite.accountId ? html` (${invite.role} of an existing account)` : ' with an account of your own'}${invite.isAdmin ? ', as an instance admin' : ''}. Choose a password to finish.</p>
<form class="stack" method="post" action="/invite/${token}">
  <label>Password <span class="hint">at least ${minLength} characters</span>
    <input type="password" name="password" autocomplete="new-password" minlength="${minLength}" required autofocus></label>
  <button type="submit">Create my user</button>
</form>`,
  )
}

export function setupPage(flash: Flash, token: string, minLength: number) {
  return authPage(
    'First admin',
    flash,
    html`<h1>Set up token-hub</h1>
<p>Create the first instance admin. This link works once, until a user exists.</p>
<form class="stack" method="post" action="/setup">
  <input type="hidden" name="token" value="${token}">
  <label>Email <input type="email" name="email" autocomplete="username" required autofocus></label>
  <label>Password <span class="hint">at least ${minLength} characters</span>
    <input type="password" name="password" autocomplete="new-password" minlength="${minLength}" required></label>
  <button type="submit">Create admin</button>
</form>`,
  )
}
