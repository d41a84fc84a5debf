// POST /v1/completions through the official `openai` SDK: relayed to OpenAI-type upstreams, translated prompt → chat for the others; billed and logged.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { logRow, post, startHub, type TestHub } from '../../helpers'
import { mockHubConfig, serveMock, UPSTREAM_KEYS, type HttpMock } from '../../support/mock-http'

let http: HttpMock
let hub: TestHub
let key: string
let accountId: string
let client: OpenAI

beforeAll(async () => {
  http = serveMock()
  hub = await startHub({ config: mockHubConfig(http.url) })
  ;({ key, accountId } = await hub.account({ balanceUsd: '5.00' }))
  client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
})
afterAll(async () => {
  await hub.close()
  http.stop()
})

// biome-ignore lint/suspicious/noExplicitAny: test introspection of arbitrary wire bodies
const last = () => http.mock.stats.lastBody as Record<string, any>
/** mockHubConfig's prices: $1 / $2 per million tokens, so a call costs input + 2 × output µUSD. */
const costOf = (usage: { prompt_tokens: number; completion_tokens: number }) => usage.prompt_tokens + 2 * usage.completion_tokens

/** The newest ledger entry of the account, and the log row of a request. */
async function charged(requestId: string) {
  const row = await logRow(hub, requestId)
  const { entries } = await hub.hub.store.ledger.list(accountId, { limit: 1 })
  return { row, entry: entries[0]! }
}

const FAMILIES = [
  { model: 'openai-chat', relayed: true, path: '/v1/completions' },
  { model: 'anthropic-chat', relayed: false, path: '/v1/messages' },
  { model: 'gemini-chat', relayed: false, path: '/v1beta/models/mock-gemini:generateContent' },
]

