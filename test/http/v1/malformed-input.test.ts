// Bodies that once answered 500 or built unbounded answers: each is a 400 invalid_body naming its field, on every route.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { MAX_JSON_DEPTH } from '../../../src/formats/json-depth'
import { post, startHub, TEST_MODELS, type TestHub } from '../../helpers'

let hub: TestHub
let key: string

const chatModel = (id: string, provider: string) => ({
  id,
  provider,
  input_usd_per_mtok: 1,
  output_usd_per_mtok: 1,
  context_window: 128000,
  max_output_tokens: 1000,
})

beforeAll(async () => {
  hub = await startHub({
    config: {
      providers: {
        mock: { type: 'mock' },
        'mock-anthropic': { type: 'mock', wire: 'anthropic' },
        'mock-gemini': { type: 'mock', wire: 'gemini' },
      },
      models: [...TEST_MODELS, chatModel('claude-mock', 'mock-anthropic'), chatModel('gemini-mock', 'mock-gemini')],
      plans: { standard: { models: ['*'] } },
    },
  })
  ;({ key } = await hub.account({ balanceUsd: '10.00' }))
})
afterAll(async () => {
  await hub.close()
})

/** JSON text of an array nested `levels` deep. */
const deep = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`
const DEEP = deep(100_000)

interface Case {
  name: string
  path: string
  body: unknown
  /** The field the 400 names (`param` on OpenAI routes, the message on Anthropic's). */
  field: string
}

async function expectInvalid({ path, body, field }: Case) {
  const before = hub.mock.stats.calls
  const response = await post(hub, path, key, body)
  const text = await response.text()
  expect({ status: response.status, text }).toMatchObject({ status: 400 })
  const answer = JSON.parse(text) as { error: { code: string; param?: string | null; message: string } }
  expect(answer.error.code).toBe('invalid_body')
  if (path === '/v1/messages' || path === '/v1/messages/count_tokens') expect(answer.error.message).toContain(field)
  else expect(answer.error.param ?? '').toStartWith(field)
  expect(hub.mock.stats.calls).toBe(before)
}

const user = (content: unknown) => [{ role: 'user', content }]

describe('JSON nested 10⁵ levels', () => {
  const cases: Case[] = [
    {
      name: 'chat: a tool schema',
      path: '/v1/chat/completions',
      body: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"a":${DEEP}}}}]}`,
      field: 'tools[0].function.parameters.a[0]',
    },
    {
      name: 'chat: a field token-hub does not model',
      path: '/v1/chat/completions',
      body: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"extra":${DEEP}}`,
      field: 'extra[0]',
    },
    {
      name: 'messages: a tool_use input',
      path: '/v1/messages',
      body: `{"model":"claude-mock","max_tokens":10,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{"a":${DEEP}}}]}]}`,
      field: 'messages[0].content[0].input.a[0]',
    },
    {
      name: 'messages: content blocks of an unknown type',
      path: '/v1/messages',
      body: `{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":[{"type":"x","v":${DEEP}}]}]}`,
      field: 'messages[0].content[0].v[0]',
    },
    {
      name: 'count_tokens: a tool schema',
      path: '/v1/messages/count_tokens',
      body: `{"model":"claude-mock","messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":{"a":${DEEP}}}]}`,
      field: 'tools[0].input_schema.a[0]',
    },
    {
      name: 'embeddings: the input',
      path: '/v1/embeddings',
      body: `{"model":"text-embedding-3-small","input":${DEEP}}`,
      field: 'input[0]',
    },
  ]
  for (const c of cases) test(c.name, () => expectInvalid(c))

  test('tool-call arguments (JSON inside a string) translated to Anthropic and Gemini', async () => {
    const args = JSON.stringify({ a: JSON.parse(deep(5_000)) })
    for (const model of ['claude-mock', 'gemini-mock']) {
      const messages = [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: args } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'done' },
      ]
      await expectInvalid({ name: model, path: '/v1/chat/completions', body: { model, messages }, field: 'messages[1]' })
    }
  })

  test(`nesting up to ${MAX_JSON_DEPTH} levels is accepted`, async () => {
    const body = `{"model":"claude-mock","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{"a":${deep(MAX_JSON_DEPTH - 6)}}}]},{"role":"user","content":"go on"}]}`
    expect((await post(hub, '/v1/messages', key, body)).status).toBe(200)
  })
})

