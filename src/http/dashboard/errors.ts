// Errors on dashboard pages render as pages (or redirects), not as the API's JSON.
import type { GatewayError } from '../../errors'
import { flashCookie, htmlResponse, redirect, safeNext } from './forms'
import { html } from './html'
import { authPage } from './layout'

// `/dashboard/billing/*` are the legacy billing API (JSON, key-authenticated), not pages.
const PAGE_PATH = /^\/(?:$|dashboard(?:\/(?!billing\/)|$)|login$|logout$|signup$|setup$|invite\/)/

/** Whether `path` is a dashboard page (HTML) rather than an API route (JSON). */
export const isPagePath = (path: string) => PAGE_PATH.test(path)

/** The path (with query) the browser came from, if it is on this site. */
function refererPath(request: Request): string | null {
  return safeNext(request.headers.get('referer'), new URL(request.url).origin, '') || null
}

/**
 * How a failed page request answers:
 * - not signed in: to the sign-in page (with `next` for a GET);
 * - a refused form post (bad input, not allowed, conflict…): back to the form with the reason shown;
 * - a CSRF failure, or anything else: an error page with the status.
 */
export function pageErrorResponse(request: Request, failure: GatewayError, secure: boolean): Response {
  const url = new URL(request.url)
  if (failure.status === 401 && url.pathname !== '/login') {
    if (request.method === 'GET') return redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`)
    return redirect('/login', [flashCookie({ kind: 'error', text: 'Your session has ended; sign in again.' }, secure)])
  }
  const back = request.method === 'POST' && failure.code !== 'csrf_failed' && failure.status < 500 ? refererPath(request) : null
  if (back || (request.method === 'POST' && url.pathname === '/login')) {
    return redirect(back ?? '/login', [flashCookie({ kind: 'error', text: failure.message }, secure)])
  }
  const title = failure.status === 404 ? 'Not found' : failure.status === 403 ? 'Not allowed' : 'Something went wrong'
  const body = html`<h1>${title}</h1><p>${failure.message}</p><p><a href="/dashboard">Back to the dashboard</a></p>`
  const response = htmlResponse(authPage(title, null, body), failure.status)
  for (const [name, value] of Object.entries(failure.headers)) response.headers.set(name, value)
  return response
}
