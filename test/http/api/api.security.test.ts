// Session API security: account isolation (404s), logout, CSRF and origin checks, roles, no API keys.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { ManualClock } from '../../../src/clock'
import { startHub, type TestHub } from '../../helpers'
import { makeUser, PASSWORD, SessionClient, settleLog } from '../../support/session'

let hub: TestHub
let alice: SessionClient
let bob: SessionClient
let bobKey: { id: string; key: string }
let bobRequestId: string
let bobLedgerId: number
let bobTopupId: string

beforeAll(async () => {
  hub = await startHub()
  const a = await makeUser(hub, { balanceUsd: '1.00' })
  const b = await makeUser(hub, { balanceUsd: '1.00' })
  alice = await SessionClient.signIn(hub, a.email)
  bob = await SessionClient.signIn(hub, b.email)
  bobKey = (await bob.json<{ id: string; key: string }>('POST', '/api/keys', { name: 'bob' })).body
  const call = await fetch(`${hub.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bobKey.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'bob' }] }),
  })
  bobRequestId = call.headers.get('x-request-id')!
  await settleLog(hub)
  bobLedgerId = (await bob.json<{ data: Array<{ id: number }> }>('GET', '/api/ledger')).body.data[0]!.id
  bobTopupId = 'top_bobs0000000000'
  await hub.hub.store.topups.create({
    id: bobTopupId,
    accountId: b.accountId,
    userId: null,
    currency: 'usd',
    amountMinor: 1000,
    quotedMicros: 10_000_000,
    cnyPerUsd: null,
    createdAt: Date.now(),
  })
})
afterAll(() => hub.close())

describe('one account never sees another', () => {
  test("Alice gets 404 on Bob's key, request, ledger entry and activity filter — the same as for unknown ids", async () => {
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/api/keys/${bobKey.id}`],
      ['PATCH', `/api/keys/${bobKey.id}`, { budget_usd: '100.00' }],
      ['DELETE', `/api/keys/${bobKey.id}`],
      ['GET', `/api/keys/${bobKey.id}/usage`],
      ['GET', `/api/requests/${bobRequestId}`],
      ['GET', `/api/ledger/${bobLedgerId}`],
      ['GET', `/api/activity?key=${bobKey.id}`],
      ['GET', `/api/topups/${bobTopupId}`],
    ]
    for (const [method, path, body] of attempts) {
      const response = await alice.request(method, path, body)
      expect(`${method} ${path} ${response.status}`).toBe(`${method} ${path} 404`)
      const unknown = await alice.request(
        method,
        path
          .replace(bobKey.id, 'key_doesnotexist000')
          .replace(bobRequestId, 'req_doesnotexist')
          .replace(String(bobLedgerId), '999999')
          .replace(bobTopupId, 'top_unknown'),
        body,
      )
      expect(unknown.status).toBe(404)
    }
    // Bob's key still works and is unchanged.
    const check = await bob.json<{ budget_usd: string | null }>('GET', `/api/keys/${bobKey.id}`)
    expect(check.body.budget_usd).toBeNull()
    expect((await bob.request('GET', `/api/topups/${bobTopupId}`)).status).toBe(200)
  })

  test("Alice's activity, ledger and keys lists never include Bob's rows", async () => {
    const activity = await alice.json<{ data: Array<{ request_id: string }> }>('GET', '/api/activity')
    expect(activity.body.data.map((r) => r.request_id)).not.toContain(bobRequestId)
    const ledger = await alice.json<{ data: Array<{ id: number }> }>('GET', '/api/ledger')
    expect(ledger.body.data.map((e) => e.id)).not.toContain(bobLedgerId)
    const keys = await alice.json<{ data: Array<{ id: string }> }>('GET', '/api/keys')
    expect(keys.body.data.map((k) => k.id)).not.toContain(bobKey.id)
  })
})

