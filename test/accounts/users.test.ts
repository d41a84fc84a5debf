// Users: sign-up modes, invites (owners and admins), sign-in throttling, the first admin's setup link, passwords.
import { afterAll, describe, expect, test } from 'bun:test'
import { ManualClock } from '../../src/clock'
import { startHub, type TestHub } from '../helpers'
import { makeUser, PASSWORD, SessionClient } from '../support/session'

const hubs: TestHub[] = []
const hubWith = async (auth: Record<string, unknown>, clock?: ManualClock) => {
  const hub = await startHub({ config: { auth }, deps: clock ? { clock } : {} })
  hubs.push(hub)
  return hub
}
afterAll(async () => {
  for (const hub of hubs) await hub.close()
})

/** Invite links are printed (no mailer); the service returns them too. */
const linkToken = (url: string) => url.split('/invite/')[1]!

describe('sign-up modes', () => {
  test('open: anyone signs up and owns a new account; an admin-created account’s email cannot be claimed', async () => {
    const hub = await hubWith({ signup: 'open' })
    const client = new SessionClient(hub)
    const response = await client.request('POST', '/api/signup', { email: 'new@test.local', password: PASSWORD })
    expect(response.status).toBe(201)
    const me = await client.json<{ user: { role: string; is_admin: boolean }; account: { email: string; balance_usd: string } }>(
      'GET',
      '/api/me',
    )
    expect(me.body.user).toMatchObject({ role: 'owner', is_admin: false })
    expect(me.body.account).toMatchObject({ email: 'new@test.local', balance_usd: '0.0000' })
    expect((await new SessionClient(hub).request('POST', '/api/signup', { email: 'NEW@test.local', password: PASSWORD })).status).toBe(409)
    await hub.admin('POST', '/admin/accounts', { email: 'precreated@test.local' })
    expect(
      (await new SessionClient(hub).request('POST', '/api/signup', { email: 'precreated@test.local', password: PASSWORD })).status,
    ).toBe(409)
    expect((await new SessionClient(hub).request('POST', '/api/signup', { email: 'short@test.local', password: 'short' })).status).toBe(400)
  })

  test('invite: sign-up needs an invite; an owner invites a member who joins the same account', async () => {
    const hub = await hubWith({ signup: 'invite' })
    const refused = await new SessionClient(hub).json<{ error: { message: string } }>('POST', '/api/signup', {
      email: 'x@test.local',
      password: PASSWORD,
    })
    expect(refused.status).toBe(403)
    expect(refused.body.error.message).toContain('invite')
    const o = await makeUser(hub)
    const owner = await SessionClient.signIn(hub, o.email)
    const invite = await owner.json<{ url: string; role: string; account_id: string }>('POST', '/api/invites', {
      email: 'member@test.local',
    })
    expect(invite.status).toBe(201)
    expect(invite.body).toMatchObject({ role: 'member', account_id: o.accountId })
    expect(invite.body.url).toStartWith('http://localhost:8080/invite/')
    const member = new SessionClient(hub)
    const joined = await member.request('POST', '/api/signup', {
      email: 'member@test.local',
      password: PASSWORD,
      invite: linkToken(invite.body.url),
    })
    expect(joined.status).toBe(201)
    const me = await member.json<{ user: { role: string }; account: { id: string } }>('GET', '/api/me')
    expect(me.body).toMatchObject({ user: { role: 'member' }, account: { id: o.accountId } })
    // An invite works once.
    const reuse = await new SessionClient(hub).request('POST', '/api/signup', {
      email: 'member@test.local',
      password: PASSWORD,
      invite: linkToken(invite.body.url),
    })
    expect(reuse.status).toBe(404)
    // Members and owners cannot invite admins or into other accounts.
    const m = await SessionClient.signIn(hub, 'member@test.local')
    expect((await m.request('POST', '/api/invites', { email: 'y@test.local' })).status).toBe(403)
    expect((await owner.request('POST', '/api/invites', { email: 'z@test.local', is_admin: true })).status).toBe(403)
    const other = await makeUser(hub)
    expect((await owner.request('POST', '/api/invites', { email: 'z@test.local', account_id: other.accountId })).status).toBe(403)
  })

  test('closed: no sign-up, owners cannot invite, admins still can', async () => {
    const hub = await hubWith({ signup: 'closed' })
    expect((await new SessionClient(hub).request('POST', '/api/signup', { email: 'x@test.local', password: PASSWORD })).status).toBe(403)
    const o = await makeUser(hub)
    const owner = await SessionClient.signIn(hub, o.email)
    expect((await owner.request('POST', '/api/invites', { email: 'm@test.local' })).status).toBe(403)
    const a = await makeUser(hub, { isAdmin: true })
    const admin = await SessionClient.signIn(hub, a.email)
    const invite = await admin.json<{ url: string; account_id: string | null; role: string }>('POST', '/api/invites', {
      email: 'fresh@test.local',
      account_id: null,
    })
    expect(invite.status).toBe(201)
    expect(invite.body).toMatchObject({ account_id: null, role: 'owner' })
    const page = await fetch(invite.body.url.replace('http://localhost:8080', hub.url))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('fresh@test.local')
  })

  test('invites expire', async () => {
    const clock = new ManualClock(Date.now())
    const hub = await hubWith({ invite_ttl_hours: 1 }, clock)
    const created = await hub.hub.portal.users.createInvite(null, { email: 'late@test.local', accountId: null })
    clock.advance(61 * 60_000)
    const response = await new SessionClient(hub).request('POST', '/api/signup', {
      email: 'late@test.local',
      password: PASSWORD,
      invite: linkToken(created.url),
    })
    expect(response.status).toBe(404)
  })
})

