// Real SDK clients on models of another wire format: structured output, reasoning, hints and prompt caching as round trips through the mock.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import { createOpenAI } from '@ai-sdk/openai'
import { generateObject, streamObject } from 'ai'
import OpenAI from 'openai'
import { zodResponseFormat } from 'openai/helpers/zod'
import { z } from 'zod'
import { logRow, startHub, type TestHub } from '../../helpers'
import { serveMock, type HttpMock } from '../../support/mock-http'
import { PRICE, responsesHubConfig } from '../../support/responses-hub'

let http: HttpMock
let hub: TestHub
let key: string

beforeAll(async () => {
  http = serveMock()
  const config = responsesHubConfig(http.url)
  // A Claude model without structured outputs: it gets the answer tool.
  config.models.push({ id: 'claude-legacy', provider: 'anthropic', upstream_model: 'claude-3-5-sonnet-20241022', ...PRICE })
  hub = await startHub({ config })
  ;({ key } = await hub.account({ balanceUsd: '5.00' }))
})
afterAll(async () => {
  await hub.close()
  http.stop()
})

// biome-ignore lint/suspicious/noExplicitAny: the mock's view of the wire body, checked field by field
type Json = Record<string, any>
const lastBody = () => http.mock.stats.lastBody as Json

const Weather = z.object({ city: z.string(), temp_c: z.number(), sunny: z.boolean() })

