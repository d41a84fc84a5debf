// Claude Code fidelity on /v1/messages: an Anthropic upstream gets the client's bytes (model id and ceiling aside), its headers and query; other upstreams get mid-conversation system messages.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import { parseAnthropicMessages } from '../../../src/formats/anthropic/request'
import { estimatePrompt } from '../../../src/tokens/estimate'
import { logRow, post, startHub, type TestHub } from '../../helpers'
import { serveCapturingUpstream, type CapturingUpstream } from '../../support/capturing-upstream'
import { mockModels, mockProviders, serveMock, type HttpMock } from '../../support/mock-http'

let capture: CapturingUpstream
let http: HttpMock
let hub: TestHub
let key: string
let client: Anthropic

const PRICE = { input_usd_per_mtok: 1, output_usd_per_mtok: 2, context_window: 200000, max_output_tokens: 64000 }
const UPSTREAM_KEY = 'sk-ant-capture-upstream'

beforeAll(async () => {
  capture = serveCapturingUpstream()
  http = serveMock()
  hub = await startHub({
    config: {
      providers: { ...mockProviders(http.url), claude: { type: 'anthropic', base_url: capture.url, api_key: UPSTREAM_KEY } },
      models: [
        { id: 'claude-opus-4-8', provider: 'claude', upstream_model: 'mock-opus-upstream', ...PRICE },
        { id: 'claude-same', provider: 'claude', ...PRICE },
        ...mockModels(),
      ],
    },
  })
  key = (await hub.account({ balanceUsd: '5.00' })).key
  client = new Anthropic({ apiKey: key, baseURL: hub.url, maxRetries: 0 })
})
afterAll(async () => {
  await hub.close()
  capture.stop()
  http.stop()
})

const BETAS = 'claude-code-20250219,interleaved-thinking-2025-05-14,mid-conversation-system-2026-04-07'
const SIGNATURE = 'EqQBCkYIBxgCKkB+/x9Qz==\u00e9sig'

/** What Claude Code sends by default: adaptive thinking, effort, a system message mid-conversation, cache hints, a user id. */
const claudeCodeBody = (stream: boolean) => ({
  model: 'claude-opus-4-8',
  max_tokens: 32000,
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: '<system-reminder>Context.</system-reminder>' },
        { type: 'text', text: 'Say hi', cache_control: { type: 'ephemeral' } },
      ],
    },
    { role: 'system', content: 'The working directory is /tmp/project.' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'The user wants a greeting.', signature: SIGNATURE },
        { type: 'text', text: 'Hi!' },
      ],
    },
    { role: 'user', content: [{ type: 'text', text: 'And again?', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
  ],
  system: [{ type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } }],
  tools: [
    {
      name: 'Read',
      description: 'Reads a file',
      input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
      cache_control: { type: 'ephemeral' },
    },
  ],
  metadata: { user_id: 'user_0123abcd_account_4567_session_89ab' },
  thinking: { type: 'adaptive' },
  output_config: { effort: 'high' },
  context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  stream,
})

const claudeHeaders = { 'anthropic-version': '2023-06-01', 'anthropic-beta': BETAS, 'x-api-key': '' }

