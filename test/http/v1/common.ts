// The shared auth/limit suite every /v1 route runs: 401 rows, both header forms, IP allowlist, 429.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ManualClock } from '../../../src/clock'
import { chatBody, startHub, type TestHub } from '../../helpers'

export interface RouteCase {
  method: 'GET' | 'POST'
  path: string
  body?: unknown
  /** Model calls take a slot in the key's and account's windows; the other routes only look. */
  takesSlot: boolean
}

const messages = [{ role: 'user', content: 'hello' }]

/** Every /v1 route; a route added later appends itself here. */
export const V1_ROUTES: RouteCase[] = [
  { method: 'POST', path: '/v1/chat/completions', body: chatBody(), takesSlot: true },
  { method: 'POST', path: '/v1/completions', body: { model: 'gpt-4o-mini', prompt: 'hello', max_tokens: 50 }, takesSlot: true },
  { method: 'POST', path: '/v1/messages', body: { model: 'gpt-4o-mini', max_tokens: 50, messages }, takesSlot: true },
  { method: 'POST', path: '/v1/responses', body: { model: 'gpt-4o-mini', input: 'hello', max_output_tokens: 50 }, takesSlot: true },
  { method: 'POST', path: '/v1/messages/count_tokens', body: { model: 'gpt-4o-mini', messages }, takesSlot: false },
  { method: 'POST', path: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: 'hello' }, takesSlot: true },
  { method: 'GET', path: '/v1/models', takesSlot: false },
  { method: 'GET', path: '/v1/models/gpt-4o-mini', takesSlot: false },
  { method: 'GET', path: '/v1/account/balance', takesSlot: false },
  { method: 'GET', path: '/v1/key', takesSlot: false },
]

/** A well-formed key that no account owns. */
const UNKNOWN_KEY = `sk-th_${'A1b2C3d4'.repeat(5)}`
const DAY_MS = 86_400_000

/** The error code in either wire shape (OpenAI `{error: {code}}`, Anthropic `{type, error: {code}}`). */
async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: { code?: string } }
  return body.error?.code ?? `(no error code: ${JSON.stringify(body)})`
}

function expectRateLimitHeaders(response: Response) {
  for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
    expect(response.headers.get(name), name).toMatch(/^\d+$/)
  }
}

/**
 * Runs the common cases against each route on one hub (with a hand-moved clock). Every refused
 * request is checked to have reached no upstream: the mock's call count must not move.
 */
