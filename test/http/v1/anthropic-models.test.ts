// GET /v1/models in Anthropic's shape for Anthropic clients, through the real @anthropic-ai/sdk: pages, cursors, one model, errors.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { startHub, type TestHub } from '../../helpers'

/** 45 models: the default page of 20 needs three pages. */
const IDS = Array.from({ length: 45 }, (_, i) => `model-${String(i).padStart(2, '0')}`)

let hub: TestHub
let key: string
let accountId: string
let client: Anthropic

beforeAll(async () => {
  hub = await startHub({
    config: {
      models: IDS.map((id) => ({
        id,
        provider: 'mock',
        input_usd_per_mtok: 1,
        output_usd_per_mtok: 2,
        context_window: 100_000,
        max_output_tokens: 8192,
      })),
    },
  })
  ;({ key, accountId } = await hub.account())
  client = new Anthropic({ apiKey: key, baseURL: hub.url, maxRetries: 0 })
})
afterAll(() => hub.close())

const get = (path: string, headers: Record<string, string>) => fetch(hub.url + path, { headers })

describe('models.list() and models.retrieve() through @anthropic-ai/sdk', () => {
  test('auto-pagination walks every model the key may call, 20 a page', async () => {
    const seen: string[] = []
    for await (const model of client.models.list()) seen.push(model.id)
    expect(seen).toEqual(IDS)
    const first = await client.models.list()
    expect(first.data).toHaveLength(20)
    expect(first.has_more).toBe(true)
    expect(first.first_id).toBe(IDS[0]!)
    expect(first.last_id).toBe(IDS[19]!)
    const second = await first.getNextPage()
    expect(second.data.map((m) => m.id)).toEqual(IDS.slice(20, 40))
    const third = await second.getNextPage()
    expect(third.data.map((m) => m.id)).toEqual(IDS.slice(40))
    expect(third.has_more).toBe(false)
    expect(third.hasNextPage()).toBe(false)
  })

  test('each entry is a ModelInfo', async () => {
    const page = await client.models.list({ limit: 1 })
    expect(page.data[0]).toEqual({
      type: 'model',
      id: IDS[0]!,
      display_name: IDS[0]!,
      created_at: '2023-11-14T22:13:20Z',
      max_input_tokens: 100_000,
      max_tokens: 8192,
      capabilities: null,
    } as unknown as Anthropic.ModelInfo)
    expect(Number.isNaN(Date.parse(page.data[0]!.created_at))).toBe(false)
  })

  test('limit, after_id and before_id, and pages backwards from before_id', async () => {
    const after = await client.models.list({ limit: 7, after_id: IDS[9]! })
    expect(after.data.map((m) => m.id)).toEqual(IDS.slice(10, 17))
    expect(after.has_more).toBe(true)
    const before = await client.models.list({ limit: 10, before_id: IDS[30]! })
    expect(before.data.map((m) => m.id)).toEqual(IDS.slice(20, 30))
    expect(before.has_more).toBe(true)
    // The SDK pages on backwards with first_id as the next before_id.
    const backwards: string[][] = []
    let page: Anthropic.ModelInfosPage | null = await client.models.list({ limit: 10, before_id: IDS[30]! })
    while (page) {
      backwards.push(page.data.map((m) => m.id))
      page = page.hasNextPage() ? await page.getNextPage() : null
    }
    expect(backwards).toEqual([IDS.slice(20, 30), IDS.slice(10, 20), IDS.slice(0, 10)])
    const all = await client.models.list({ limit: 1000 })
    expect(all.data).toHaveLength(45)
    expect(all.has_more).toBe(false)
  })

  test('retrieve answers one ModelInfo; an unknown id is a not_found_error in Anthropic’s shape', async () => {
    const model = await client.models.retrieve(IDS[3]!)
    expect(model.type).toBe('model')
    expect(model.id).toBe(IDS[3]!)
    const missing = await client.models.retrieve('no-such-model').catch((error: unknown) => error)
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError)
    const error = (missing as InstanceType<typeof Anthropic.NotFoundError>).error as { type: string; error: { type: string; code: string } }
    expect(error.type).toBe('error')
    expect(error.error).toMatchObject({ type: 'not_found_error', code: 'model_not_found' })
  })

  test('only the models this key may call', async () => {
    const limited = await hub.mintKey(accountId, { models: [IDS[5]!, IDS[2]!] })
    const own = new Anthropic({ apiKey: limited.key, baseURL: hub.url, maxRetries: 0 })
    const seen: string[] = []
    for await (const model of own.models.list()) seen.push(model.id)
    expect(seen).toEqual([IDS[2]!, IDS[5]!])
  })
})

describe('which shape a request gets', () => {
  test('the openai SDK still gets the OpenAI list', async () => {
    const openai = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    const page = await openai.models.list()
    expect(page.data[0]).toMatchObject({ id: IDS[0]!, object: 'model' })
    expect(page.data).toHaveLength(45)
  })

  test('anthropic-version, or x-api-key alone, asks for Anthropic’s shape', async () => {
    const forms: Array<Record<string, string>> = [
      { 'x-api-key': key },
      { authorization: `Bearer ${key}`, 'anthropic-version': '2023-06-01' },
    ]
    for (const headers of forms) {
      const body = (await (await get('/v1/models?limit=2', headers)).json()) as Record<string, unknown>
      expect(body).toEqual({
        data: [expect.objectContaining({ type: 'model', id: IDS[0]! }), expect.objectContaining({ type: 'model', id: IDS[1]! })],
        has_more: true,
        first_id: IDS[0]!,
        last_id: IDS[1]!,
      })
    }
    const openai = (await (await get('/v1/models', { authorization: `Bearer ${key}` })).json()) as { object: string }
    expect(openai.object).toBe('list')
  })

  test('bad cursors and limits are 400s, and a missing key a 401, in Anthropic’s shape', async () => {
    const anthropic = { 'x-api-key': key, 'anthropic-version': '2023-06-01' }
    for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'after_id=nope', `after_id=${IDS[1]}&before_id=${IDS[5]}`]) {
      const response = await get(`/v1/models?${query}`, anthropic)
      expect(response.status).toBe(400)
      const body = (await response.json()) as { type: string; error: { type: string; code: string } }
      expect(body.type).toBe('error')
      expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_body' })
    }
    const unauthenticated = await get('/v1/models', { 'anthropic-version': '2023-06-01' })
    expect(unauthenticated.status).toBe(401)
    expect(await unauthenticated.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', code: 'missing_api_key' } })
  })
})
