// /v1/chat/completions and /v1/embeddings through the openai SDK, served by anthropic and gemini upstreams over HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { post, startHub, type TestHub } from '../../helpers'
import { mockHubConfig, PROVIDER_TYPES, serveMock, type HttpMock } from '../../support/mock-http'

let upstream: HttpMock
let hub: TestHub
let key: string
let client: OpenAI

beforeAll(async () => {
  upstream = serveMock()
  hub = await startHub({ config: mockHubConfig(upstream.url) })
  ;({ key } = await hub.account({ balanceUsd: '5.00' }))
  client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
})
afterAll(async () => {
  await hub.close()
  upstream.stop()
})

const TOOL: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'lookup', description: 'Look something up', parameters: { type: 'object', properties: { query: { type: 'string' } } } },
}
// biome-ignore lint/suspicious/noExplicitAny: test introspection of arbitrary wire bodies
const last = () => upstream.mock.stats.lastBody as Record<string, any>

describe('chat completions via the openai SDK, every upstream type', () => {
  for (const type of PROVIDER_TYPES) {
    test(`${type} upstream: a plain answer with usage; stop and temperature reach the upstream`, async () => {
      const completion = await client.chat.completions.create({
        model: `${type}-chat`,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello' },
        ],
        stop: ['###'],
        temperature: 0.4,
      })
      expect(completion.object).toBe('chat.completion')
      expect(completion.model).toBe(`${type}-chat`)
      expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0)
      expect(completion.choices[0]!.finish_reason).toBe('stop')
      expect(completion.usage!.prompt_tokens).toBeGreaterThan(0)
      expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens)
      const body = last()
      if (type === 'openai') expect(body).toMatchObject({ stop: ['###'], temperature: 0.4 })
      if (type === 'anthropic')
        expect(body).toMatchObject({ system: 'Be brief.', stop_sequences: ['###'], temperature: 0.4, max_tokens: 4096 })
      if (type === 'gemini')
        expect(body).toMatchObject({ generationConfig: { stopSequences: ['###'], temperature: 0.4, maxOutputTokens: 4096 } })
    })

    test(`${type} upstream: streamed chunks carry the client model and end with usage and [DONE]`, async () => {
      const stream = await client.chat.completions.create({
        model: `${type}-chat`,
        messages: [{ role: 'user', content: 'Stream please' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      let text = ''
      let finish: string | null = null
      let usage: OpenAI.CompletionUsage | undefined
      for await (const chunk of stream) {
        expect(chunk.model).toBe(`${type}-chat`)
        text += chunk.choices[0]?.delta?.content ?? ''
        finish = chunk.choices[0]?.finish_reason ?? finish
        if (chunk.usage) usage = chunk.usage
      }
      expect(text.length).toBeGreaterThan(0)
      expect(finish).toBe('stop')
      expect(usage!.completion_tokens).toBeGreaterThan(0)
      const raw = await (
        await post(hub, '/v1/chat/completions', key, {
          model: `${type}-chat`,
          stream: true,
          messages: [{ role: 'user', content: 'Stream please' }],
        })
      ).text()
      expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true)
      expect(raw).not.toContain('"prompt_tokens"')
    })

    test(`${type} upstream: tool calls and their results, streamed and not`, async () => {
      const ask = { model: `${type}-chat`, tools: [TOOL], messages: [{ role: 'user' as const, content: 'Find flights to Lima' }] }
      const first = await client.chat.completions.create(ask)
      expect(first.choices[0]!.finish_reason).toBe('tool_calls')
      const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall
      expect(call.function.name).toBe('lookup')
      expect(JSON.parse(call.function.arguments)).toEqual({ query: 'Find flights to Lima' })

      const stream = await client.chat.completions.create({ ...ask, stream: true })
      const calls: Record<number, { id?: string; name?: string; args: string }> = {}
      let finish: string | null = null
      for await (const chunk of stream) {
        for (const delta of chunk.choices[0]?.delta?.tool_calls ?? []) {
          calls[delta.index] ??= { args: '' }
          const entry = calls[delta.index]!
          if (delta.id) entry.id = delta.id
          if (delta.function?.name) entry.name = delta.function.name
          entry.args += delta.function?.arguments ?? ''
        }
        finish = chunk.choices[0]?.finish_reason ?? finish
      }
      expect(finish).toBe('tool_calls')
      expect(Object.keys(calls)).toEqual(['0'])
      expect(calls[0]!.name).toBe('lookup')
      expect(JSON.parse(calls[0]!.args)).toEqual({ query: 'Find flights to Lima' })

      const second = await client.chat.completions.create({
        ...ask,
        messages: [...ask.messages, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'LIM: 3 flights' }],
      })
      expect(second.choices[0]!.finish_reason).toBe('stop')
      expect(second.choices[0]!.message.content!.length).toBeGreaterThan(0)
      const body = last()
      if (type === 'anthropic') {
        expect(body.messages.at(-2).content[0]).toEqual({
          type: 'tool_use',
          id: call.id,
          name: 'lookup',
          input: { query: 'Find flights to Lima' },
        })
        expect(body.messages.at(-1).content[0]).toEqual({ type: 'tool_result', tool_use_id: call.id, content: 'LIM: 3 flights' })
      }
      if (type === 'gemini')
        expect(body.contents.at(-1).parts[0]).toEqual({ functionResponse: { name: 'lookup', response: { output: 'LIM: 3 flights' } } })
    })

    test(`${type} upstream: cached prompt tokens are reported and billed as prompt tokens`, async () => {
      const long = 'The quarterly ledger lists every account and its balance in detail. '.repeat(80)
      const { data, response } = await client.chat.completions
        .create({ model: `${type}-chat`, messages: [{ role: 'user', content: long }] })
        .withResponse()
      expect(data.usage!.prompt_tokens).toBeGreaterThan(1024)
      const details = data.usage!.prompt_tokens_details as { cached_tokens: number; cache_write_tokens?: number }
      if (type === 'anthropic') {
        // token-hub marks the conversation's end for Claude (auto_cache): a first turn writes the prefix.
        expect(details.cached_tokens).toBe(0)
        expect(details.cache_write_tokens).toBeGreaterThan(1024)
      } else expect(details.cached_tokens).toBe(1024)
      const expected = data.usage!.prompt_tokens * 1 + data.usage!.completion_tokens * 2
      expect(Math.round(Number(response.headers.get('x-token-hub-cost-usd')) * 1e6)).toBe(expected)
    })
  }

  test('images and the end-user id reach anthropic and gemini upstreams in their shapes', async () => {
    const content: OpenAI.ChatCompletionContentPart[] = [
      { type: 'text', text: 'Describe' },
      { type: 'image_url', image_url: { url: 'https://example.com/photo.webp' } },
    ]
    await client.chat.completions.create({ model: 'anthropic-chat', user: 'end-user-7', messages: [{ role: 'user', content }] })
    expect(last().messages[0].content[1]).toEqual({ type: 'image', source: { type: 'url', url: 'https://example.com/photo.webp' } })
    expect(last().metadata).toEqual({ user_id: 'end-user-7' })
    await client.chat.completions.create({ model: 'gemini-chat', messages: [{ role: 'user', content }] })
    expect(last().contents[0].parts[1]).toEqual({ fileData: { fileUri: 'https://example.com/photo.webp', mimeType: 'image/webp' } })
  })

  test('a field the target format cannot carry is a 400 naming it', async () => {
    const response = await post(hub, '/v1/chat/completions', key, {
      model: 'anthropic-chat',
      n: 3,
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(response.status).toBe(400)
    expect((await response.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_body', param: 'n' })
    const calls = upstream.mock.stats.calls
    const topK = await post(hub, '/v1/messages', key, {
      model: 'openai-chat',
      max_tokens: 10,
      top_k: 5,
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(topK.status).toBe(400)
    expect((await topK.json()).error.message).toContain('top_k')
    expect(upstream.mock.stats.calls).toBe(calls)
  })
})

describe('embeddings via the openai SDK, gemini upstream', () => {
  test('one input goes to embedContent, several to batchEmbedContents, in order', async () => {
    const one = await client.embeddings.create({ model: 'gemini-embed', input: 'hello world', dimensions: 4, encoding_format: 'float' })
    expect(upstream.mock.stats.lastPath).toBe('/v1beta/models/mock-embedding:embedContent')
    expect(one.data).toHaveLength(1)
    expect(one.data[0]!.embedding).toHaveLength(4)
    expect(one.model).toBe('gemini-embed')
    expect(one.usage.prompt_tokens).toBeGreaterThan(0)

    const many = await client.embeddings.create({
      model: 'gemini-embed',
      input: ['alpha', 'hello world', 'gamma'],
      dimensions: 4,
      encoding_format: 'float',
    })
    expect(upstream.mock.stats.lastPath).toBe('/v1beta/models/mock-embedding:batchEmbedContents')
    expect(last().requests[1]).toEqual({
      model: 'models/mock-embedding',
      content: { parts: [{ text: 'hello world' }] },
      outputDimensionality: 4,
    })
    expect(many.data.map((d) => d.index)).toEqual([0, 1, 2])
    expect(many.data[1]!.embedding).toEqual(one.data[0]!.embedding)
  })

  test('base64 output is little-endian float32 of the same vector', async () => {
    const floats = await client.embeddings.create({ model: 'gemini-embed', input: 'vector', dimensions: 3, encoding_format: 'float' })
    const encoded = await post(hub, '/v1/embeddings', key, {
      model: 'gemini-embed',
      input: 'vector',
      dimensions: 3,
      encoding_format: 'base64',
    })
    const base64 = ((await encoded.json()) as { data: Array<{ embedding: string }> }).data[0]!.embedding
    const decoded = Array.from(new Float32Array(new Uint8Array(Buffer.from(base64, 'base64')).buffer))
    decoded.forEach((value, i) => {
      expect(value).toBeCloseTo(floats.data[0]!.embedding[i]!, 5)
    })
  })

  test('token-array input cannot reach gemini', async () => {
    const response = await post(hub, '/v1/embeddings', key, { model: 'gemini-embed', input: [[1, 2, 3]] })
    expect(response.status).toBe(400)
    expect((await response.json()).error.param).toBe('input')
  })
})
