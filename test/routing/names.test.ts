// Model names through the official SDKs: aliases, glob patterns (most specific wins) and key-suffix routing to one provider.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { logRow, startHub, type TestHub } from '../helpers'
import { serveMock, type HttpMock } from '../support/mock-http'

let upstream: HttpMock
let hub: TestHub
let key: string
let freeKey: string

const window = { context_window: 200000, max_output_tokens: 1024 }

beforeAll(async () => {
  upstream = serveMock()
  hub = await startHub({
    config: {
      providers: {
        one: { type: 'openai', base_url: `${upstream.url}/v1`, api_key: 'sk-upstream-one' },
        two: { type: 'openai', base_url: `${upstream.url}/v1`, api_key: 'sk-upstream-two' },
        anth: { type: 'anthropic', base_url: upstream.url, api_key: 'sk-ant-upstream' },
      },
      models: [
        {
          id: 'gpt-4o-mini',
          provider: 'one',
          aliases: ['gpt-4o-mini-2024-07-18'],
          input_usd_per_mtok: 1,
          output_usd_per_mtok: 2,
          ...window,
        },
        { id: 'mini-on-two', provider: 'two', upstream_model: 'gpt-4o-mini', input_usd_per_mtok: 3, output_usd_per_mtok: 4, ...window },
        { id: 'claude-sonnet-4-5', provider: 'anth', input_usd_per_mtok: 5, output_usd_per_mtok: 6, ...window },
        { id: 'claude-*', provider: 'anth', input_usd_per_mtok: 7, output_usd_per_mtok: 8, ...window },
        { id: 'claude-opus-*', provider: 'anth', input_usd_per_mtok: 9, output_usd_per_mtok: 10, ...window },
        { id: '*', provider: 'one', input_usd_per_mtok: 11, output_usd_per_mtok: 12, ...window },
      ],
      plans: { free: { models: ['gpt-4o-mini'] }, standard: { models: ['*'] } },
    },
  })
  ;({ key } = await hub.account({ balanceUsd: '50.00' }))
  ;({ key: freeKey } = await hub.account({ balanceUsd: '5.00', plan: 'free' }))
})
afterAll(async () => {
  await hub.close()
  upstream.stop()
})

const openai = (apiKey = key) => new OpenAI({ apiKey, baseURL: `${hub.url}/v1`, maxRetries: 0 })
const anthropic = (apiKey = key) => new Anthropic({ apiKey, baseURL: hub.url, maxRetries: 0 })

async function chatThroughOpenAI(model: string, apiKey = key) {
  const { data, response } = await openai(apiKey)
    .chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 20 })
    .withResponse()
  return { data, row: await logRow(hub, response.headers.get('x-request-id')!) }
}

const costOf = (usage: { prompt: number; completion: number }, input: number, output: number) =>
  usage.prompt * input + usage.completion * output