describe('sessions', () => {
  test('the cookie stops working after logout (server-side), with 401', async () => {
    const made = await makeUser(hub)
    const client = await SessionClient.signIn(hub, made.email)
    const stolen = client.cookie!
    expect((await client.request('GET', '/api/me')).status).toBe(200)
    const out = await client.request('POST', '/api/logout')
    expect(out.status).toBe(200)
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0')
    const replay = await fetch(`${hub.url}/api/me`, { headers: { cookie: stolen } })
    expect(replay.status).toBe(401)
    expect((await replay.json()).error.code).toBe('unauthorized')
  })

  test('signing in issues a new session id and ends the one the browser presented', async () => {
    const made = await makeUser(hub)
    const first = await SessionClient.signIn(hub, made.email)
    const old = first.cookie!
    const again = await first.request('POST', '/api/login', { email: made.email, password: PASSWORD })
    expect(again.status).toBe(200)
    expect(first.cookie).not.toBe(old)
    expect((await fetch(`${hub.url}/api/me`, { headers: { cookie: old } })).status).toBe(401)
    expect((await first.request('GET', '/api/me')).status).toBe(200)
  })

  test('/api never accepts an API key', async () => {
    const variants: Array<Record<string, string>> = [{ authorization: `Bearer ${bobKey.key}` }, { 'x-api-key': bobKey.key }]
    for (const headers of variants) {
      const response = await fetch(`${hub.url}/api/keys`, { headers })
      expect(response.status).toBe(401)
    }
    const dashboard = await fetch(`${hub.url}/dashboard`, { headers: { authorization: `Bearer ${bobKey.key}` }, redirect: 'manual' })
    expect(dashboard.status).toBe(303)
    expect(dashboard.headers.get('location')).toBe('/login?next=%2Fdashboard')
  })

  test('sessions end after the idle timeout and the absolute lifetime', async () => {
    const clock = new ManualClock(Date.now())
    const timed = await startHub({ deps: { clock }, config: { auth: { session_idle_hours: 2, session_ttl_hours: 5 } } })
    try {
      const made = await makeUser(timed)
      const client = await SessionClient.signIn(timed, made.email)
      clock.advance(90 * 60_000)
      expect((await client.request('GET', '/api/me')).status).toBe(200)
      clock.advance(90 * 60_000)
      expect((await client.request('GET', '/api/me')).status).toBe(200)
      clock.advance(121 * 60_000)
      expect((await client.request('GET', '/api/me')).status).toBe(401)
      const fresh = await SessionClient.signIn(timed, made.email)
      for (let i = 0; i < 5; i++) {
        clock.advance(60 * 60_000)
        expect((await fresh.request('GET', '/api/me')).status).toBe(i < 4 ? 200 : 401)
      }
    } finally {
      await timed.close()
    }
  })
})

