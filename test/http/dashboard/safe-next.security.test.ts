// `next=` after sign-in: only a path on this origin, as a browser would parse it, is ever followed.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { safeNext } from '../../../src/http/dashboard/forms'
import { startHub, type TestHub } from '../../helpers'
import { makeUser, PASSWORD } from '../../support/session'

const ORIGIN = 'http://hub.test:8080'

/** Every way we know of to write "another site" so that a browser still reads it as one. */
const OFF_SITE = [
  '/\t/evil.example/x',
  '/\n/evil.example/x',
  '/\r\n/evil.example/x',
  '\t//evil.example/x',
  ' //evil.example/x',
  '//evil.example/x',
  '///evil.example/x',
  '////evil.example/x',
  '/\\evil.example/x',
  '\\\\evil.example/x',
  '\\/evil.example/x',
  '/\\/evil.example/x',
  '/\t\\evil.example/x',
  '/.//evil.example/x',
  '/./\\evil.example/x',
  '/x/..//evil.example/x',
  '/dashboard/../..//evil.example/x',
  'https://evil.example/x',
  'http://evil.example/x',
  'https:evil.example/x',
  'https:/evil.example/x',
  'https:\\\\evil.example/x',
  'HTTPS://evil.example/x',
  'http://hub.test:8080@evil.example/x',
  'http://hub.test:8080.evil.example/x',
  'https://hub.test:8080/x',
  'http://hub.test:8081/x',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  '\tjavascript:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'ftp://evil.example/',
  'mailto:a@evil.example',
  '',
]

/** Odd but harmless: they parse to a path on this origin, and that path is what is followed. */
const ON_SITE: Array<[string, string]> = [
  ['/dashboard/keys', '/dashboard/keys'],
  ['/dashboard/activity?status=ok&page=2#top', '/dashboard/activity?status=ok&page=2#top'],
  ['http://hub.test:8080/dashboard/keys?x=1', '/dashboard/keys?x=1'],
  ['dashboard/keys', '/dashboard/keys'],
  ['/%2F%2Fevil.example/x', '/%2F%2Fevil.example/x'],
  ['/%09/evil.example/x', '/%09/evil.example/x'],
  ['/%5C/evil.example/x', '/%5C/evil.example/x'],
  ['%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ['/x/../dashboard', '/dashboard'],
  ['/dash board', '/dash%20board'],
  ['/a\u0000b', '/a%00b'],
  ['/?next=//evil.example', '/?next=//evil.example'],
]

describe('safeNext', () => {
  for (const value of OFF_SITE) {
    test(`refuses ${JSON.stringify(value)}`, () => {
      expect(safeNext(value, ORIGIN)).toBe('/dashboard')
      expect(safeNext(value, ORIGIN, '/elsewhere')).toBe('/elsewhere')
    })
  }
  for (const [value, path] of ON_SITE) {
    test(`follows ${JSON.stringify(value)} as ${path}`, () => {
      expect(safeNext(value, ORIGIN)).toBe(path)
    })
  }

  test('null and undefined go to the fallback', () => {
    expect(safeNext(null, ORIGIN)).toBe('/dashboard')
    expect(safeNext(undefined, ORIGIN)).toBe('/dashboard')
  })

  test('whatever it returns, a browser resolving it on any host stays on that host', () => {
    for (const value of [...OFF_SITE, ...ON_SITE.map(([v]) => v)]) {
      const path = safeNext(value, ORIGIN)
      expect(path).toMatch(/^\/(?![/\\])/)
      expect(path).not.toMatch(/[\s\\]/)
      for (const host of [ORIGIN, 'https://other.test', 'http://127.0.0.1:9']) expect(new URL(path, host).origin).toBe(host)
    }
  })
})

describe('next= through the sign-in routes', () => {
  let hub: TestHub
  let email: string
  beforeAll(async () => {
    hub = await startHub()
    email = (await makeUser(hub)).email
  })
  afterAll(() => hub.close())

  const signIn = (next: string) =>
    fetch(`${hub.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: hub.url },
      body: new URLSearchParams({ email, password: PASSWORD, next }).toString(),
      redirect: 'manual',
    })

  test('a sign-in with an off-site next lands on the overview; an on-site one on its path', async () => {
    for (const next of ['/\t/evil.example/x', '/\\evil.example', '/.//evil.example/x', 'https://evil.example/', 'javascript:alert(1)']) {
      const response = await signIn(next)
      expect(response.status).toBe(303)
      expect(response.headers.get('location')).toBe('/dashboard')
    }
    const response = await signIn('/dashboard/keys?x=1')
    expect(response.headers.get('location')).toBe('/dashboard/keys?x=1')
  })

  test('the sign-in page carries only a safe next in its form, and a signed-in visit redirects only on-site', async () => {
    const page = await (await fetch(`${hub.url}/login?next=${encodeURIComponent('/\t/evil.example/x')}`)).text()
    expect(page).toContain('name="next" value="/dashboard"')
    const cookie = (await signIn('/dashboard')).headers.get('set-cookie')!.split(';')[0]!
    const again = await fetch(`${hub.url}/login?next=/%09/evil.example/x`, { headers: { cookie }, redirect: 'manual' })
    expect(again.headers.get('location')).toBe('/dashboard')
  })
})
