// Test helpers for the session API: users made in-process, a cookie-carrying client, a free port.
import type { TestHub } from '../helpers'
import type { User, UserRole } from '../../src/store/users'

export const PASSWORD = 'correct-horse-battery'

let users = 0

/** A user (with a new account it owns unless `accountId` is given), created through the user service. */
export async function makeUser(
  hub: TestHub,
  options: { email?: string; accountId?: string; role?: UserRole; isAdmin?: boolean; balanceUsd?: string } = {},
): Promise<{ user: User; email: string; password: string; accountId: string }> {
  const email = options.email ?? `person${++users}-${crypto.randomUUID().slice(0, 8)}@test.local`
  const user = await hub.hub.portal.users.createUser({
    email,
    password: PASSWORD,
    accountId: options.accountId ?? null,
    role: options.role,
    isAdmin: options.isAdmin,
  })
  if (options.balanceUsd) {
    const credited = await hub.admin('POST', `/admin/accounts/${user.accountId}/credits`, { amount_usd: options.balanceUsd })
    if (credited.status !== 201) throw new Error(`credit: ${credited.status} ${await credited.text()}`)
  }
  return { user, email, password: PASSWORD, accountId: user.accountId }
}

/** A browser-like client of /api: keeps the session cookie and sends the CSRF token on writes. */
export class SessionClient {
  cookie: string | null = null
  csrf: string | null = null

  constructor(readonly hub: TestHub) {}

  static async signIn(hub: TestHub, email: string, password = PASSWORD): Promise<SessionClient> {
    const client = new SessionClient(hub)
    const response = await client.request('POST', '/api/login', { email, password })
    if (response.status !== 200) throw new Error(`sign-in: ${response.status} ${await response.text()}`)
    return client
  }

  /** Sends the request; a Set-Cookie answer updates the jar, a `csrf_token` in the body is kept. */
  async request(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (this.cookie) headers.cookie = this.cookie
    if (this.csrf && options.csrf !== false && method !== 'GET') headers['x-csrf-token'] = this.csrf
    const response = await fetch(this.hub.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    })
    const setCookie = response.headers.get('set-cookie')
    if (setCookie) {
      const [pair] = setCookie.split(';')
      this.cookie = /=$/.test(pair!) || /Max-Age=0/.test(setCookie) ? null : pair!
    }
    if (response.headers.get('content-type')?.includes('application/json')) {
      const copy = response.clone()
      const parsed = (await copy.json().catch(() => null)) as { csrf_token?: string } | null
      if (parsed?.csrf_token) this.csrf = parsed.csrf_token
    }
    return response
  }

  async json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await this.request(method, path, body)
    return { status: response.status, body: (await response.json()) as T }
  }
}

/** A port that was free a moment ago (for a hub whose public_url must be known before it starts). */
export function freePort(): number {
  const probe = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('') })
  const port = probe.port!
  probe.stop(true)
  return port
}

/** Waits for the request log's rows to be written (rows are pushed just after the answer is sent). */
export async function settleLog(hub: TestHub): Promise<void> {
  await Bun.sleep(30)
  await hub.hub.log.flush()
}