describe('aliases', () => {
  test('a request for an alias is served, billed and logged as the model', async () => {
    const { data, row } = await chatThroughOpenAI('gpt-4o-mini-2024-07-18')
    expect(data.model).toBe('gpt-4o-mini')
    expect(row).toMatchObject({ model: 'gpt-4o-mini', provider: 'one' })
    expect(row.cost_micros).toBe(costOf({ prompt: data.usage!.prompt_tokens, completion: data.usage!.completion_tokens }, 1, 2))
    expect(upstream.mock.stats.lastModel).toBe('gpt-4o-mini')
  })

  test("a plan naming the model covers its aliases; other models stay out of the plan's reach", async () => {
    const { data } = await chatThroughOpenAI('gpt-4o-mini-2024-07-18', freeKey)
    expect(data.model).toBe('gpt-4o-mini')
    const refused = await openai(freeKey)
      .chat.completions.create({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError)
  })

  test('GET /v1/models lists model ids, not aliases or patterns; an alias can still be retrieved', async () => {
    const ids = (await openai().models.list()).data.map((m) => m.id)
    expect(ids).toEqual(['claude-sonnet-4-5', 'gpt-4o-mini', 'mini-on-two'])
    expect((await openai().models.retrieve('gpt-4o-mini-2024-07-18')).id).toBe('gpt-4o-mini-2024-07-18')
    expect((await openai(freeKey).models.list()).data.map((m) => m.id)).toEqual(['gpt-4o-mini'])
  })
})

describe('patterns', () => {
  test('Claude Code style default model through the Anthropic SDK: the longer pattern wins, the name sent goes upstream and into the bill', async () => {
    const { data, response } = await anthropic()
      .messages.create({ model: 'claude-opus-4-8', max_tokens: 20, messages: [{ role: 'user', content: 'Hello' }] })
      .withResponse()
    expect(data.model).toBe('claude-opus-4-8')
    expect(upstream.mock.stats.lastModel).toBe('claude-opus-4-8')
    const row = await logRow(hub, response.headers.get('x-request-id')!)
    expect(row).toMatchObject({ model: 'claude-opus-4-8', provider: 'anth' })
    expect(row.cost_micros).toBe(costOf({ prompt: row.prompt_tokens as number, completion: row.completion_tokens as number }, 9, 10))
  })

  test('a shorter pattern serves the rest of its family; an exact id beats every pattern', async () => {
    const haiku = await chatThroughOpenAI('claude-haiku-4-5')
    expect(haiku.row).toMatchObject({ model: 'claude-haiku-4-5', provider: 'anth' })
    expect(haiku.row.cost_micros).toBe(
      costOf({ prompt: haiku.row.prompt_tokens as number, completion: haiku.row.completion_tokens as number }, 7, 8),
    )
    const sonnet = await chatThroughOpenAI('claude-sonnet-4-5')
    expect(sonnet.row.cost_micros).toBe(
      costOf({ prompt: sonnet.row.prompt_tokens as number, completion: sonnet.row.completion_tokens as number }, 5, 6),
    )
  })

  test('`*` serves any other name at its prices, the name passed upstream', async () => {
    const { data, row } = await chatThroughOpenAI('some-client-default-model')
    expect(data.model).toBe('some-client-default-model')
    expect(upstream.mock.stats.lastModel).toBe('some-client-default-model')
    expect(row.cost_micros).toBe(costOf({ prompt: data.usage!.prompt_tokens, completion: data.usage!.completion_tokens }, 11, 12))
  })
})

describe('key-suffix routing', () => {
  test('`-two/gpt-4o-mini` reaches provider two with upstream id gpt-4o-mini although provider one serves a gpt-4o-mini too', async () => {
    const { data, row } = await chatThroughOpenAI('whatever-the-client-sends', `${key}-two/gpt-4o-mini`)
    expect(data.model).toBe('mini-on-two')
    expect(row).toMatchObject({ model: 'mini-on-two', provider: 'two' })
    expect(upstream.mock.stats.lastModel).toBe('gpt-4o-mini')
    expect(upstream.mock.stats.lastAuthorization).toBe('Bearer sk-upstream-two')
  })

  test('`-one/gpt-4o-mini` reaches provider one; `-anth/claude-opus-4-8` goes through the pattern on its provider', async () => {
    await chatThroughOpenAI('x', `${key}-one/gpt-4o-mini`)
    expect(upstream.mock.stats.lastAuthorization).toBe('Bearer sk-upstream-one')
    const { row } = await chatThroughOpenAI('x', `${key}-anth/claude-opus-4-8`)
    expect(row).toMatchObject({ model: 'claude-opus-4-8', provider: 'anth' })
  })

  test('a provider that serves no such model is a 404', async () => {
    const missing = await openai(`${key}-anth/gpt-4o-mini`)
      .chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError)
  })
})

describe('the embedded default (`npm start`)', () => {
  let demo: TestHub
  let demoKey: string
  beforeAll(async () => {
    const { embeddedDefaultConfig } = await import('../../src/config/defaults')
    const { providers, models, plans } = embeddedDefaultConfig() as Record<string, unknown>
    demo = await startHub({ config: { providers, models, plans } })
    ;({ key: demoKey } = await demo.account({ balanceUsd: '10.00' }))
  })
  afterAll(() => demo.close())

  test("Claude Code's default model, a Gemini name and any other name are served by the mock, billed at the demo prices", async () => {
    const claude = new Anthropic({ apiKey: demoKey, baseURL: demo.url, maxRetries: 0 })
    const { data, response } = await claude.messages
      .create({ model: 'claude-opus-4-8', max_tokens: 32, messages: [{ role: 'user', content: 'Hello' }] })
      .withResponse()
    expect(data.model).toBe('claude-opus-4-8')
    const row = await logRow(demo, response.headers.get('x-request-id')!)
    expect(row).toMatchObject({ model: 'claude-opus-4-8', provider: 'mock-anthropic' })
    expect(row.cost_micros).toBe((row.prompt_tokens as number) * 3 + (row.completion_tokens as number) * 15)

    const client = new OpenAI({ apiKey: demoKey, baseURL: `${demo.url}/v1`, maxRetries: 0 })
    for (const [model, provider] of [
      ['gemini-3-pro-preview', 'mock-gemini'],
      ['gpt-5.1-codex', 'mock'],
    ]) {
      const answer = await client.chat.completions.create({ model: model!, messages: [{ role: 'user', content: 'Hi' }] }).withResponse()
      expect(answer.data.model).toBe(model!)
      expect(await logRow(demo, answer.response.headers.get('x-request-id')!)).toMatchObject({ model, provider })
    }
    // The catalog's own models keep their exact entries (and prices).
    const listed = (await client.models.list()).data.map((m) => m.id)
    expect(listed).toContain('gpt-4o-mini')
    expect(listed.some((id) => id.includes('*'))).toBe(false)
  })
})
