// CSRF defence for session-authenticated writes: the session's token, plus the Origin the browser reports.
import { timingSafeEqual } from 'node:crypto'

/** Header the dashboard's scripts (and API clients) send the token in; forms use the `_csrf` field. */
export const CSRF_HEADER = 'x-csrf-token'
export const CSRF_FIELD = '_csrf'

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Why a state-changing request must be refused, or null to let it through. Two independent checks:
 * - the origin: `Origin` (or, without it, `Referer`) must be this server — its public URL or the
 *   origin the request was addressed to; `Sec-Fetch-Site: cross-site` alone is refused too;
 * - the token: the session's CSRF token, which another site cannot read, must be submitted.
 */
export function csrfProblem(request: Request, expectedToken: string, submitted: string | null, publicOrigin: string): string | null {
  const allowed = new Set([publicOrigin, new URL(request.url).origin])
  const origin = request.headers.get('origin')
  const referer = request.headers.get('referer')
  if (origin !== null && origin !== 'null') {
    if (!allowed.has(origin)) return `Cross-origin request from ${origin} refused.`
  } else if (referer) {
    let refererOrigin: string | null = null
    try {
      refererOrigin = new URL(referer).origin
    } catch {
      refererOrigin = null
    }
    if (!refererOrigin || !allowed.has(refererOrigin)) return 'Cross-origin request refused (Referer).'
  } else if (origin === 'null' || request.headers.get('sec-fetch-site') === 'cross-site') {
    return 'Cross-origin request refused.'
  }
  if (!submitted || !sameToken(submitted, expectedToken)) return 'Missing or invalid CSRF token; reload the page and try again.'
  return null
}