describe('sign-in throttling', () => {
  test('5 failures for one email lock it (429 with Retry-After) even for the right password, until the window passes', async () => {
    const clock = new ManualClock(Date.now())
    const hub = await hubWith({ login_max_failures: 5, login_lockout_minutes: 15 }, clock)
    const made = await makeUser(hub)
    for (let i = 0; i < 5; i++) {
      expect(
        (await new SessionClient(hub).request('POST', '/api/login', { email: made.email, password: `wrong-${i}-password` })).status,
      ).toBe(401)
    }
    const locked = await new SessionClient(hub).request('POST', '/api/login', { email: made.email, password: PASSWORD })
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts')
    clock.advance(15 * 60_000 + 1000)
    expect((await new SessionClient(hub).request('POST', '/api/login', { email: made.email, password: PASSWORD })).status).toBe(200)
  })
})

describe('first admin', () => {
  test('the one-time setup link creates an admin, then stops working', async () => {
    const hub = await hubWith({})
    const token = await hub.hub.portal.users.issueSetupToken()
    expect(token).not.toBeNull()
    expect((await fetch(`${hub.url}/setup?token=wrong`)).status).toBe(404)
    expect((await fetch(`${hub.url}/setup?token=${token}`)).status).toBe(200)
    const created = await fetch(`${hub.url}/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: hub.url },
      body: new URLSearchParams({ token: token!, email: 'root@test.local', password: PASSWORD }).toString(),
      redirect: 'manual',
    })
    expect(created.status).toBe(303)
    expect(created.headers.get('location')).toBe('/dashboard')
    const admin = await SessionClient.signIn(hub, 'root@test.local')
    const me = await admin.json<{ user: { is_admin: boolean; role: string } }>('GET', '/api/me')
    expect(me.body.user).toMatchObject({ is_admin: true, role: 'owner' })
    expect((await fetch(`${hub.url}/setup?token=${token}`)).status).toBe(404)
    expect(await hub.hub.portal.users.issueSetupToken()).toBeNull()
  })
})

describe('passwords', () => {
  test('are stored as argon2id hashes; changing one ends the other sessions', async () => {
    const hub = await hubWith({})
    const made = await makeUser(hub)
    expect(made.user.passwordHash).toStartWith('$argon2id$')
    const here = await SessionClient.signIn(hub, made.email)
    const elsewhere = await SessionClient.signIn(hub, made.email)
    const changed = await here.request('POST', '/api/password', { current_password: PASSWORD, new_password: 'another-long-password' })
    expect(changed.status).toBe(200)
    expect((await here.request('GET', '/api/me')).status).toBe(200)
    expect((await elsewhere.request('GET', '/api/me')).status).toBe(401)
    expect((await new SessionClient(hub).request('POST', '/api/login', { email: made.email, password: PASSWORD })).status).toBe(401)
    expect((await SessionClient.signIn(hub, made.email, 'another-long-password')).cookie).not.toBeNull()
  })

  test('the session cookie is __Host- and Secure when public_url is https', async () => {
    const hub = await startHub({ config: { server: { public_url: 'https://hub.example.com' } } })
    hubs.push(hub)
    const made = await makeUser(hub)
    const response = await new SessionClient(hub).request('POST', '/api/login', { email: made.email, password: PASSWORD })
    expect(response.headers.get('set-cookie')).toMatch(
      /^__Host-th_session=[0-9A-Za-z]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/,
    )
  })
})
