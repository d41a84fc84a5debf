// Failed-attempt throttles under concurrency: a burst of sign-ins (and of admin tokens) gets at most the limit verified.
import { afterAll, describe, expect, test } from 'bun:test'
import { ManualClock } from '../../src/clock'
import { startHub, type TestHub } from '../helpers'
import { makeUser, PASSWORD, SessionClient } from '../support/session'

const LIMIT = 5
const hubs: TestHub[] = []
const hubWith = async (clock: ManualClock) => {
  const hub = await startHub({ config: { auth: { login_max_failures: LIMIT, login_lockout_minutes: 15 } }, deps: { clock } })
  hubs.push(hub)
  return hub
}
afterAll(async () => {
  for (const hub of hubs) await hub.close()
})

const codeOf = async (response: Response) => ((await response.clone().json()) as { error?: { code?: string } }).error?.code

describe('sign-in throttle under a concurrent burst', () => {
  test('40 sign-ins at once for one email (39 wrong, then the right one): at most the limit are verified, the rest are 429', async () => {
    const clock = new ManualClock(Date.now())
    const hub = await hubWith(clock)
    const { email } = await makeUser(hub)
    const passwords = [...Array.from({ length: 39 }, (_, i) => `wrong-password-${i}`), PASSWORD]
    // All sent before any answer: each password check awaits argon2, so every attempt is in flight together.
    const responses = await Promise.all(
      passwords.map((password) => new SessionClient(hub).request('POST', '/api/login', { email, password })),
    )
    const statuses = responses.map((r) => r.status)
    const verified = statuses.filter((s) => s !== 429)
    expect(verified.length).toBeLessThanOrEqual(LIMIT)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(passwords.length - LIMIT)
    for (const response of responses.filter((r) => r.status === 429)) {
      expect(await codeOf(response)).toBe('too_many_attempts')
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    // The burst used up the window: the right password is refused too until it passes.
    expect((await new SessionClient(hub).request('POST', '/api/login', { email, password: PASSWORD })).status).toBe(429)
    clock.advance(15 * 60_000 + 1000)
    expect((await new SessionClient(hub).request('POST', '/api/login', { email, password: PASSWORD })).status).toBe(200)
  })

  test('the dashboard form is the same throttle: a burst of wrong passwords gets at most the limit verified', async () => {
    const clock = new ManualClock(Date.now())
    const hub = await hubWith(clock)
    const { email } = await makeUser(hub)
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${hub.url}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: hub.url },
          body: new URLSearchParams({ email, password: `wrong-password-${i}` }).toString(),
          redirect: 'manual',
        }),
      ),
    )
    // A refused form post goes back to /login with the reason in a flash cookie.
    const flashes = responses.map((r) => decodeURIComponent(r.headers.get('set-cookie') ?? ''))
    expect(flashes.filter((f) => f.includes('Wrong email or password')).length).toBeLessThanOrEqual(LIMIT)
    expect(flashes.filter((f) => f.includes('Too many failed sign-ins')).length).toBeGreaterThanOrEqual(20 - LIMIT)
  })
})

describe('admin token throttle', () => {
  const adminGet = (hub: TestHub, token: string, path = '/admin/requests', ip = '203.0.113.7') =>
    fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': ip } })

  test('wrong admin tokens from one IP are throttled like sign-in: past the per-IP limit, 429 even for the right token', async () => {
    const clock = new ManualClock(Date.now())
    const hub = await startHub({
      config: { auth: { login_max_failures: LIMIT, login_lockout_minutes: 15 }, server: { trusted_proxies: ['127.0.0.0/8', '::1'] } },
      deps: { clock },
    })
    hubs.push(hub)
    const perIp = LIMIT * 4
    const responses = await Promise.all(
      Array.from({ length: perIp + 10 }, (_, i) => adminGet(hub, `wrong-admin-token-${i}`, i % 2 ? '/admin/requests' : '/metrics')),
    )
    expect(responses.filter((r) => r.status === 401)).toHaveLength(perIp)
    const throttled = responses.filter((r) => r.status === 429)
    expect(throttled).toHaveLength(10)
    for (const response of throttled) {
      expect(await codeOf(response)).toBe('too_many_attempts')
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    const token = hub.config.admin.token!
    expect((await adminGet(hub, token)).status).toBe(429)
    expect((await adminGet(hub, token, '/metrics')).status).toBe(429)
    // Another client is not locked out by this one's guesses.
    expect((await adminGet(hub, token, '/admin/requests', '198.51.100.9')).status).toBe(200)
    clock.advance(15 * 60_000 + 1000)
    expect((await adminGet(hub, token)).status).toBe(200)
  })

  test('the right token does not use up the allowance, and a request without any token is no guess', async () => {
    const clock = new ManualClock(Date.now())
    const hub = await hubWith(clock)
    const token = hub.config.admin.token!
    for (let i = 0; i < 50; i++) expect((await fetch(`${hub.url}/admin/requests`)).status).toBe(401)
    for (let i = 0; i < 50; i++) expect((await adminGet(hub, token)).status).toBe(200)
  })
})