describe('content parts without their content', () => {
  const cases: Case[] = [
    {
      name: 'image_url part without image_url',
      path: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: user([{ type: 'image_url' }]) },
      field: 'messages[0].content[0].image_url',
    },
    {
      name: 'text part without text',
      path: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: user([{ type: 'text' }]) },
      field: 'messages[0].content[0].text',
    },
    {
      name: 'text part with a number',
      path: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: user([{ type: 'text', text: 5 }]) },
      field: 'messages[0].content[0].text',
    },
    {
      name: 'file part without file',
      path: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: user([{ type: 'file' }]) },
      field: 'messages[0].content[0].file',
    },
    {
      name: 'input_audio without data',
      path: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: user([{ type: 'input_audio', input_audio: { format: 'wav' } }]) },
      field: 'messages[0].content[0].input_audio.data',
    },
    {
      name: 'Anthropic text block without text',
      path: '/v1/messages',
      body: { model: 'claude-mock', max_tokens: 5, messages: user([{ type: 'text' }]) },
      field: 'messages[0].content[0].text',
    },
    {
      name: 'Anthropic image without data',
      path: '/v1/messages',
      body: {
        model: 'claude-mock',
        max_tokens: 5,
        messages: user([{ type: 'image', source: { type: 'base64', media_type: 'image/png' } }]),
      },
      field: 'messages[0].content[0].source.data',
    },
    {
      name: 'Anthropic document without source',
      path: '/v1/messages',
      body: { model: 'claude-mock', max_tokens: 5, messages: user([{ type: 'document' }]) },
      field: 'messages[0].content[0].source',
    },
    {
      name: 'Anthropic document with numeric data',
      path: '/v1/messages/count_tokens',
      body: { model: 'claude-mock', messages: user([{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 1 } }]) },
      field: 'messages[0].content[0].source.data',
    },
  ]
  for (const c of cases) test(c.name, () => expectInvalid(c))
})

describe('numbers the gateway or the mock loops over, or forwards: integers within their documented ranges', () => {
  const chat = (extra: Record<string, unknown>) => ({ model: 'gpt-4o-mini', messages: user('hi'), ...extra })
  const messages = (extra: Record<string, unknown>) => ({ model: 'claude-mock', max_tokens: 5, messages: user('hi'), ...extra })
  const embed = (extra: Record<string, unknown>) => ({ model: 'text-embedding-3-small', input: 'hi', ...extra })
  const cases: Case[] = [
    ...[1e7, 1e308, 3073, 1.5, 0].map((dimensions) => ({
      name: `dimensions ${dimensions}`,
      path: '/v1/embeddings',
      body: embed({ dimensions }),
      field: 'dimensions',
    })),
    { name: 'a token id 1e308', path: '/v1/embeddings', body: embed({ input: [1e308] }), field: 'input' },
    ...[1e308, 2 ** 53, 1.5, 0].map((max_tokens) => ({
      name: `max_tokens ${max_tokens}`,
      path: '/v1/chat/completions',
      body: chat({ max_tokens }),
      field: 'max_tokens',
    })),
    {
      name: 'max_completion_tokens 1e308',
      path: '/v1/chat/completions',
      body: chat({ max_completion_tokens: 1e308 }),
      field: 'max_completion_tokens',
    },
    { name: 'n 1e308', path: '/v1/chat/completions', body: chat({ n: 1e308 }), field: 'n' },
    ...[21, -1, 1.5].map((top_logprobs) => ({
      name: `top_logprobs ${top_logprobs}`,
      path: '/v1/chat/completions',
      body: chat({ logprobs: true, top_logprobs }),
      field: 'top_logprobs',
    })),
    { name: 'presence_penalty 3', path: '/v1/chat/completions', body: chat({ presence_penalty: 3 }), field: 'presence_penalty' },
    {
      name: 'frequency_penalty -1e308',
      path: '/v1/chat/completions',
      body: chat({ frequency_penalty: -1e308 }),
      field: 'frequency_penalty',
    },
    { name: 'logit_bias 101', path: '/v1/chat/completions', body: chat({ logit_bias: { '50256': 101 } }), field: 'logit_bias' },
    { name: 'seed 1e308', path: '/v1/chat/completions', body: chat({ seed: 1e308 }), field: 'seed' },
    { name: 'top_k 1.5 (OpenAI format)', path: '/v1/chat/completions', body: chat({ top_k: 1.5 }), field: 'top_k' },
    { name: 'Anthropic max_tokens 1e308', path: '/v1/messages', body: messages({ max_tokens: 1e308 }), field: 'max_tokens' },
    { name: 'Anthropic top_k 1e308', path: '/v1/messages', body: messages({ top_k: 1e308 }), field: 'top_k' },
    {
      name: 'Anthropic thinking budget 10',
      path: '/v1/messages',
      body: messages({ thinking: { type: 'enabled', budget_tokens: 10 } }),
      field: 'thinking.budget_tokens',
    },
  ]
  for (const c of cases) test(c.name, () => expectInvalid(c))

  test('values at the edges of the ranges are accepted', async () => {
    expect((await post(hub, '/v1/embeddings', key, embed({ dimensions: 3072 }))).status).toBe(200)
    expect(
      (await post(hub, '/v1/chat/completions', key, chat({ logprobs: true, top_logprobs: 20, seed: -5, presence_penalty: -2 }))).status,
    ).toBe(200)
  })
})
