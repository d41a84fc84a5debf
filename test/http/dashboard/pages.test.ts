// Dashboard pages over plain HTTP (as a browser without script): redirects, flashes, headers, isolation.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startHub, type TestHub } from '../../helpers'
import { makeUser, PASSWORD, SessionClient, settleLog } from '../../support/session'

let hub: TestHub
let alice: SessionClient
let bobKeyId: string
let bobRequestId: string

beforeAll(async () => {
  hub = await startHub()
  alice = await SessionClient.signIn(hub, (await makeUser(hub)).email)
  const bob = await hub.account()
  bobKeyId = bob.keyId
  const call = await fetch(`${hub.url}/v1/models`, { headers: { authorization: `Bearer ${bob.key}` } })
  bobRequestId = call.headers.get('x-request-id')!
  await settleLog(hub)
})
afterAll(() => hub.close())

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const page = (path: string, cookie: string | null) => fetch(hub.url + path, { headers: cookie ? { cookie } : {}, redirect: 'manual' })

describe('pages', () => {
  test('every page answers HTML with the security headers and a request id', async () => {
    for (const path of [
      '/dashboard',
      '/dashboard/keys',
      '/dashboard/topup',
      '/dashboard/activity',
      '/dashboard/requests',
      '/dashboard/team',
    ]) {
      const response = await page(path, alice.cookie)
      expect(`${path} ${response.status}`).toBe(`${path} 200`)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'")
      expect(response.headers.get('x-frame-options')).toBe('DENY')
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(response.headers.get('x-request-id')).toMatch(/^req_/)
      const text = await response.text()
      expect(text).toContain('<!doctype html>')
      expect(text).not.toMatch(/style="/)
    }
  })

  test('the stylesheet and script are served from the binary', async () => {
    const css = await fetch(`${hub.url}/dashboard/assets/style.css`)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(await css.text()).toContain('.topbar')
    const js = await fetch(`${hub.url}/dashboard/assets/app.js`)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await js.text()).toContain('data-copy')
  })

  test('signed out, a page redirects to sign-in and back after it; next never leaves the site', async () => {
    const response = await page('/dashboard/activity?status=ok', null)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/login?next=%2Fdashboard%2Factivity%3Fstatus%3Dok')
    const made = await makeUser(hub)
    const signIn = (next: string) =>
      fetch(`${hub.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ email: made.email, password: PASSWORD, next }),
        redirect: 'manual',
      })
    expect((await signIn('/dashboard/activity?status=ok')).headers.get('location')).toBe('/dashboard/activity?status=ok')
    for (const evil of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      expect((await signIn(evil)).headers.get('location')).toBe('/dashboard')
    }
  })

  test('a failed sign-in comes back to the form with the reason', async () => {
    const response = await fetch(`${hub.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', referer: `${hub.url}/login` },
      body: form({ email: 'nobody@test.local', password: 'wrong-password' }),
      redirect: 'manual',
    })
    expect(response.status).toBe(303)
    const flash = response.headers.get('set-cookie')!.split(';')[0]!
    const shown = await (await fetch(`${hub.url}/login`, { headers: { cookie: flash } })).text()
    expect(shown).toContain('Wrong email or password.')
  })

  test("another account's key and request are 404 pages", async () => {
    const key = await page(`/dashboard/keys/${bobKeyId}`, alice.cookie)
    expect(key.status).toBe(404)
    expect(await key.text()).toContain('Not found')
    const request = await page(`/dashboard/requests?id=${bobRequestId}`, alice.cookie)
    expect(request.status).toBe(404)
  })

  test('a refused form post returns to the form with the reason, and the key list escapes names', async () => {
    const response = await fetch(`${hub.url}/dashboard/keys`, {
      method: 'POST',
      headers: {
        cookie: alice.cookie!,
        'content-type': 'application/x-www-form-urlencoded',
        origin: hub.url,
        referer: `${hub.url}/dashboard/keys`,
      },
      body: form({ _csrf: alice.csrf!, name: '<script>alert(1)</script>', rpm: 'lots', expires_in_days: '' }),
      redirect: 'manual',
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/dashboard/keys')
    const flash = response.headers.get('set-cookie')!.split(';')[0]!
    const shown = await (await page('/dashboard/keys', `${alice.cookie}; ${flash}`)).text()
    expect(shown).toContain('Invalid value for &#39;rpm&#39;')
    const minted = await fetch(`${hub.url}/dashboard/keys`, {
      method: 'POST',
      headers: { cookie: alice.cookie!, 'content-type': 'application/x-www-form-urlencoded', origin: hub.url },
      body: form({ _csrf: alice.csrf!, name: '<script>alert(1)</script>', expires_in_days: '' }),
    })
    const html = await minted.text()
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<script>alert(1)</script>')
  })
})
