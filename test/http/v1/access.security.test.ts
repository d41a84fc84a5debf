// Who may reach which model: plan ∩ key allowlists, exact ids, disabled models, key-suffix routing, expiry.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { ManualClock } from '../../../src/clock'
import { chatBody, post, startHub, type TestHub } from '../../helpers'

let hub: TestHub
const clock = new ManualClock()
const DAY_MS = 86_400_000

beforeAll(async () => {
  hub = await startHub({ deps: { clock } })
})
afterAll(() => hub.close())

const get = (path: string, key: string) => fetch(hub.url + path, { headers: { authorization: `Bearer ${key}` } })

/** Sends a chat call that must be refused before the upstream: returns the error object. */
async function refusedChat(key: string, model: string, status: number) {
  const calls = hub.mock.stats.calls
  const response = await post(hub, '/v1/chat/completions', key, chatBody('hi', { model }))
  expect(response.status).toBe(status)
  expect(hub.mock.stats.calls).toBe(calls)
  return ((await response.json()) as { error: { code: string; message: string; type: string; param: string | null } }).error
}

const modelIds = async (key: string) =>
  ((await (await get('/v1/models', key)).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)

describe('plan ∩ key allowlist', () => {
  test('a free-plan key lists and calls only the free models; others answer 403 model_not_allowed', async () => {
    const { key } = await hub.account({ plan: 'free' })
    expect(await modelIds(key)).toEqual(['gpt-4o-mini'])
    const error = await refusedChat(key, 'gpt-4o', 403)
    expect(error).toMatchObject({ type: 'permission_denied', code: 'model_not_allowed', param: 'model' })
    expect(error.message).toBe("This key may not call model 'gpt-4o'. Available: gpt-4o-mini")
    expect((await post(hub, '/v1/chat/completions', key, chatBody('hi'))).status).toBe(200)
    expect((await get('/v1/models/gpt-4o', key)).status).toBe(404)
  })

  test('a key allowlist narrows the plan: the effective set is the intersection', async () => {
    const { key } = await hub.account({ plan: 'free', key: { models: ['gpt-4o-mini', 'gpt-4o'] } })
    expect(await modelIds(key)).toEqual(['gpt-4o-mini'])
    const { key: narrow } = await hub.account({ key: { models: ['gpt-4o', 'text-embedding-3-small'] } })
    expect(await modelIds(narrow)).toEqual(['gpt-4o', 'text-embedding-3-small'])
    expect((await refusedChat(narrow, 'gpt-4o-mini', 403)).code).toBe('model_not_allowed')
    const embed = await post(hub, '/v1/embeddings', narrow, { model: 'text-embedding-3-small', input: 'x' })
    expect(embed.status).toBe(200)
    const { key: other } = await hub.account({ key: { models: ['gpt-4o'] } })
    const calls = hub.mock.stats.calls
    const refused = await post(hub, '/v1/embeddings', other, { model: 'text-embedding-3-small', input: 'x' })
    expect(refused.status).toBe(403)
    expect(hub.mock.stats.calls).toBe(calls)
  })

  test('unknown ids answer 404 model_not_found listing only what the key may call', async () => {
    const { key } = await hub.account({ key: { models: ['gpt-4o-mini', 'gpt-4o'] } })
    const error = await refusedChat(key, 'gpt-5-ultra', 404)
    expect(error).toMatchObject({ type: 'not_found_error', code: 'model_not_found', param: 'model' })
    expect(error.message).toBe("No provider for model 'gpt-5-ultra'. Available: gpt-4o, gpt-4o-mini")
    const byId = await get('/v1/models/gpt-5-ultra', key)
    expect(byId.status).toBe(404)
    expect(((await byId.json()) as { error: { message: string } }).error.message).toContain('Available: gpt-4o, gpt-4o-mini')
  })

  test.each(['GPT-4o-mini', 'gpt-4o-mini ', ' gpt-4o-mini', 'gpt-4o_mini', 'gpt4o-mini', 'gpt-4o-mini\n', 'gpt-4o-mini*', 'gpt-4o-min'])(
    'model ids compare exactly: %p is not gpt-4o-mini',
    async (id) => {
      const { key } = await hub.account({ key: { models: ['gpt-4o-mini'] } })
      expect((await refusedChat(key, id, 404)).code).toBe('model_not_found')
      expect((await get(`/v1/models/${encodeURIComponent(id)}`, key)).status).toBe(404)
    },
  )

  test('a key cannot be minted with an allowlist entry that differs from a catalog id', async () => {
    const { accountId } = await hub.account()
    const response = await hub.admin('POST', `/admin/accounts/${accountId}/keys`, { models: ['gpt-4o-mini', 'GPT-4O'] })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_body', param: 'models[1]' } })
  })
})

describe('models disabled for an account', () => {
  test('PATCH disabled_models answers 403 model_disabled on the next request, and undoes', async () => {
    const { key, accountId } = await hub.account()
    expect((await post(hub, '/v1/chat/completions', key, chatBody('hi', { model: 'gpt-4o' }))).status).toBe(200)
    const patched = await hub.admin('PATCH', `/admin/accounts/${accountId}`, { disabled_models: ['gpt-4o'] })
    expect(patched.status).toBe(200)
    expect(await patched.json()).toMatchObject({ id: accountId, disabled_models: ['gpt-4o'] })
    const error = await refusedChat(key, 'gpt-4o', 403)
    expect(error).toMatchObject({
      type: 'permission_denied',
      code: 'model_disabled',
      message: "Model 'gpt-4o' is disabled for this account.",
    })
    expect(await modelIds(key)).not.toContain('gpt-4o')
    expect((await post(hub, '/v1/chat/completions', key, chatBody('hi'))).status).toBe(200)
    // Another account is unaffected.
    const { key: other } = await hub.account()
    expect((await post(hub, '/v1/chat/completions', other, chatBody('hi', { model: 'gpt-4o' }))).status).toBe(200)

    expect((await hub.admin('PATCH', `/admin/accounts/${accountId}`, { disabled_models: [] })).status).toBe(200)
    expect((await post(hub, '/v1/chat/completions', key, chatBody('hi', { model: 'gpt-4o' }))).status).toBe(200)
  })

  test('embeddings honour it too, before any upstream call', async () => {
    const { key, accountId } = await hub.account()
    await hub.admin('PATCH', `/admin/accounts/${accountId}`, { disabled_models: ['text-embedding-3-small'] })
    const calls = hub.mock.stats.calls
    const response = await post(hub, '/v1/embeddings', key, { model: 'text-embedding-3-small', input: 'x' })
    expect(response.status).toBe(403)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('model_disabled')
    expect(hub.mock.stats.calls).toBe(calls)
  })

  test('unknown models, unknown accounts and bad bodies are refused', async () => {
    const { accountId } = await hub.account()
    const unknown = await hub.admin('PATCH', `/admin/accounts/${accountId}`, { disabled_models: ['gpt-4o', 'nope'] })
    expect(unknown.status).toBe(400)
    expect(await unknown.json()).toMatchObject({ error: { code: 'invalid_body', param: 'disabled_models[1]' } })
    expect((await hub.admin('PATCH', '/admin/accounts/acct_missing', { disabled_models: [] })).status).toBe(404)
    expect((await hub.admin('PATCH', `/admin/accounts/${accountId}`, { disabled_models: 'gpt-4o' })).status).toBe(400)
    expect((await hub.admin('PATCH', `/admin/accounts/${accountId}`, { plan: 'free' })).status).toBe(400)
    const anonymous = await fetch(`${hub.url}/admin/accounts/${accountId}`, { method: 'PATCH', body: '{"disabled_models":[]}' })
    expect(anonymous.status).toBe(401)
  })
})

describe('key-suffix routing', () => {
  test('sk-th_<secret>-<provider>/<model> authenticates as the key and forces the model', async () => {
    const { key } = await hub.account()
    const client = new OpenAI({ apiKey: `${key}-mock/gpt-4o`, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    const answer = await client.chat.completions.create({ model: 'whatever-the-client-sends', messages: [{ role: 'user', content: 'hi' }] })
    expect(answer.model).toBe('gpt-4o')
    expect(hub.mock.stats.lastModel).toBe('gpt-4o')
    // Through x-api-key as well, and the suffix also addresses a model by its upstream id.
    const viaHeader = await post(hub, '/v1/chat/completions', null, chatBody('hi'), { 'x-api-key': `${key}-mock/mock-fault-500` })
    expect(viaHeader.status).toBe(502)
    expect(hub.mock.stats.lastModel).toBe('mock-fault-500')
  })

  test('the forced model stays subject to the plan and key allowlists', async () => {
    const { key: free } = await hub.account({ plan: 'free' })
    expect((await refusedChat(`${free}-mock/gpt-4o`, 'gpt-4o-mini', 403)).code).toBe('model_not_allowed')
    const { key: narrow } = await hub.account({ key: { models: ['gpt-4o-mini'] } })
    expect((await refusedChat(`${narrow}-mock/gpt-4o`, 'gpt-4o-mini', 403)).code).toBe('model_not_allowed')
    expect((await post(hub, '/v1/chat/completions', `${narrow}-mock/gpt-4o-mini`, chatBody('hi', { model: 'gpt-4o' }))).status).toBe(200)
  })

  test('the forced model stays subject to the IP allowlist and to revocation', async () => {
    const { key } = await hub.account({ key: { ip_allowlist: ['192.0.2.0/24'] } })
    expect((await refusedChat(`${key}-mock/gpt-4o-mini`, 'gpt-4o-mini', 403)).code).toBe('ip_not_allowed')
    const { key: open, keyId: openId } = await hub.account()
    expect((await post(hub, '/v1/chat/completions', `${open}-mock/gpt-4o-mini`, chatBody())).status).toBe(200)
    await hub.admin('DELETE', `/admin/keys/${openId}`)
    expect((await refusedChat(`${open}-mock/gpt-4o-mini`, 'gpt-4o-mini', 401)).code).toBe('key_revoked')
  })

  test('a suffix naming another provider or an unknown model answers 404, never a different model', async () => {
    const { key } = await hub.account()
    const wrongProvider = await refusedChat(`${key}-openai/gpt-4o-mini`, 'gpt-4o-mini', 404)
    expect(wrongProvider.message).toStartWith("No provider for model 'openai/gpt-4o-mini'.")
    expect((await refusedChat(`${key}-mock/GPT-4o`, 'gpt-4o-mini', 404)).code).toBe('model_not_found')
    // Malformed suffixes are not keys at all.
    for (const garbled of [`${key}-mock`, `${key}-mock/`, `${key}-/gpt-4o`]) {
      expect((await refusedChat(garbled, 'gpt-4o-mini', 401)).code).toBe('invalid_api_key')
    }
  })
})

describe('expiry', () => {
  test('keys expire default_expiry_days after minting, to the millisecond', async () => {
    const minted = clock.now()
    const { key, keyId } = await hub.account()
    const view = (await (await get('/v1/key', key)).json()) as { id: string; expires_at: string }
    expect(view.id).toBe(keyId)
    expect(Date.parse(view.expires_at)).toBe(minted + 90 * DAY_MS)
    clock.set(minted + 90 * DAY_MS - 1)
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(200)
    clock.set(minted + 90 * DAY_MS)
    const error = await refusedChat(key, 'gpt-4o-mini', 401)
    expect(error).toMatchObject({ code: 'key_expired', type: 'authentication_error' })
    expect(error.message).toContain(new Date(minted + 90 * DAY_MS).toISOString())
  })

  test('a key minted with expires_in_days: null never expires', async () => {
    const { key } = await hub.account({ key: { expires_in_days: null } })
    expect(((await (await get('/v1/key', key)).json()) as { expires_at: string | null }).expires_at).toBeNull()
    clock.advance(20 * 365 * DAY_MS)
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(200)
  })

  test('a fractional expiry is honoured', async () => {
    const { key } = await hub.account({ key: { expires_in_days: 0.5 } })
    clock.advance(DAY_MS / 2 - 1)
    expect((await get('/v1/key', key)).status).toBe(200)
    clock.advance(1)
    expect((await get('/v1/key', key)).status).toBe(401)
  })
})

describe('IP allowlist at mint time', () => {
  test('an invalid entry is refused with 400 naming it', async () => {
    const { accountId } = await hub.account()
    for (const [list, index, entry] of [
      [['10.0.0.0/8', '10.0.0.300'], 1, '10.0.0.300'],
      [['2001:db8::/129'], 0, '2001:db8::/129'],
      [['localhost'], 0, 'localhost'],
      [['10.0.0.0/8 '], 0, '10.0.0.0/8 '],
    ] as const) {
      const response = await hub.admin('POST', `/admin/accounts/${accountId}/keys`, { ip_allowlist: list })
      expect(response.status).toBe(400)
      const { error } = (await response.json()) as { error: { code: string; param: string; message: string } }
      expect(error).toMatchObject({ code: 'invalid_body', param: `ip_allowlist[${index}]` })
      expect(error.message).toContain(`"${entry}"`)
    }
  })

  test('IPv4, IPv6 and plain addresses are accepted; an empty list means no restriction', async () => {
    const { accountId } = await hub.account()
    const mixed = await hub.admin('POST', `/admin/accounts/${accountId}/keys`, {
      ip_allowlist: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7', '::1'],
    })
    expect(mixed.status).toBe(201)
    const { key } = (await mixed.json()) as { key: string }
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(403)
    const empty = await hub.admin('POST', `/admin/accounts/${accountId}/keys`, { ip_allowlist: [] })
    const minted = (await empty.json()) as { key: string; ip_allowlist: string[] | null }
    expect(minted.ip_allowlist).toBeNull()
    expect((await post(hub, '/v1/chat/completions', minted.key, chatBody())).status).toBe(200)
  })
})
