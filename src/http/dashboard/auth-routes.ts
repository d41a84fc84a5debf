// Sign-in, sign-out, sign-up, invites, first-admin setup, and the embedded assets.
import { Elysia } from 'elysia'
import { GatewayError } from '../../errors'
import type { User } from '../../store/users'
import { requireCsrf, requireSameOrigin } from '../session-guard'
import { APP_JS } from './assets/script'
import { STYLE_CSS } from './assets/style'
import type { DashboardDeps } from './context'
import { flashCookie, htmlResponse, originOf, readForm, redirect, safeNext, takeFlash } from './forms'
import { html } from './html'
import { authPage } from './layout'
import { invitePage, setupPage, signInPage, signUpPage } from './pages/auth'

const asset = (body: string, type: string) => () =>
  new Response(body, { headers: { 'content-type': type, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' } })

export function authRoutes(deps: DashboardDeps) {
  const { sessions, users, config } = deps
  const minLength = config.auth.min_password_length
  /** A fresh session (the id is always new at sign-in) and a redirect into the dashboard. */
  const signedIn = async (request: Request, user: User, next = '/dashboard') => {
    const { setCookie } = await sessions.start(user, request)
    return redirect(safeNext(next, originOf(request)), [setCookie])
  }

  return new Elysia({ name: 'dashboard-auth' })
    .get('/dashboard/assets/style.css', asset(STYLE_CSS, 'text/css; charset=utf-8'))
    .get('/dashboard/assets/app.js', asset(APP_JS, 'text/javascript; charset=utf-8'))
    .get('/', () => redirect('/dashboard'))
    .get('/login', async ({ request, query }) => {
      if (await sessions.resolve(request)) return redirect(safeNext(query.next, originOf(request)))
      const { flash, clear } = takeFlash(request)
      return htmlResponse(signInPage(flash, safeNext(query.next, originOf(request)), config.auth.signup === 'open'), 200, [clear])
    })
    .post(
      '/login',
      async ({ request }) => {
        requireSameOrigin(sessions, request)
        const form = await readForm(request)
        const user = await users.signIn(form.get('email'), form.get('password'), deps.clientIp(request))
        return signedIn(request, user, form.get('next'))
      },
      { parse: 'none' },
    )
    .post(
      '/logout',
      async ({ request }) => {
        const session = await sessions.resolve(request)
        const form = await readForm(request)
        // Signing out of an already-ended session just lands on the sign-in page.
        if (session) {
          requireCsrf(sessions, request, session, form.csrf)
        }
        return redirect('/login', [await sessions.end(session), flashCookie({ kind: 'notice', text: 'Signed out.' }, sessions.secure)])
      },
      { parse: 'none' },
    )
    .get('/signup', ({ request }) => {
      const { flash, clear } = takeFlash(request)
      if (config.auth.signup !== 'open') {
        const why =
          config.auth.signup === 'invite'
            ? 'Accounts are created by invitation: ask an admin for an invite link.'
            : 'Sign-up is closed on this server; an admin creates accounts.'
        return htmlResponse(authPage('Sign up', flash, html`<h1>Sign up</h1><p>${why}</p><p><a href="/login">Sign in</a></p>`), 403, [
          clear,
        ])
      }
      return htmlResponse(signUpPage(flash, minLength), 200, [clear])
    })
    .post(
      '/signup',
      async ({ request }) => {
        requireSameOrigin(sessions, request)
        const form = await readForm(request)
        return signedIn(request, await users.signUp(form.get('email'), form.get('password')))
      },
      { parse: 'none' },
    )
    .get('/invite/:token', async ({ request, params }) => {
      const invite = await users.inviteFor(params.token)
      if (!invite) throw new GatewayError('not_found', 'This invite link is invalid, used or expired; ask for a new one.')
      const { flash, clear } = takeFlash(request)
      return htmlResponse(invitePage(flash, params.token, invite, minLength), 200, [clear])
    })
    .post(
      '/invite/:token',
      async ({ request, params }) => {
        requireSameOrigin(sessions, request)
        const form = await readForm(request)
        return signedIn(request, await users.acceptInvite(params.token, form.get('password')))
      },
      { parse: 'none' },
    )
    .get('/setup', async ({ request, query }) => {
      const token = query.token ?? ''
      if (!(await users.setupOpen(token)))
        throw new GatewayError('not_found', 'This setup link is invalid or has been used; sign in instead.')
      const { flash, clear } = takeFlash(request)
      return htmlResponse(setupPage(flash, token, minLength), 200, [clear])
    })
    .post(
      '/setup',
      async ({ request }) => {
        requireSameOrigin(sessions, request)
        const form = await readForm(request)
        return signedIn(request, await users.completeSetup(form.get('token'), form.get('email'), form.get('password')))
      },
      { parse: 'none' },
    )
}
