// POST /v1/messages through the official @anthropic-ai/sdk, to openai, anthropic and gemini upstreams over HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import { estimatePrompt } from '../../../src/tokens/estimate'
import { parseAnthropicMessages } from '../../../src/formats/anthropic/request'
import { MOCK_THOUGHT_SIGNATURE } from '../../../src/mock-upstream/gemini'
import { logRow, post, startHub, type TestHub } from '../../helpers'
import { mockHubConfig, PROVIDER_TYPES, serveMock, UPSTREAM_KEYS, type HttpMock } from '../../support/mock-http'

let upstream: HttpMock
let hub: TestHub
let key: string
let accountId: string
let client: Anthropic

beforeAll(async () => {
  upstream = serveMock()
  hub = await startHub({ config: mockHubConfig(upstream.url) })
  ;({ key, accountId } = await hub.account({ balanceUsd: '5.00' }))
  client = new Anthropic({ apiKey: key, baseURL: hub.url, maxRetries: 0 })
})
afterAll(async () => {
  await hub.close()
  upstream.stop()
})

const PATHS = { openai: '/v1/chat/completions', anthropic: '/v1/messages', gemini: '/v1beta/models/mock-gemini:generateContent' }
const AUTH = { openai: `Bearer ${UPSTREAM_KEYS.openai}`, anthropic: UPSTREAM_KEYS.anthropic, gemini: UPSTREAM_KEYS.gemini }
const TOOL = {
  name: 'lookup',
  description: 'Look something up',
  input_schema: { type: 'object' as const, properties: { query: { type: 'string' } } },
}
// biome-ignore lint/suspicious/noExplicitAny: test introspection of arbitrary wire bodies
const last = () => upstream.mock.stats.lastBody as Record<string, any>

/** The event names of an SSE body, consecutive repeats collapsed. */
function eventNames(text: string): string[] {
  const names = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]!)
  return names.filter((name, i) => name !== names[i - 1])
}

