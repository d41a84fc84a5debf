// The admin API: token check, accounts, credits, keys (minted once, revoked at once), ledger, log rows.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chatBody, logRow, post, startHub, type TestHub } from '../../helpers'

let hub: TestHub

beforeAll(async () => {
  hub = await startHub()
})
afterAll(() => hub.close())

describe('admin API', () => {
  test('refuses requests without the admin token, and API keys', async () => {
    expect((await fetch(`${hub.url}/admin/accounts/x`)).status).toBe(401)
    const { key } = await hub.account()
    const withKey = await fetch(`${hub.url}/admin/accounts/x`, { headers: { authorization: `Bearer ${key}` } })
    expect(withKey.status).toBe(401)
    expect(((await withKey.json()) as { error: { type: string } }).error.type).toBe('authentication_error')
  })

  test('creates, shows and deletes an account; its keys stop working at once', async () => {
    const created = await hub.admin('POST', '/admin/accounts', { email: 'Owner@Example.com', plan: 'standard', name: 'Acme' })
    expect(created.status).toBe(201)
    const account = (await created.json()) as { id: string; email: string; plan: string; balance_usd: string }
    expect(account).toMatchObject({ email: 'owner@example.com', plan: 'standard', balance_usd: '0.0000' })
    expect((await hub.admin('POST', '/admin/accounts', { email: 'owner@example.com' })).status).toBe(409)
    expect((await hub.admin('POST', '/admin/accounts', { email: 'not-an-email' })).status).toBe(400)
    expect((await hub.admin('POST', '/admin/accounts', { email: 'b@example.com', plan: 'gold' })).status).toBe(400)

    await hub.admin('POST', `/admin/accounts/${account.id}/credits`, { amount_usd: '1.00' })
    const { key } = await hub.mintKey(account.id)
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(200)
    expect((await hub.admin('DELETE', `/admin/accounts/${account.id}`)).status).toBe(200)
    const after = await post(hub, '/v1/chat/completions', key, chatBody())
    expect(after.status).toBe(401)
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('key_expired')
    expect((await hub.admin('GET', `/admin/accounts/${account.id}`)).status).toBe(404)
  })

  test('a new account comes with its owner user, pending an invite link to set the password', async () => {
    const created = (await (await hub.admin('POST', '/admin/accounts', { email: 'founder@example.com' })).json()) as {
      id: string
      owner_invite_url: string
    }
    expect(created.owner_invite_url).toMatch(/\/invite\/[0-9A-Za-z]+$/)
    const page = await fetch(hub.url + new URL(created.owner_invite_url).pathname)
    expect(page.status).toBe(200)
    const token = created.owner_invite_url.split('/invite/')[1]!
    const owner = await hub.hub.portal.users.acceptInvite(token, 'a long enough password 1')
    expect(owner).toMatchObject({ email: 'founder@example.com', accountId: created.id, role: 'owner' })
  })

  test('credits and adjustments are ledger entries; the balance is their sum', async () => {
    const { id } = (await (await hub.admin('POST', '/admin/accounts', { email: 'ledger@example.com' })).json()) as { id: string }
    const credit = await hub.admin('POST', `/admin/accounts/${id}/credits`, { amount_usd: '10.50', note: 'welcome' })
    expect(credit.status).toBe(201)
    const adjust = await hub.admin('POST', `/admin/accounts/${id}/credits`, { amount_usd: '-0.25' })
    expect(adjust.status).toBe(201)
    expect((await hub.admin('POST', `/admin/accounts/${id}/credits`, { amount_usd: '1.0000001' })).status).toBe(400)
    expect((await hub.admin('POST', `/admin/accounts/${id}/credits`, { amount_usd: 5 })).status).toBe(400)
    const ledger = (await (await hub.admin('GET', `/admin/accounts/${id}/ledger`)).json()) as {
      data: Array<{ type: string; amount_usd: string; balance_after_usd: string }>
    }
    expect(ledger.data.map((e) => [e.type, e.amount_usd, e.balance_after_usd])).toEqual([
      ['adjustment', '-0.2500', '10.2500'],
      ['topup', '10.5000', '10.5000'],
    ])
    const account = (await (await hub.admin('GET', `/admin/accounts/${id}`)).json()) as { balance_usd: string }
    expect(account.balance_usd).toBe('10.2500')
    expect(await hub.hub.store.ledger.sum(id)).toBe(10_250_000)
  })

  test('ledger pages newest first', async () => {
    const { id } = (await (await hub.admin('POST', '/admin/accounts', { email: 'pages@example.com' })).json()) as { id: string }
    for (let i = 1; i <= 5; i++) await hub.admin('POST', `/admin/accounts/${id}/credits`, { amount_usd: `${i}.00` })
    const first = (await (await hub.admin('GET', `/admin/accounts/${id}/ledger?limit=2`)).json()) as {
      data: Array<{ amount_usd: string }>
      next_before: number
    }
    expect(first.data.map((e) => e.amount_usd)).toEqual(['5.0000', '4.0000'])
    const second = (await (await hub.admin('GET', `/admin/accounts/${id}/ledger?limit=2&before=${first.next_before}`)).json()) as {
      data: Array<{ amount_usd: string }>
    }
    expect(second.data.map((e) => e.amount_usd)).toEqual(['3.0000', '2.0000'])
  })

  test('mints keys of the contract format, shown once, stored only as a hash', async () => {
    const { accountId } = await hub.account()
    const minted = (await (await hub.admin('POST', `/admin/accounts/${accountId}/keys`, { name: 'ci', expires_in_days: null })).json()) as {
      id: string
      key: string
      prefix: string
      expires_at: string | null
    }
    expect(minted.key).toMatch(/^sk-th_[0-9A-Za-z]{32,}$/)
    expect(minted.key.startsWith(minted.prefix.replace('…', ''))).toBe(true)
    expect(minted.expires_at).toBeNull()
    const listed = (await (await hub.admin('GET', `/admin/accounts/${accountId}/keys`)).json()) as { data: Array<Record<string, unknown>> }
    expect(JSON.stringify(listed)).not.toContain(minted.key)
    const row = hub.hub.store.db.query<{ hash: string }, [string]>('SELECT hash FROM api_keys WHERE id = ?').get(minted.id)!
    expect(row.hash).toBe(new Bun.CryptoHasher('sha256').update(minted.key).digest('hex'))
    const dump = hub.hub.store.db
      .query<{ t: string }, []>("SELECT group_concat(hash || prefix || COALESCE(name, '')) AS t FROM api_keys")
      .get()!
    expect(dump.t).not.toContain(minted.key)
  })

  test('default expiry is 90 days', async () => {
    const { accountId } = await hub.account()
    const minted = (await (await hub.admin('POST', `/admin/accounts/${accountId}/keys`, {})).json()) as {
      created_at: string
      expires_at: string
    }
    const days = (Date.parse(minted.expires_at) - Date.parse(minted.created_at)) / 86_400_000
    expect(days).toBe(90)
  })

  test('revocation takes effect on the very next request, both header forms', async () => {
    const { key, keyId } = await hub.account()
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(200)
    expect((await hub.admin('DELETE', `/admin/keys/${keyId}`)).status).toBe(200)
    for (const headers of [{ authorization: `Bearer ${key}` }, { 'x-api-key': key }] as Record<string, string>[]) {
      const response = await fetch(`${hub.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(chatBody()),
      })
      expect(response.status).toBe(401)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('key_revoked')
    }
  })

  test('shows a request log row by id', async () => {
    const { key, accountId, keyId } = await hub.account()
    const response = await post(hub, '/v1/chat/completions', key, chatBody('log me'))
    const id = response.headers.get('x-request-id')!
    const row = await logRow(hub, id)
    expect(row).toMatchObject({ request_id: id, account_id: accountId, key_id: keyId, route: '/v1/chat/completions', status: 200 })
    expect(Object.keys(row)).toEqual(
      expect.arrayContaining([
        'time',
        'prompt_tokens',
        'completion_tokens',
        'cost_usd',
        'latency_ms',
        'ttfb_ms',
        'stream',
        'client_ip',
        'error_code',
        'provider',
      ]),
    )
    expect(row.client_ip).toBe('127.0.0.1')
    expect((await hub.admin('GET', '/admin/requests/req_missing')).status).toBe(404)
  })
})
