// Session checks shared by /api and the dashboard: who is signed in, CSRF on writes, admin-only areas.
import { GatewayError } from '../errors'
import type { Scope } from '../accounts/self-service'
import { csrfProblem, CSRF_HEADER } from './csrf'
import type { ActiveSession, SessionService } from '../accounts/sessions'

/** The signed-in session, or 401. API keys are never looked at here: /api and the dashboard take cookies only. */
export async function requireSession(sessions: SessionService, request: Request): Promise<ActiveSession> {
  const session = await sessions.resolve(request)
  if (!session) throw new GatewayError('unauthorized', 'Sign in first: this route takes a dashboard session cookie, not an API key.')
  return session
}

/** 403 unless the write comes from this site with the session's CSRF token (header or form field). */
export function requireCsrf(sessions: SessionService, request: Request, session: ActiveSession, formToken: string | null = null): void {
  const problem = csrfProblem(request, session.csrfToken, formToken ?? request.headers.get(CSRF_HEADER), sessions.publicOrigin)
  if (problem) throw new GatewayError('csrf_failed', problem)
}

/** Sign-in and sign-up have no session yet: only the origin can be checked (against login CSRF). */
export function requireSameOrigin(sessions: SessionService, request: Request): void {
  const origin = request.headers.get('origin')
  if (origin === null) return
  if (origin !== sessions.publicOrigin && origin !== new URL(request.url).origin) {
    throw new GatewayError('csrf_failed', `Cross-origin request from ${origin} refused.`)
  }
}

export function requireAdminUser(session: ActiveSession): void {
  if (!session.user.isAdmin) throw new GatewayError('forbidden', 'This page is for instance admins.')
}

/** The user's own account; owners and admins manage it, members only look. */
export const ownScope = (session: ActiveSession): Scope => ({
  accountId: session.user.accountId,
  canManage: session.user.role === 'owner' || session.user.isAdmin,
})
