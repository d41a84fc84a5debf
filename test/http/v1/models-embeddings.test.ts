// /v1/models, /v1/embeddings, /v1/account/balance and /v1/key through the SDK and plain fetch.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { startHub, type TestHub } from '../../helpers'

let hub: TestHub
let client: OpenAI
let key: string

beforeAll(async () => {
  hub = await startHub()
  ;({ key } = await hub.account({ balanceUsd: '2.50', key: { models: ['gpt-4o-mini', 'text-embedding-3-small'], name: 'ci' } }))
  client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
})
afterAll(() => hub.close())

describe('models', () => {
  test('lists exactly plan ∩ key allowlist', async () => {
    const ids = []
    for await (const model of client.models.list()) ids.push(model.id)
    expect(ids.sort()).toEqual(['gpt-4o-mini', 'text-embedding-3-small'])
  })

  test('retrieves an allowed model and 404s the others', async () => {
    expect((await client.models.retrieve('gpt-4o-mini')).id).toBe('gpt-4o-mini')
    const denied = await fetch(`${hub.url}/v1/models/gpt-4o`, { headers: { authorization: `Bearer ${key}` } })
    expect(denied.status).toBe(404)
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('model_not_found')
  })
})

describe('embeddings', () => {
  test('returns one vector per input with usage, billed', async () => {
    const { data, response } = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'], encoding_format: 'float' })
      .withResponse()
    expect(data.data).toHaveLength(2)
    expect(data.data[0]!.embedding.length).toBe(8)
    expect(data.model).toBe('text-embedding-3-small')
    expect(data.usage.prompt_tokens).toBeGreaterThan(0)
    expect(response.headers.get('x-token-hub-cost-usd')).toMatch(/^0\.\d{6}$/)
  })

  test('a chat model on /v1/embeddings is a 400 naming the right route', async () => {
    const response = await fetch(`${hub.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', input: 'x' }),
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('/v1/chat/completions')
  })
})

describe('account and key', () => {
  test('balance shows balance, held and available with 4 decimals', async () => {
    const response = await fetch(`${hub.url}/v1/account/balance`, { headers: { 'x-api-key': key } })
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, string>
    expect(body.currency).toBe('USD')
    expect(body.held_usd).toBe('0.0000')
    expect(body.balance_usd).toMatch(/^2\.\d{4}$/)
    expect(body.available_usd).toBe(body.balance_usd)
  })

  test('/v1/key describes this key', async () => {
    const body = (await (await fetch(`${hub.url}/v1/key`, { headers: { authorization: `Bearer ${key}` } })).json()) as Record<
      string,
      unknown
    >
    expect(body.name).toBe('ci')
    expect(String(body.prefix)).toStartWith('sk-th_')
    expect(body.models).toEqual(['gpt-4o-mini', 'text-embedding-3-small'])
    expect(body.rpm).toBe(60)
    expect(typeof body.expires_at).toBe('string')
  })
})