describe('openai SDK chat.completions.parse with a zod schema', () => {
  const openai = () => new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: key, maxRetries: 0 })

  test('on a Claude model: output_config.format upstream, a parsed object back', async () => {
    const completion = await openai().chat.completions.parse({
      model: 'anthropic-chat',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      response_format: zodResponseFormat(Weather, 'weather'),
    })
    expect(http.mock.stats.lastPath).toBe('/v1/messages')
    expect(lastBody().output_config.format.type).toBe('json_schema')
    expect(lastBody().output_config.format.schema.properties.city).toEqual({ type: 'string' })
    const parsed = completion.choices[0]!.message.parsed
    expect(Weather.parse(parsed)).toEqual(parsed!)
    expect(completion.choices[0]!.finish_reason).toBe('stop')
  })

  test('on a Claude model without structured outputs: a forced answer tool upstream, its input as the parsed object', async () => {
    const completion = await openai().chat.completions.parse({
      model: 'claude-legacy',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      response_format: zodResponseFormat(Weather, 'weather'),
    })
    expect(lastBody().tool_choice).toEqual({ type: 'tool', name: 'json_answer' })
    expect(lastBody().output_config).toBeUndefined()
    const message = completion.choices[0]!.message
    expect(Weather.parse(message.parsed)).toEqual(message.parsed!)
    expect(message.tool_calls ?? []).toEqual([])
    expect(completion.choices[0]!.finish_reason).toBe('stop')
  })

  test('on a Gemini model: responseMimeType + responseJsonSchema upstream, a parsed object back', async () => {
    const completion = await openai().chat.completions.parse({
      model: 'gemini-chat',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      response_format: zodResponseFormat(Weather, 'weather'),
    })
    expect(lastBody().generationConfig.responseMimeType).toBe('application/json')
    expect(lastBody().generationConfig.responseJsonSchema.required).toEqual(['city', 'temp_c', 'sunny'])
    const parsed = completion.choices[0]!.message.parsed
    expect(Weather.parse(parsed)).toEqual(parsed!)
  })

  test('reasoning_effort on a Claude model: thinking upstream, reasoning_content and the signed block back', async () => {
    const response = await fetch(`${hub.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'anthropic-chat', reasoning_effort: 'low', messages: [{ role: 'user', content: 'Think first.' }] }),
    })
    expect(response.status).toBe(200)
    expect(lastBody().thinking).toEqual({ type: 'enabled', budget_tokens: 2048 })
    const message = ((await response.json()) as Json).choices[0].message
    expect(message.reasoning_content).toBe('Thinking about: Think first.. Answer plainly.')
    expect(message.thinking_blocks[0].signature).toMatch(/^mocksig_/)
  })

  test('hints (seed, store, metadata, service_tier) are dropped, not refused, and named in the log row', async () => {
    const { data: completion, response } = await openai()
      .chat.completions.create({
        model: 'anthropic-chat',
        messages: [{ role: 'user', content: 'hi' }],
        seed: 42,
        store: true,
        metadata: { team: 'blue' },
        service_tier: 'flex',
      })
      .withResponse()
    expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0)
    for (const field of ['seed', 'store', 'service_tier']) expect(lastBody()[field]).toBeUndefined()
    const row = await logRow(hub, response.headers.get('x-request-id')!)
    expect(String(row.notes)).toContain('seed, service_tier, store, metadata')
  })

  test('an end-user id and a cache key toward Gemini, which has slots for neither, are named in the log row', async () => {
    const { response } = await openai()
      .chat.completions.create({ model: 'gemini-chat', messages: [{ role: 'user', content: 'hi' }], user: 'u-1', prompt_cache_key: 'k-1' })
      .withResponse()
    expect(JSON.stringify(lastBody())).not.toContain('k-1')
    const row = await logRow(hub, response.headers.get('x-request-id')!)
    expect(String(row.notes)).toContain('left out of the request to gemini: user, prompt_cache_key')
  })

  test('prompt caching: a long system prompt to Claude gets breakpoints; the cache read comes back as cached_tokens', async () => {
    const system = 'You are a careful assistant who answers about the weather. '.repeat(100)
    const completion = await openai().chat.completions.create({
      model: 'anthropic-chat',
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: 'hi' },
      ],
    })
    expect(lastBody().system).toEqual([{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }])
    expect(lastBody().messages[0].content[0].cache_control).toEqual({ type: 'ephemeral' })
    // The mock reads up to the system prompt's breakpoint and writes the rest, as Claude would on a later turn.
    const details = completion.usage!.prompt_tokens_details as { cached_tokens: number; cache_write_tokens?: number }
    expect(details.cached_tokens).toBeGreaterThan(1024)
    expect(details.cache_write_tokens).toBeGreaterThan(0)
  })
})

describe('Vercel AI SDK over openai.chat() on a Claude model', () => {
  const provider = () => createOpenAI({ baseURL: `${hub.url}/v1`, apiKey: key })

  test('generateObject: an object of the schema', async () => {
    const { object } = await generateObject({
      model: provider().chat('anthropic-chat'),
      schema: Weather,
      prompt: 'Weather?',
      maxRetries: 0,
    })
    expect(Weather.parse(object)).toEqual(object)
    expect(lastBody().output_config.format.type).toBe('json_schema')
  })

  test('streamObject: JSON text deltas become the object', async () => {
    const result = streamObject({ model: provider().chat('anthropic-chat'), schema: Weather, prompt: 'Weather?', maxRetries: 0 })
    let partials = 0
    for await (const _ of result.partialObjectStream) partials++
    const object = await result.object
    expect(Weather.parse(object)).toEqual(object)
    expect(partials).toBeGreaterThan(1)
    expect(lastBody().stream).toBe(true)
  })
})

describe('Vercel AI SDK streamObject on a Claude model without structured outputs', () => {
  test('the answer tool streams as JSON text deltas', async () => {
    const provider = createOpenAI({ baseURL: `${hub.url}/v1`, apiKey: key })
    const result = streamObject({ model: provider.chat('claude-legacy'), schema: Weather, prompt: 'Weather?', maxRetries: 0 })
    let partials = 0
    for await (const _ of result.partialObjectStream) partials++
    const object = await result.object
    expect(Weather.parse(object)).toEqual(object)
    expect(partials).toBeGreaterThan(1)
    expect(lastBody().tool_choice).toEqual({ type: 'tool', name: 'json_answer' })
  })
})

describe('Anthropic SDK with thinking on a model of another format', () => {
  const anthropic = () => new Anthropic({ baseURL: hub.url, apiKey: key, maxRetries: 0 })

  test('on an OpenAI-compatible (DeepSeek-style) model: reasoning_effort upstream, reasoning_content back as a thinking block', async () => {
    const message = await anthropic().messages.create({
      model: 'openai-chat',
      max_tokens: 4000,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'Think first.' }],
    })
    expect(lastBody().reasoning_effort).toBe('low')
    const [thinking, text] = message.content
    expect(thinking).toEqual({ type: 'thinking', thinking: 'Thinking about: Think first.. Answer plainly.', signature: 'th1_openai_' })
    expect(text!.type).toBe('text')
    expect(message.usage.output_tokens).toBeGreaterThan(4)

    // The next turn sends the block back: the vendor gets its own reasoning as reasoning_content.
    await anthropic().messages.create({
      model: 'openai-chat',
      max_tokens: 4000,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        { role: 'user', content: 'Think first.' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: 'And again.' },
      ],
    })
    expect(lastBody().messages[1].reasoning_content).toBe('Thinking about: Think first.. Answer plainly.')
  })

  test('streamed on an OpenAI-compatible model: thinking_delta and signature_delta, then the text', async () => {
    const stream = anthropic().messages.stream({
      model: 'openai-chat',
      max_tokens: 4000,
      thinking: { type: 'adaptive' },
      output_config: { effort: 'high' },
      messages: [{ role: 'user', content: 'Think first.' }],
    } as Parameters<ReturnType<typeof anthropic>['messages']['stream']>[0])
    let thinking = ''
    stream.on('thinking', (delta) => {
      thinking += delta
    })
    const message = await stream.finalMessage()
    expect(lastBody().reasoning_effort).toBe('high')
    expect(thinking).toBe('Thinking about: Think first.. Answer plainly.')
    expect(message.content[0]).toMatchObject({ type: 'thinking', signature: 'th1_openai_' })
    expect(message.content[1]!.type).toBe('text')
  })

  test('on a GPT model whose provider also serves Responses: Chat Completions with reasoning_effort upstream, a thinking block back', async () => {
    const message = await anthropic().messages.create({
      model: 'responses-chat',
      max_tokens: 4000,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'Think first.' }],
    })
    expect(lastBody()).toMatchObject({ model: 'mock-responses', reasoning_effort: 'low', max_tokens: 4000 })
    expect(lastBody().thinking).toBeUndefined()
    const [thinking, text] = message.content
    expect(thinking).toEqual({ type: 'thinking', thinking: 'Thinking about: Think first.. Answer plainly.', signature: 'th1_openai_' })
    expect(text!.type).toBe('text')
    expect(message.stop_reason).toBe('end_turn')
  })

  test('on a Gemini model: thinkingConfig upstream, the thought part back as a thinking block', async () => {
    const message = await anthropic().messages.create({
      model: 'gemini-chat',
      max_tokens: 4000,
      thinking: { type: 'enabled', budget_tokens: 3000 },
      messages: [{ role: 'user', content: 'Think first.' }],
    })
    expect(lastBody().generationConfig.thinkingConfig).toEqual({ thinkingBudget: 3000, includeThoughts: true })
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Thinking about: Think first.. Answer plainly.' })
    expect((message.content[0] as { signature: string }).signature).toMatch(/^th1_gemini_mocksig_/)
  })

  test('Claude Code defaults (thinking, context_management, output_config.effort) on a GPT model are served', async () => {
    const response = await fetch(`${hub.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'openai-chat',
        max_tokens: 32000,
        thinking: { type: 'enabled', budget_tokens: 31999 },
        context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
        output_config: { effort: 'medium' },
        messages: [{ role: 'user', content: 'hi' }],
      }),
    })
    expect(response.status).toBe(200)
    expect(lastBody().reasoning_effort).toBe('medium')
    expect(lastBody().context_management).toBeUndefined()
  })
})

