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