describe('/v1/messages via @anthropic-ai/sdk', () => {
  for (const type of PROVIDER_TYPES) {
    test(`${type} upstream: a plain answer in Anthropic's shape, the system prompt in the upstream's`, async () => {
      const { data, response } = await client.messages
        .create({
          model: `${type}-chat`,
          max_tokens: 200,
          system: 'Answer in English.',
          messages: [{ role: 'user', content: 'Say hello' }],
        })
        .withResponse()
      expect(data.type).toBe('message')
      expect(data.model).toBe(`${type}-chat`)
      expect(data.content[0]!.type).toBe('text')
      expect((data.content[0] as Anthropic.TextBlock).text.length).toBeGreaterThan(0)
      expect(data.stop_reason).toBe('end_turn')
      expect(data.usage.input_tokens).toBeGreaterThan(0)
      expect(data.usage.output_tokens).toBeGreaterThan(0)
      const cost = Math.round((data.usage.input_tokens + (data.usage.cache_read_input_tokens ?? 0)) * 1 + data.usage.output_tokens * 2)
      expect(Math.round(Number(response.headers.get('x-token-hub-cost-usd')) * 1e6)).toBe(cost)

      expect(upstream.mock.stats.lastPath).toBe(PATHS[type])
      expect(upstream.mock.stats.lastAuthorization).toBe(AUTH[type])
      expect(upstream.mock.stats.lastAuthorization).not.toContain(key)
      const body = last()
      if (type === 'openai') expect(body.messages[0]).toEqual({ role: 'system', content: 'Answer in English.' })
      if (type === 'anthropic') expect(body.system).toBe('Answer in English.')
      if (type === 'gemini') expect(body.systemInstruction).toEqual({ parts: [{ text: 'Answer in English.' }] })
    })

    test(`${type} upstream: streamed in Anthropic's exact event sequence, assembled by the SDK`, async () => {
      const final = await client.messages
        .stream({ model: `${type}-chat`, max_tokens: 200, messages: [{ role: 'user', content: 'Stream a greeting' }] })
        .finalMessage()
      expect(final.model).toBe(`${type}-chat`)
      expect((final.content[0] as Anthropic.TextBlock).text.length).toBeGreaterThan(0)
      expect(final.stop_reason).toBe('end_turn')
      expect(final.usage.input_tokens).toBeGreaterThan(0)
      expect(final.usage.output_tokens).toBeGreaterThan(0)

      const raw = await post(
        hub,
        '/v1/messages',
        null,
        { model: `${type}-chat`, max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'Stream a greeting' }] },
        { 'x-api-key': key },
      )
      expect(raw.headers.get('content-type')).toContain('text/event-stream')
      expect(eventNames(await raw.text())).toEqual([
        'message_start',
        'content_block_start',
        'ping',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ])
    })

    test(`${type} upstream: a tool call and its result, streamed and not`, async () => {
      const ask = {
        model: `${type}-chat`,
        max_tokens: 200,
        tools: [TOOL],
        messages: [{ role: 'user' as const, content: 'Find the weather in Oslo' }],
      }
      const first = await client.messages.create(ask)
      expect(first.stop_reason).toBe('tool_use')
      const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!
      expect(call.name).toBe('lookup')
      expect(call.input).toEqual({ query: 'Find the weather in Oslo' })

      const streamed = await client.messages.stream(ask).finalMessage()
      expect(streamed.stop_reason).toBe('tool_use')
      const streamedCall = streamed.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!
      expect(streamedCall.input).toEqual({ query: 'Find the weather in Oslo' })

      const second = await client.messages.create({
        ...ask,
        messages: [
          ...ask.messages,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '-3°C and snowing' }] },
        ],
      })
      expect(second.stop_reason).toBe('end_turn')
      expect((second.content[0] as Anthropic.TextBlock).text.length).toBeGreaterThan(0)
      const body = last()
      if (type === 'openai') {
        expect(body.messages.at(-2).tool_calls[0]).toMatchObject({ id: call.id, function: { name: 'lookup' } })
        expect(body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: call.id, content: '-3°C and snowing' })
      }
      if (type === 'anthropic')
        expect(body.messages.at(-1).content[0]).toEqual({ type: 'tool_result', tool_use_id: call.id, content: '-3°C and snowing' })
      if (type === 'gemini') {
        expect(body.contents.at(-2).parts[0]).toEqual({
          functionCall: { name: 'lookup', args: { query: 'Find the weather in Oslo' } },
          thoughtSignature: MOCK_THOUGHT_SIGNATURE,
        })
        expect(body.contents.at(-1).parts[0]).toEqual({ functionResponse: { name: 'lookup', response: { output: '-3°C and snowing' } } })
      }
    })
  }

  test('images reach each upstream in its own shape', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='
    const content: Anthropic.ContentBlockParam[] = [
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
    ]
    const seen: Record<string, unknown> = {}
    for (const type of PROVIDER_TYPES) {
      await client.messages.create({ model: `${type}-chat`, max_tokens: 50, messages: [{ role: 'user', content }] })
      const body = last()
      seen[type] =
        type === 'openai' ? body.messages[0].content[1] : type === 'anthropic' ? body.messages[0].content[1] : body.contents[0].parts[1]
    }
    expect(seen).toEqual({
      openai: { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
      anthropic: { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
      gemini: { inlineData: { mimeType: 'image/png', data: png } },
    })
  })

  test('the key works as x-api-key and as Authorization: Bearer', async () => {
    const body = { model: 'openai-chat', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }
    expect((await post(hub, '/v1/messages', null, body, { 'x-api-key': key })).status).toBe(200)
    expect((await post(hub, '/v1/messages', key, body)).status).toBe(200)
    // Older SDK versions sent the key as x-api-key; current ones send Authorization: Bearer.
    const older = new Anthropic({ apiKey: null, authToken: null, defaultHeaders: { 'x-api-key': key }, baseURL: hub.url, maxRetries: 0 })
    expect((await older.messages.create({ ...body, messages: [{ role: 'user', content: 'hi' }] })).type).toBe('message')
    expect((await client.messages.create({ ...body, messages: [{ role: 'user', content: 'hi' }] })).type).toBe('message')
  })

  test('anthropic-version and anthropic-beta reach Anthropic upstreams; a default version otherwise', async () => {
    const body = { model: 'anthropic-chat', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }
    await post(hub, '/v1/messages', key, body, {
      'anthropic-version': '2023-01-01',
      'anthropic-beta': 'prompt-caching-2024-07-31,tools-2024-05-16',
    })
    expect(upstream.mock.stats.lastHeaders).toMatchObject({
      'anthropic-version': '2023-01-01',
      'anthropic-beta': 'prompt-caching-2024-07-31,tools-2024-05-16',
    })
    await post(hub, '/v1/messages', key, body)
    expect(upstream.mock.stats.lastHeaders!['anthropic-version']).toBe('2023-06-01')
    expect(upstream.mock.stats.lastHeaders!['anthropic-beta']).toBeUndefined()
    await post(hub, '/v1/messages', key, { ...body, model: 'openai-chat' }, { 'anthropic-beta': 'x' })
    expect(upstream.mock.stats.lastHeaders!['anthropic-beta']).toBeUndefined()
  })

  test("max_tokens left out: the upstream gets the model's max_output_tokens", async () => {
    const body = { messages: [{ role: 'user', content: 'hi' }] }
    expect((await post(hub, '/v1/messages', key, { ...body, model: 'anthropic-chat' })).status).toBe(200)
    expect(last().max_tokens).toBe(4096)
    expect((await post(hub, '/v1/messages', key, { ...body, model: 'gemini-chat' })).status).toBe(200)
    expect(last().generationConfig.maxOutputTokens).toBe(4096)
  })

  test('count_tokens answers the estimate after the same key and model checks, without calling the upstream', async () => {
    const params = {
      model: 'anthropic-chat',
      system: 'Be terse.',
      messages: [{ role: 'user' as const, content: 'How many tokens is this?' }],
      tools: [TOOL],
    }
    const calls = upstream.mock.stats.calls
    const counted = await client.messages.countTokens(params)
    expect(counted.input_tokens).toBe(estimatePrompt(parseAnthropicMessages(params)).high)
    expect(counted.input_tokens).toBeGreaterThan(10)
    expect(upstream.mock.stats.calls).toBe(calls)

    const noKey = await post(hub, '/v1/messages/count_tokens', null, params)
    expect(noKey.status).toBe(401)
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', code: 'missing_api_key' } })
    const unknown = await post(hub, '/v1/messages/count_tokens', key, { ...params, model: 'nope' })
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).error.message).toContain("No provider for model 'nope'")
    const { key: narrow } = await hub.account({ key: { models: ['openai-chat'] } })
    const denied = await post(hub, '/v1/messages/count_tokens', narrow, params)
    expect(denied.status).toBe(403)
    expect((await denied.json()).error.code).toBe('model_not_allowed')
  })

  test("errors come in Anthropic's shape; untranslatable fields are named", async () => {
    const invalid = await post(hub, '/v1/messages', key, { model: 'openai-chat', max_tokens: 10 })
    expect(invalid.status).toBe(400)
    expect(await invalid.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'invalid_body', message: "Missing required field 'messages'." },
    })
    // `thinking` crosses formats now (the reasoning table); MCP servers run on Anthropic's side only.
    const thinking = await post(hub, '/v1/messages', key, {
      model: 'gemini-chat',
      max_tokens: 2048,
      mcp_servers: [{ type: 'url', url: 'https://mcp.example.com/sse', name: 'x' }],
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(thinking.status).toBe(400)
    expect((await thinking.json()).error.message).toContain('cannot carry: mcp_servers')
    const refused = await client.messages.create({ model: 'openai-chat', max_tokens: 10, messages: [] }).then(
      () => null,
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError)
    expect((refused as InstanceType<typeof Anthropic.BadRequestError>).status).toBe(400)
  })

  test('a streamed call is billed at the usage the upstream reported and logged', async () => {
    const response = await post(hub, '/v1/messages', key, {
      model: 'gemini-chat',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'bill me' }],
    })
    const requestId = response.headers.get('x-request-id')!
    const text = await response.text()
    const delta = JSON.parse(/event: message_delta\ndata: (.+)/.exec(text)![1]!) as {
      usage: { input_tokens: number; output_tokens: number }
    }
    const row = await logRow(hub, requestId)
    expect(row).toMatchObject({ status: 200, stream: true, model: 'gemini-chat', provider: 'gemini', account_id: accountId })
    expect(row.prompt_tokens).toBe(delta.usage.input_tokens)
    expect(row.completion_tokens).toBe(delta.usage.output_tokens)
    expect(row.cost_micros).toBe(delta.usage.input_tokens * 1 + delta.usage.output_tokens * 2)
  })
})
