// Form posts for the dashboard: bounded urlencoded parsing, redirects after POST, the flash cookie.
import { readCookie } from '../cookies'
import { CSRF_FIELD } from '../csrf'
import { readBodyText } from '../responses'
import type { Flash } from './layout'
import { PAGE_HEADERS } from './layout'
import type { Html } from './html'

const FLASH_COOKIE = 'th_flash'
/** Forms are small; 64 KB is plenty. */
const MAX_FORM_BYTES = 64 * 1024

export interface Form {
  get(name: string): string
  all(name: string): string[]
  /** The CSRF token the form carried. */
  csrf: string | null
}

export async function readForm(request: Request): Promise<Form> {
  const params = new URLSearchParams(await readBodyText(request, MAX_FORM_BYTES))
  return {
    get: (name) => (params.get(name) ?? '').trim(),
    all: (name) =>
      params
        .getAll(name)
        .map((v) => v.trim())
        .filter(Boolean),
    csrf: params.get(CSRF_FIELD),
  }
}

/** A one-shot message for the next page (after a redirect), kept in a short-lived cookie. */
export function flashCookie(flash: Exclude<Flash, null>, secure: boolean): string {
  const value = encodeURIComponent(JSON.stringify(flash))
  return `${FLASH_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60${secure ? '; Secure' : ''}`
}

/** The flash a request carries (and the Set-Cookie that consumes it). */
export function takeFlash(request: Request): { flash: Flash; clear: string | null } {
  const value = readCookie(request.headers.get('cookie'), FLASH_COOKIE)
  if (!value) return { flash: null, clear: null }
  const clear = `${FLASH_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`
  try {
    const parsed = JSON.parse(decodeURIComponent(value)) as { kind?: unknown; text?: unknown }
    if ((parsed.kind === 'notice' || parsed.kind === 'error' || parsed.kind === 'info') && typeof parsed.text === 'string') {
      return { flash: { kind: parsed.kind, text: parsed.text.slice(0, 500) }, clear }
    }
  } catch {
    // A malformed flash is dropped.
  }
  return { flash: null, clear }
}

/** 303 to `location` (a path on this site), optionally carrying a flash and other cookies. */
export function redirect(location: string, cookies: string[] = []): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' })
  for (const cookie of cookies) headers.append('set-cookie', cookie)
  return new Response(null, { status: 303, headers })
}

/**
 * Where to go after sign-in (`next=`): a path on this site, never another. `value` is read the way
 * a browser reads a Location (tabs and newlines dropped, `\\` as `/`, `.` segments resolved) against
 * `origin`, this server's own; anything that lands elsewhere goes to `fallback`.
 */
export function safeNext(value: string | null | undefined, origin: string, fallback = '/dashboard'): string {
  if (!value) return fallback
  let url: URL
  try {
    url = new URL(value, origin)
  } catch {
    return fallback
  }
  if (url.origin !== new URL(origin).origin) return fallback
  const path = url.pathname + url.search + url.hash
  // `/.//evil.example` parses to the path `//evil.example`, which a browser would read as another host.
  return path.startsWith('//') ? fallback : path
}

/** The origin a request was sent to, which `safeNext` resolves against. */
export const originOf = (request: Request) => new URL(request.url).origin

export function htmlResponse(body: Html, status = 200, cookies: Array<string | null> = []): Response {
  const headers = new Headers(PAGE_HEADERS)
  for (const cookie of cookies) if (cookie) headers.append('set-cookie', cookie)
  return new Response(body.value, { status, headers })
}