describe('/v1/completions via the openai SDK', () => {
  for (const family of FAMILIES) {
    test(`${family.model}: a text_completion, billed at the reported usage and logged`, async () => {
      const { data, response } = await client.completions
        .create({ model: family.model, prompt: 'Say this is a test', max_tokens: 7, temperature: 0 })
        .withResponse()
      expect(data.object).toBe('text_completion')
      expect(data.model).toBe(family.model)
      expect(data.choices).toHaveLength(1)
      expect(data.choices[0]!.text.length).toBeGreaterThan(0)
      expect(data.choices[0]!.index).toBe(0)
      expect(data.choices[0]!.logprobs).toBeNull()
      expect(['stop', 'length']).toContain(data.choices[0]!.finish_reason)
      const usage = data.usage!
      expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens)
      expect(usage.completion_tokens).toBeLessThanOrEqual(7)

      expect(http.mock.stats.lastPath).toBe(family.path)
      if (family.relayed) {
        // As it came: only the model id changed.
        expect(last()).toEqual({ model: 'mock-openai', prompt: 'Say this is a test', max_tokens: 7, temperature: 0, stream: false })
        expect(http.mock.stats.lastAuthorization).toBe(`Bearer ${UPSTREAM_KEYS.openai}`)
      } else if (family.model === 'anthropic-chat') {
        expect(last()).toMatchObject({
          messages: [{ role: 'user', content: [{ type: 'text', text: 'Say this is a test' }] }],
          max_tokens: 7,
        })
      } else {
        expect(last()).toMatchObject({ contents: [{ role: 'user', parts: [{ text: 'Say this is a test' }] }] })
      }

      const cost = response.headers.get('x-token-hub-cost-usd')!
      expect(Math.round(Number(cost) * 1e6)).toBe(costOf(usage))
      const { row, entry } = await charged(response.headers.get('x-request-id')!)
      expect(row).toMatchObject({ route: '/v1/completions', model: family.model, status: 200, stream: false })
      expect(row.prompt_tokens).toBe(usage.prompt_tokens)
      expect(row.completion_tokens).toBe(usage.completion_tokens)
      expect(entry.type).toBe('charge')
      expect(entry.requestId).toBe(row.request_id as string)
      expect(-entry.amountMicros).toBe(costOf(usage))
    })

    test(`${family.model}: streamed as text_completion chunks, usage when asked, ending in [DONE]`, async () => {
      const { data: stream, response } = await client.completions
        .create({ model: family.model, prompt: 'Stream a test', max_tokens: 12, stream: true, stream_options: { include_usage: true } })
        .withResponse()
      const chunks: OpenAI.Completion[] = []
      for await (const chunk of stream) chunks.push(chunk)
      expect(chunks.every((c) => c.object === 'text_completion' && c.model === family.model)).toBe(true)
      const text = chunks.flatMap((c) => c.choices.map((choice) => choice.text)).join('')
      expect(text.length).toBeGreaterThan(0)
      const finishes = chunks.flatMap((c) => c.choices.flatMap((choice) => (choice.finish_reason ? [choice.finish_reason] : [])))
      expect(finishes).toHaveLength(1)
      const usage = chunks.at(-1)!.usage!
      expect(chunks.at(-1)!.choices).toEqual([])
      expect(usage.completion_tokens).toBeGreaterThan(0)
      if (family.relayed) expect(last().stream_options).toEqual({ include_usage: true })

      const { row, entry } = await charged(response.headers.get('x-request-id')!)
      expect(row).toMatchObject({ route: '/v1/completions', model: family.model, status: 200, stream: true })
      expect(row.completion_tokens).toBe(usage.completion_tokens)
      expect(entry.requestId).toBe(row.request_id as string)
      expect(-entry.amountMicros).toBe(costOf(usage))
    })
  }

  test('a stream without include_usage carries no usage chunk, but is still billed', async () => {
    for (const model of ['openai-chat', 'anthropic-chat']) {
      const response = await post(hub, '/v1/completions', key, { model, prompt: 'hi', max_tokens: 5, stream: true })
      const text = await response.text()
      expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
      expect(text).not.toContain('"usage"')
      const row = await logRow(hub, response.headers.get('x-request-id')!)
      expect(row.cost_micros).toBeGreaterThan(0)
    }
  })

  test("without max_tokens, OpenAI's default of 16 is what is sent and held", async () => {
    await client.completions.create({ model: 'openai-chat', prompt: 'hi' })
    expect(last().max_tokens).toBe(16)
    await client.completions.create({ model: 'anthropic-chat', prompt: 'hi' })
    expect(last().max_tokens).toBe(16)
  })

  test('several prompts and n are relayed to an OpenAI upstream, one choice each, held for all of them', async () => {
    const completion = await client.completions.create({ model: 'openai-chat', prompt: ['one', 'two'], n: 2, max_tokens: 3 })
    expect(completion.choices.map((c) => c.index)).toEqual([0, 1, 2, 3])
    expect(last().prompt).toEqual(['one', 'two'])
    expect(last().n).toBe(2)
  })

  test('what a chat model cannot take is refused by name when translated', async () => {
    for (const [field, body] of [
      ['prompt', { prompt: ['one', 'two'] }],
      ['prompt', { prompt: [1, 2, 3] }],
      ['prompt', { prompt: null }],
      ['prompt', { prompt: '' }],
      ['logprobs', { prompt: 'hi', logprobs: 2 }],
      ['echo', { prompt: 'hi', echo: true }],
      ['suffix', { prompt: 'def f(', suffix: '\n' }],
    ] as const) {
      const response = await post(hub, '/v1/completions', key, { model: 'anthropic-chat', max_tokens: 5, ...body })
      expect(response.status).toBe(400)
      const error = ((await response.json()) as { error: { code: string; param: string } }).error
      expect(error).toMatchObject({ code: 'invalid_body', param: field })
    }
    // The same fields reach an OpenAI upstream.
    const relayed = await post(hub, '/v1/completions', key, { model: 'openai-chat', max_tokens: 5, prompt: 'hi', logprobs: 2, echo: true })
    expect(relayed.status).toBe(200)
    expect(last()).toMatchObject({ logprobs: 2, echo: true })
  })
})