describe('same format: the Anthropic upstream gets what the client sent', () => {
  test("the body's bytes are the client's, only the model id changed; headers and ?beta=true forwarded", async () => {
    // Odd spacing, key order, escapes and a field no API has: a re-serialisation would change them.
    const text = `{ "messages" : [ {"role":"user","content":"caf\\u00e9 \\ud83d\\ude00"},
      {"role": "system", "content": [{"type":"text","text":"Mind the gap.","cache_control":{"type":"ephemeral"}}]},
      {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"${SIGNATURE}"},{"type":"redacted_thinking","data":"abc=="}]},
      {"role":"user","content":"go"}],
      "model" : "claude-opus-4-8",   "max_tokens": 1000.0e0,
      "thinking": {"type":"enabled","budget_tokens":2048}, "future_field": {"n": [1, 2.50, -0]} }`
    const response = await fetch(`${hub.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...claudeHeaders, 'x-api-key': key },
      body: text,
    })
    expect(response.status).toBe(200)
    const sent = capture.last()
    expect(sent.text).toBe(text.replace('"model" : "claude-opus-4-8"', '"model" : "mock-opus-upstream"'))
    expect(sent.path).toBe('/v1/messages?beta=true')
    expect(sent.headers['anthropic-beta']).toBe(BETAS)
    expect(sent.headers['anthropic-version']).toBe('2023-06-01')
    expect(sent.headers['x-api-key']).toBe(UPSTREAM_KEY)
    expect(sent.headers.authorization).toBeUndefined()
  })

  test('a model whose upstream id is the same goes up byte for byte', async () => {
    const text = '{"model":"claude-same","max_tokens":64,"messages":[{"role":"user","content":"hello"}],"stream":false}'
    expect((await post(hub, '/v1/messages', key, text)).status).toBe(200)
    expect(capture.last().text).toBe(text)
    expect(capture.last().path).toBe('/v1/messages')
  })

  test('without max_tokens, the ceiling the hold covers is added and nothing else changes', async () => {
    const text = '{"model":"claude-same", "messages":[{"role":"user","content":"hello"}]}'
    expect((await post(hub, '/v1/messages', key, text)).status).toBe(200)
    expect(capture.last().text).toBe(`{"max_tokens":64000,${text.slice(1)}`)
  })

  for (const stream of [false, true]) {
    test(`Claude Code's default request succeeds ${stream ? 'streamed' : 'not streamed'} through the SDK, logged with its model`, async () => {
      // Claude Code streams at 32,000 tokens; the SDK wants a smaller ceiling to wait for a whole answer.
      const body = { ...claudeCodeBody(stream), ...(stream ? {} : { max_tokens: 8000 }) }
      const params = { ...body, betas: BETAS.split(',') } as unknown as Anthropic.Beta.MessageCreateParamsNonStreaming
      // Claude Code asks for `/v1/messages?beta=true`; this SDK version names betas in the header only.
      const options = { query: { beta: 'true' } }
      const { data, response } = stream
        ? await client.beta.messages
            .stream(params as unknown as Anthropic.Beta.MessageCreateParamsStreaming, options)
            .finalMessage()
            .then((data) => ({ data, response: null }))
        : await client.beta.messages.create(params, options).withResponse()
      expect(data.type).toBe('message')
      expect(data.model).toBe('claude-opus-4-8')
      expect(data.content.length).toBeGreaterThan(0)

      const sent = capture.last()
      expect(sent.path).toBe('/v1/messages?beta=true')
      expect(sent.headers['anthropic-beta']).toBe(BETAS)
      // Everything the gateway does not use arrived as the client wrote it.
      expect(JSON.parse(sent.text)).toEqual({ ...body, model: 'mock-opus-upstream' })
      expect(sent.text).toContain(JSON.stringify(SIGNATURE))

      // The log row carries the model; a stream's row is written once its bill is final.
      const requestId = response?.headers.get('x-request-id') ?? (await lastRequestId())
      const row = await logRow(hub, requestId)
      expect(row.model).toBe('claude-opus-4-8')
      expect(row.status).toBe(200)
      expect(row.stream).toBe(stream)
      expect(row.cost_micros).toBeGreaterThan(0)
    })
  }

  test('a body refused before routing still logs the model it named', async () => {
    const response = await post(hub, '/v1/messages', key, { model: 'claude-opus-4-8', messages: 'not an array' })
    expect(response.status).toBe(400)
    const error = (await response.json()) as { type: string; error: { type: string; code: string; message: string } }
    expect(error.type).toBe('error')
    expect(error.error.code).toBe('invalid_body')
    expect(error.error.message).toContain('messages')
    const row = await logRow(hub, response.headers.get('x-request-id')!)
    expect(row.model).toBe('claude-opus-4-8')
    expect(row.error_code).toBe('invalid_body')
  })

  test('a role no version of token-hub knows reaches an Anthropic upstream, and is refused by name elsewhere', async () => {
    const messages = [
      { role: 'user', content: 'hi' },
      { role: 'narrator', content: 'Meanwhile.' },
    ]
    expect((await post(hub, '/v1/messages', key, { model: 'claude-same', max_tokens: 20, messages })).status).toBe(200)
    expect(JSON.parse(capture.last().text).messages[1]).toEqual(messages[1])
    const refused = await post(hub, '/v1/messages', key, { model: 'openai-chat', max_tokens: 20, messages })
    expect(refused.status).toBe(400)
    const error = ((await refused.json()) as { error: { code: string; message: string } }).error
    expect(error.code).toBe('invalid_body')
    expect(error.message).toContain('messages[1].role')
  })
})

/** The request id of the newest row (streams via the SDK helper do not expose their response headers). */
async function lastRequestId(): Promise<string> {
  await hub.hub.log.flush()
  const response = await hub.admin('GET', '/admin/requests?limit=1')
  const body = (await response.json()) as { data?: Array<{ request_id: string }>; requests?: Array<{ request_id: string }> }
  return (body.data ?? body.requests)![0]!.request_id
}

describe('translated: a mid-conversation system message is carried', () => {
  const messages: Anthropic.MessageParam[] = [
    { role: 'user', content: 'Say hi' },
    { role: 'assistant', content: 'Hi!' },
    { role: 'system', content: 'From now on answer in French.' } as unknown as Anthropic.MessageParam,
    { role: 'user', content: 'Again' },
  ]

  test('to an OpenAI-compatible model as a system message in its place', async () => {
    const message = await client.messages.create({ model: 'openai-chat', max_tokens: 50, system: 'Be brief.', messages })
    expect(message.type).toBe('message')
    const sent = http.mock.stats.lastBody as { messages: unknown[] }
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hi' },
      { role: 'assistant', content: 'Hi!' },
      { role: 'system', content: 'From now on answer in French.' },
      { role: 'user', content: 'Again' },
    ])
  })

  test("to a Gemini model in systemInstruction, after the request's system prompt", async () => {
    const stream = client.messages.stream({ model: 'gemini-chat', max_tokens: 50, system: 'Be brief.', messages })
    expect((await stream.finalMessage()).type).toBe('message')
    const sent = http.mock.stats.lastBody as { systemInstruction: unknown; contents: Array<{ role: string }> }
    expect(sent.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'From now on answer in French.' }] })
    expect(sent.contents.map((c) => c.role)).toEqual(['user', 'model', 'user'])
  })

  test('count_tokens answers for every model with a system message in the conversation', async () => {
    for (const model of ['claude-opus-4-8', 'openai-chat', 'anthropic-chat', 'gemini-chat']) {
      const counted = await client.messages.countTokens({ model, messages })
      expect(counted.input_tokens).toBeGreaterThan(0)
    }
  })
})

describe('the estimate bounds every part of a Claude Code request', () => {
  test('thinking blocks, signatures, system messages and unknown roles count at least their bytes', () => {
    const body = claudeCodeBody(false) as unknown as Record<string, unknown>
    const withUnknown = { ...body, messages: [...(body.messages as unknown[]), { role: 'narrator', content: 'x'.repeat(5000) }] }
    const estimate = estimatePrompt(parseAnthropicMessages(withUnknown, JSON.stringify(withUnknown))).high
    const messages = withUnknown.messages as unknown[]
    const thinking = ((messages[2] as { content: unknown[] }).content[0] as Record<string, unknown>) ?? {}
    const bounded = [JSON.stringify(thinking), JSON.stringify(messages[4]), 'The working directory is /tmp/project.']
    expect(estimate).toBeGreaterThanOrEqual(bounded.reduce((n, part) => n + Buffer.byteLength(part), 0))
    // output_config is read by the model as prompt: counted by its bytes too.
    const without = estimatePrompt(parseAnthropicMessages({ ...withUnknown, output_config: undefined })).high
    expect(estimate - without).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify({ effort: 'high' })))
  })
})