describe('CSRF and origin checks', () => {
  test('a write without the CSRF token is refused with 403, from any origin', async () => {
    for (const origin of ['https://evil.example', hub.url, null]) {
      const response = await alice.request('POST', '/api/keys', { name: 'csrf' }, { csrf: false, headers: origin ? { origin } : {} })
      expect(response.status).toBe(403)
      expect((await response.json()).error.code).toBe('csrf_failed')
    }
  })

  test('a cross-origin write is refused even with the right token', async () => {
    const response = await alice.request('POST', '/api/keys', { name: 'csrf' }, { headers: { origin: 'https://evil.example' } })
    expect(response.status).toBe(403)
    const referer = await alice.request('DELETE', `/api/keys/${bobKey.id}`, undefined, {
      headers: { referer: 'https://evil.example/page' },
    })
    expect(referer.status).toBe(403)
  })

  test('a cross-site form post to the dashboard (cookie sent, no token) is refused with 403 and changes nothing', async () => {
    const before = (await alice.json<{ data: unknown[] }>('GET', '/api/keys')).body.data.length
    const response = await fetch(`${hub.url}/dashboard/keys`, {
      method: 'POST',
      headers: { cookie: alice.cookie!, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=evil&expires_in_days=',
      redirect: 'manual',
    })
    expect(response.status).toBe(403)
    expect(response.headers.get('content-type')).toContain('text/html')
    const after = (await alice.json<{ data: unknown[] }>('GET', '/api/keys')).body.data.length
    expect(after).toBe(before)
  })

  test('a cross-origin sign-in post is refused (login CSRF)', async () => {
    const response = await fetch(`${hub.url}/api/login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x@test.local', password: 'whatever-long' }),
    })
    expect(response.status).toBe(403)
  })
})

describe('roles', () => {
  let owner: SessionClient
  let member: SessionClient
  let memberKeyId: string

  beforeAll(async () => {
    const o = await makeUser(hub, { balanceUsd: '2.00' })
    const m = await makeUser(hub, { accountId: o.accountId, role: 'member' })
    owner = await SessionClient.signIn(hub, o.email)
    member = await SessionClient.signIn(hub, m.email)
    memberKeyId = (await owner.json<{ id: string }>('POST', '/api/keys', { name: 'for-member', budget_usd: '1.00' })).body.id
  })

  test('a member sees the account but cannot raise a budget, mint, revoke or top up', async () => {
    const keys = await member.json<{ data: Array<{ id: string; budget_usd: string }> }>('GET', '/api/keys')
    expect(keys.body.data.map((k) => k.id)).toContain(memberKeyId)
    const raise = await member.json<{ error: { code: string } }>('PATCH', `/api/keys/${memberKeyId}`, { budget_usd: '1000.00' })
    expect(raise.status).toBe(403)
    expect(raise.body.error.code).toBe('forbidden')
    const lift = await member.request('PATCH', `/api/keys/${memberKeyId}`, { budget_usd: null })
    expect(lift.status).toBe(403)
    expect((await member.request('POST', '/api/keys', { name: 'mine' })).status).toBe(403)
    expect((await member.request('DELETE', `/api/keys/${memberKeyId}`)).status).toBe(403)
    expect((await member.request('POST', '/api/topup', { amount: '10', currency: 'usd' })).status).toBe(403)
    const after = await owner.json<{ budget_usd: string }>('GET', `/api/keys/${memberKeyId}`)
    expect(after.body.budget_usd).toBe('1.0000')
    // The dashboard form is refused too (back to the form with the reason) and changes nothing.
    const form = await fetch(`${hub.url}/dashboard/keys/${memberKeyId}`, {
      method: 'POST',
      headers: {
        cookie: member.cookie!,
        origin: hub.url,
        referer: `${hub.url}/dashboard/keys`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: member.csrf!, budget_usd: '1000', budget_window_days: '30', expires_in_days: '' }).toString(),
      redirect: 'manual',
    })
    expect(form.status).toBe(303)
    expect(form.headers.get('set-cookie')).toContain('th_flash=')
    expect((await owner.json<{ budget_usd: string }>('GET', `/api/keys/${memberKeyId}`)).body.budget_usd).toBe('1.0000')
  })

  test('a member (and an owner) cannot reach admin pages or the admin session API', async () => {
    for (const client of [member, owner]) {
      const page = await fetch(`${hub.url}/dashboard/admin/accounts`, { headers: { cookie: client.cookie! }, redirect: 'manual' })
      expect(page.status).toBe(403)
      expect(await page.text()).toContain('for instance admins')
      expect((await client.request('GET', '/api/admin/accounts')).status).toBe(403)
      expect((await client.request('POST', '/api/admin/accounts/whatever/credits', { amount_usd: '5' })).status).toBe(403)
    }
    const html = await (await fetch(`${hub.url}/dashboard`, { headers: { cookie: member.cookie! } })).text()
    expect(html).not.toContain('/dashboard/admin/accounts')
  })

  test('an owner edits limits; the member key then obeys the new budget', async () => {
    const raised = await owner.json<{ budget_usd: string }>('PATCH', `/api/keys/${memberKeyId}`, { budget_usd: '3.00' })
    expect(raised.status).toBe(200)
    expect(raised.body.budget_usd).toBe('3.0000')
  })
})

describe('admin token and keys stay in their lanes', () => {
  test('the admin token is not a session', async () => {
    const response = await fetch(`${hub.url}/api/admin/accounts`, { headers: { authorization: 'Bearer test-admin-token-0123456789' } })
    expect(response.status).toBe(401)
  })

  test('a revoked key fails at once even though the dashboard revoked it', async () => {
    const client = new OpenAI({ apiKey: bobKey.key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    await client.models.list()
    expect((await bob.request('DELETE', `/api/keys/${bobKey.id}`)).status).toBe(200)
    const failed = await client.models.list().catch((e: unknown) => e)
    expect((failed as { status: number }).status).toBe(401)
  })
})

describe('deleted accounts', () => {
  test("deleting an account ends its users' sessions at once", async () => {
    const made = await makeUser(hub)
    const client = await SessionClient.signIn(hub, made.email)
    expect((await client.request('GET', '/api/keys')).status).toBe(200)
    expect((await hub.admin('DELETE', `/admin/accounts/${made.accountId}`)).status).toBe(200)
    expect((await client.request('GET', '/api/keys')).status).toBe(401)
    expect((await new SessionClient(hub).request('POST', '/api/login', { email: made.email, password: PASSWORD })).status).toBe(401)
  })
})