export function runCommonRouteTests(routes: RouteCase[]) {
  let hub: TestHub
  const clock = new ManualClock()

  beforeAll(async () => {
    hub = await startHub({ deps: { clock } })
  })
  afterAll(() => hub.close())

  const call = (route: RouteCase, headers: Record<string, string>) =>
    fetch(hub.url + route.path, {
      method: route.method,
      headers: route.body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: route.body === undefined ? undefined : JSON.stringify(route.body),
    })
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

  /** Calls the route and asserts the refusal: status, code, and no upstream call. */
  const refused = async (route: RouteCase, headers: Record<string, string>, status: number, code: string) => {
    const calls = hub.mock.stats.calls
    const response = await call(route, headers)
    expect(response.status).toBe(status)
    expect(await errorCode(response)).toBe(code)
    expect(response.headers.get('x-request-id')).toMatch(/^req_/)
    expect(hub.mock.stats.calls).toBe(calls)
    return response
  }

  for (const route of routes) {
    describe(`${route.method} ${route.path}: common auth and limits`, () => {
      test('no key → 401 missing_api_key, no rate-limit headers, no upstream call', async () => {
        const response = await refused(route, {}, 401, 'missing_api_key')
        expect(response.headers.get('x-ratelimit-limit')).toBeNull()
      })

      test('garbled credentials → 401 missing_api_key', async () => {
        const { key } = await hub.account()
        const forms: Array<Record<string, string>> = [
          { authorization: `Basic ${btoa(`user:${key}`)}` },
          { authorization: `Bearer  ${key}` },
          { authorization: `bearer ${key}` },
          { authorization: 'Bearer' },
          { 'x-api-key': `${key} extra` },
        ]
        for (const headers of forms) {
          await refused(route, headers, 401, 'missing_api_key')
        }
      })

      test('unknown key → 401 invalid_api_key', async () => {
        await refused(route, bearer(UNKNOWN_KEY), 401, 'invalid_api_key')
        await refused(route, { 'x-api-key': UNKNOWN_KEY }, 401, 'invalid_api_key')
        await refused(route, bearer('sk-proj-not-ours-at-all-0123456789abcdef'), 401, 'invalid_api_key')
      })

      test('revoked key → 401 key_revoked', async () => {
        const { key, keyId } = await hub.account()
        expect((await call(route, bearer(key))).status).toBe(200)
        expect((await hub.admin('DELETE', `/admin/keys/${keyId}`)).status).toBe(200)
        await refused(route, bearer(key), 401, 'key_revoked')
      })

      test('expired key → 401 key_expired', async () => {
        const { key } = await hub.account({ key: { expires_in_days: 1 } })
        expect((await call(route, bearer(key))).status).toBe(200)
        clock.advance(DAY_MS)
        await refused(route, bearer(key), 401, 'key_expired')
      })

      test('deleted account → 401 key_expired', async () => {
        const { key, accountId } = await hub.account()
        expect((await call(route, bearer(key))).status).toBe(200)
        expect((await hub.admin('DELETE', `/admin/accounts/${accountId}`)).status).toBe(200)
        await refused(route, bearer(key), 401, 'key_expired')
      })

      test('the key is accepted as "Authorization: Bearer" and as "x-api-key", with rate-limit headers', async () => {
        const { key } = await hub.account()
        const forms: Array<Record<string, string>> = [bearer(key), { 'x-api-key': key }]
        for (const headers of forms) {
          const calls = hub.mock.stats.calls
          const response = await call(route, headers)
          expect(response.status).toBe(200)
          expectRateLimitHeaders(response)
          expect(hub.mock.stats.calls).toBe(calls + (route.takesSlot ? 1 : 0))
        }
      })

      test('client IP outside the key allowlist → 403 ip_not_allowed, with rate-limit headers', async () => {
        const { key } = await hub.account({ key: { ip_allowlist: ['10.0.0.0/8', '2001:db8::/32'] } })
        // X-Forwarded-For from an untrusted peer (no trusted_proxies here) is not believed.
        const response = await refused(route, { ...bearer(key), 'x-forwarded-for': '10.1.2.3' }, 403, 'ip_not_allowed')
        expectRateLimitHeaders(response)
        const { key: local } = await hub.account({ key: { ip_allowlist: ['10.0.0.0/8', '127.0.0.1'] } })
        expect((await call(route, bearer(local))).status).toBe(200)
      })

      if (route.takesSlot) {
        test('over the key rpm → 429 key_rpm_exceeded with Retry-After and rate-limit headers', async () => {
          const { key } = await hub.account({ key: { rpm: 2 } })
          const first = await call(route, bearer(key))
          expect(first.status).toBe(200)
          expect(first.headers.get('x-ratelimit-limit')).toBe('2')
          expect(first.headers.get('x-ratelimit-remaining')).toBe('1')
          expect(first.headers.get('x-ratelimit-reset')).toBe('60')
          clock.advance(20_000)
          expect((await call(route, bearer(key))).headers.get('x-ratelimit-remaining')).toBe('0')
          clock.advance(1_500)
          const response = await refused(route, bearer(key), 429, 'key_rpm_exceeded')
          // The first slot frees 60 s after it was taken: 38.5 s from now, announced as 39.
          expect(response.headers.get('retry-after')).toBe('39')
          expect(response.headers.get('x-ratelimit-limit')).toBe('2')
          expect(response.headers.get('x-ratelimit-remaining')).toBe('0')
          expect(response.headers.get('x-ratelimit-reset')).toBe('39')
          clock.advance(38_500)
          expect((await call(route, bearer(key))).status).toBe(200)
        })
      } else {
        test('takes no slot: never 429, and reports the window the model calls filled', async () => {
          const { key } = await hub.account({ key: { rpm: 2 } })
          for (let i = 0; i < 5; i++) {
            const response = await call(route, bearer(key))
            expect(response.status).toBe(200)
            expect(response.headers.get('x-ratelimit-remaining')).toBe('2')
            expect(response.headers.get('x-ratelimit-reset')).toBe('0')
          }
          for (let i = 0; i < 2; i++) {
            expect((await call(V1_ROUTES[0]!, bearer(key))).status).toBe(200)
          }
          clock.advance(10_000)
          const response = await call(route, bearer(key))
          expect(response.status).toBe(200)
          expect(response.headers.get('x-ratelimit-limit')).toBe('2')
          expect(response.headers.get('x-ratelimit-remaining')).toBe('0')
          expect(response.headers.get('x-ratelimit-reset')).toBe('50')
        })
      }
    })
  }
}