describe('stop sequences across formats', () => {
  /** A word in the middle of the mock's answer to `prompt`, and the text before it. */
  async function cutPoint(model: string, prompt: string) {
    const anthropic = new Anthropic({ baseURL: hub.url, apiKey: key, maxRetries: 0 })
    const full = await anthropic.messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: prompt }] })
    const text = (full.content[0] as { text: string }).text
    const words = text.split(' ')
    const sequence = ` ${words[Math.floor(words.length / 2)]!}`
    return { anthropic, sequence, before: text.slice(0, text.indexOf(sequence)) }
  }

  test('Anthropic SDK stop_sequences on an OpenAI-compatible model: stop_reason stop_sequence with the sequence, streamed too', async () => {
    const { anthropic, sequence, before } = await cutPoint('openai-chat', 'Tell me about gateways.')
    const params = {
      model: 'openai-chat',
      max_tokens: 100,
      stop_sequences: [sequence],
      messages: [{ role: 'user' as const, content: 'Tell me about gateways.' }],
    }
    const message = await anthropic.messages.create(params)
    expect(lastBody().stop).toEqual([sequence])
    expect(message.stop_reason).toBe('stop_sequence')
    expect(message.stop_sequence).toBe(sequence)
    expect((message.content[0] as { text: string }).text).toBe(before)
    const streamed = await anthropic.messages.stream(params).finalMessage()
    expect(streamed.stop_reason).toBe('stop_sequence')
    expect(streamed.stop_sequence).toBe(sequence)
  })

  test('OpenAI SDK stop on a Claude model: finish_reason stop, the text ends before the sequence', async () => {
    const { sequence, before } = await cutPoint('anthropic-chat', 'Tell me about ledgers.')
    const openai = new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: key, maxRetries: 0 })
    const completion = await openai.chat.completions.create({
      model: 'anthropic-chat',
      stop: [sequence],
      messages: [{ role: 'user', content: 'Tell me about ledgers.' }],
    })
    expect(lastBody().stop_sequences).toEqual([sequence])
    expect(completion.choices[0]!.finish_reason).toBe('stop')
    expect(completion.choices[0]!.message.content).toBe(before)
  })
})

describe('LangChain withStructuredOutput (default method) on a Claude model', () => {
  test('an object of the zod schema back', async () => {
    const { ChatOpenAI } = await import('@langchain/openai')
    const model = new ChatOpenAI({ model: 'anthropic-chat', apiKey: key, configuration: { baseURL: `${hub.url}/v1` }, maxRetries: 0 })
    const object = await model.withStructuredOutput(Weather).invoke('Weather in Paris?')
    expect(Weather.parse(object)).toEqual(object)
    expect(http.mock.stats.lastPath).toBe('/v1/messages')
    // LangChain's default asks for a JSON schema (response_format), which Claude gets as output_config.format.
    expect(lastBody().output_config.format.schema.required).toEqual(['city', 'temp_c', 'sunny'])
  })
})
