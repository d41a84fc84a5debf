// The session API: sign-in, keys (mint with limits, edit, revoke), balance, ledger, activity, lookup.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { startHub, type TestHub } from '../../helpers'
import { makeUser, SessionClient, settleLog } from '../../support/session'

let hub: TestHub
let owner: SessionClient
let accountId: string

beforeAll(async () => {
  hub = await startHub()
  const made = await makeUser(hub, { balanceUsd: '5.00' })
  accountId = made.accountId
  owner = await SessionClient.signIn(hub, made.email)
})
afterAll(() => hub.close())

describe('session API', () => {
  test('sign-in sets an HttpOnly SameSite=Lax session cookie (not Secure on http) and /api/me answers', async () => {
    const client = new SessionClient(hub)
    const made = await makeUser(hub)
    const response = await client.request('POST', '/api/login', { email: made.email.toUpperCase(), password: made.password })
    expect(response.status).toBe(200)
    const cookie = response.headers.get('set-cookie')!
    expect(cookie).toMatch(/^th_session=[0-9A-Za-z]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/)
    expect(cookie).not.toContain('Secure')
    const me = await client.json<{ user: { email: string; role: string }; account: { id: string } }>('GET', '/api/me')
    expect(me.status).toBe(200)
    expect(me.body.user).toMatchObject({ email: made.email, role: 'owner' })
    expect(me.body.account.id).toBe(made.accountId)
  })

  test('a wrong password answers 401 with the same message as an unknown email', async () => {
    const made = await makeUser(hub)
    const wrong = await new SessionClient(hub).request('POST', '/api/login', { email: made.email, password: 'nope-nope-nope' })
    const unknown = await new SessionClient(hub).request('POST', '/api/login', { email: 'nobody@test.local', password: 'nope-nope-nope' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect((await wrong.json()).error.message).toBe((await unknown.json()).error.message)
  })

  test('mint with limits, use the key, see the call in activity with its cost, then revoke → 401', async () => {
    const minted = await owner.json<{
      id: string
      key: string
      models: string[]
      budget_usd: string
      rpm: number
      expires_at: string | null
    }>('POST', '/api/keys', {
      name: 'ci',
      models: ['gpt-4o-mini'],
      rpm: 30,
      budget_usd: '2.00',
      expires_in_days: 30,
    })
    expect(minted.status).toBe(201)
    expect(minted.body.key).toMatch(/^sk-th_[0-9A-Za-z]{40}$/)
    expect(minted.body).toMatchObject({ models: ['gpt-4o-mini'], budget_usd: '2.0000', rpm: 30 })

    const listed = await owner.json<{ data: Array<{ id: string; key?: string }> }>('GET', '/api/keys')
    const row = listed.body.data.find((k) => k.id === minted.body.id)!
    expect(row).toBeDefined()
    expect(row.key).toBeUndefined()

    const client = new OpenAI({ apiKey: minted.body.key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi from the dashboard test' }] })
      .withResponse()
    const requestId = response.headers.get('x-request-id')!
    const cost = response.headers.get('x-token-hub-cost-usd')!
    await settleLog(hub)

    const activity = await owner.json<{
      data: Array<{ request_id: string; cost_usd: string; cost_micros: number; key_name: string; model: string; status: number }>
    }>('GET', `/api/activity?key=${minted.body.id}`)
    expect(activity.status).toBe(200)
    expect(activity.body.data).toHaveLength(1)
    expect(activity.body.data[0]).toMatchObject({ request_id: requestId, key_name: 'ci', model: 'gpt-4o-mini', status: 200 })
    expect(activity.body.data[0]!.cost_micros).toBe(Math.round(Number(cost) * 1e6))

    const lookup = await owner.json<{ request_id: string }>('GET', `/api/requests/${requestId}`)
    expect(lookup.body.request_id).toBe(requestId)
    const usage = await owner.json<{ window_spend_micros: number; budget_usd: string }>('GET', `/api/keys/${minted.body.id}/usage`)
    expect(usage.body).toMatchObject({ window_spend_micros: Math.round(Number(cost) * 1e6), budget_usd: '2.0000' })

    const revoked = await owner.request('DELETE', `/api/keys/${minted.body.id}`)
    expect(revoked.status).toBe(200)
    const after = await owner.json<{ data: Array<{ id: string }> }>('GET', '/api/keys')
    expect(after.body.data.find((k) => k.id === minted.body.id)).toBeUndefined()
    const refused = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] })
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError)
    expect((refused as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401)
  })

  test('editing limits changes the key on its next request; unknown models and bad CIDRs are refused', async () => {
    const minted = await owner.json<{ id: string; key: string }>('POST', '/api/keys', { name: 'edit-me' })
    const models = async () => {
      const response = await fetch(`${hub.url}/v1/models`, { headers: { authorization: `Bearer ${minted.body.key}` } })
      return response.status === 200 ? ((await response.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id) : response.status
    }
    expect((await models()) as string[]).toContain('gpt-4o-mini')
    const patched = await owner.json<{ models: string[]; ip_allowlist: string[]; budget_usd: string }>(
      'PATCH',
      `/api/keys/${minted.body.id}`,
      {
        models: ['gpt-4o'],
        ip_allowlist: ['127.0.0.0/8'],
        budget_usd: '1.50',
      },
    )
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ models: ['gpt-4o'], ip_allowlist: ['127.0.0.0/8'], budget_usd: '1.5000' })
    expect(await models()).toEqual(['gpt-4o'])
    // Narrowing the IP list to a range the caller is outside of takes effect on the next call too.
    expect((await owner.request('PATCH', `/api/keys/${minted.body.id}`, { ip_allowlist: ['10.0.0.0/8'] })).status).toBe(200)
    expect(await models()).toBe(403)
    expect((await owner.request('PATCH', `/api/keys/${minted.body.id}`, { ip_allowlist: null })).status).toBe(200)
    expect(await models()).toEqual(['gpt-4o'])

    const badModel = await owner.json<{ error: { param: string } }>('PATCH', `/api/keys/${minted.body.id}`, { models: ['gpt-9'] })
    expect(badModel.status).toBe(400)
    expect(badModel.body.error.param).toBe('models[0]')
    for (const entry of ['10.0.0.0/33', '010.0.0.1', 'example.com']) {
      const badIp = await owner.json<{ error: { param: string } }>('PATCH', `/api/keys/${minted.body.id}`, {
        ip_allowlist: ['127.0.0.1', entry],
      })
      expect(badIp.status).toBe(400)
      expect(badIp.body.error.param).toBe('ip_allowlist[1]')
    }
  })

  test('balance, spend and the ledger reflect charges', async () => {
    const minted = await owner.json<{ key: string }>('POST', '/api/keys', { name: 'spender' })
    const client = new OpenAI({ apiKey: minted.body.key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'spend a little '.repeat(200) }] })
    const ledger = await owner.json<{ data: Array<{ id: number; type: string; amount_micros: number }> }>('GET', '/api/ledger?limit=500')
    const charged = -ledger.body.data.filter((e) => e.type === 'charge').reduce((sum, e) => sum + e.amount_micros, 0)
    expect(charged).toBeGreaterThan(1000)
    const balance = await owner.json<{
      balance_usd: string
      held_usd: string
      available_usd: string
      spend_this_month_usd: string
      spend_by_day: Array<{ usd: string }>
    }>('GET', '/api/balance')
    expect(balance.status).toBe(200)
    expect(balance.body.balance_usd).toBe(((5_000_000 - charged) / 1e6).toFixed(4))
    expect(balance.body.spend_this_month_usd).toBe((charged / 1e6).toFixed(4))
    expect(balance.body.held_usd).toBe('0.0000')
    expect(balance.body.spend_by_day).toHaveLength(30)
    expect(balance.body.spend_by_day[29]!.usd).toBe((charged / 1e6).toFixed(4))
    expect(ledger.body.data[ledger.body.data.length - 1]!.type).toBe('topup')
    const entry = await owner.json<{ id: number; type: string }>('GET', `/api/ledger/${ledger.body.data[ledger.body.data.length - 1]!.id}`)
    expect(entry.body.type).toBe('topup')
    expect(accountId).toBeTruthy()
  })

  test('activity filters by model, status and date, and pages with a cursor', async () => {
    const minted = await owner.json<{ id: string; key: string }>('POST', '/api/keys', { name: 'pager' })
    const client = new OpenAI({ apiKey: minted.body.key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    for (let i = 0; i < 3; i++)
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `page ${i}` }] })
    await client.chat.completions.create({ model: 'broken-500', messages: [{ role: 'user', content: 'fail' }] }).catch(() => null)
    await settleLog(hub)
    const base = `/api/activity?key=${minted.body.id}`
    const errors = await owner.json<{ data: Array<{ status: number; model: string }> }>('GET', `${base}&status=error`)
    expect(errors.body.data.map((r) => r.model)).toEqual(['broken-500'])
    const ok = await owner.json<{ data: unknown[] }>('GET', `${base}&status=ok&model=gpt-4o-mini`)
    expect(ok.body.data).toHaveLength(3)
    const page1 = await owner.json<{ data: Array<{ request_id: string }>; next: string }>('GET', `${base}&limit=2`)
    expect(page1.body.data).toHaveLength(2)
    const page2 = await owner.json<{ data: Array<{ request_id: string }>; next: string | null }>(
      'GET',
      `${base}&limit=2&after=${page1.body.next}`,
    )
    expect(page2.body.data).toHaveLength(2)
    expect(page2.body.next).toBeNull()
    expect(new Set([...page1.body.data, ...page2.body.data].map((r) => r.request_id)).size).toBe(4)
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    const future = await owner.json<{ data: unknown[] }>('GET', `${base}&from=${tomorrow}`)
    expect(future.body.data).toHaveLength(0)
    const bad = await owner.request('GET', `${base}&from=yesterday`)
    expect(bad.status).toBe(400)
  })

  test('activity and GET /admin/requests page with one cursor; a bad one is a 400 naming after', async () => {
    const minted = await owner.json<{ id: string; key: string }>('POST', '/api/keys', { name: 'cursor' })
    const client = new OpenAI({ apiKey: minted.body.key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    for (let i = 0; i < 3; i++)
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `cursor ${i}` }] })
    await settleLog(hub)
    type AdminPage = { data: Array<{ request_id: string }>; next_cursor: string | null }
    const adminPage = async (query: string) =>
      (await (await hub.admin('GET', `/admin/requests?key=${minted.body.id}${query}`)).json()) as AdminPage
    const activity = await owner.json<{ data: Array<{ request_id: string }>; next: string }>(
      'GET',
      `/api/activity?key=${minted.body.id}&limit=1`,
    )
    const admin = await adminPage('&limit=1')
    expect(activity.body.data.map((r) => r.request_id)).toEqual(admin.data.map((r) => r.request_id))
    expect(activity.body.next).toBe(admin.next_cursor!)
    // Either view continues from the other's cursor.
    const fromAdmin = await owner.json<{ data: Array<{ request_id: string }> }>(
      'GET',
      `/api/activity?key=${minted.body.id}&limit=1&after=${admin.next_cursor}`,
    )
    const fromActivity = await adminPage(`&limit=1&cursor=${activity.body.next}`)
    expect(fromAdmin.body.data).toHaveLength(1)
    expect(fromAdmin.body.data.map((r) => r.request_id)).toEqual(fromActivity.data.map((r) => r.request_id))
    for (const after of ['nope', `${Date.now()}.req_abc`]) {
      const bad = await owner.request('GET', `/api/activity?after=${encodeURIComponent(after)}`)
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('after')
    }
  })
})
