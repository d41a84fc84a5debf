// `type = "mock"` with `wire`: the in-process mock served through the anthropic and gemini adapters, no socket.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { post, startHub, type TestHub } from '../helpers'

let hub: TestHub
let key: string

beforeAll(async () => {
  hub = await startHub({
    config: {
      providers: { 'mock-anthropic': { type: 'mock', wire: 'anthropic' }, 'mock-gemini': { type: 'mock', wire: 'gemini' } },
      models: [
        { id: 'gpt-4o-mini', provider: 'mock', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
        {
          id: 'claude-in-process',
          provider: 'mock-anthropic',
          upstream_model: 'mock-claude',
          input_usd_per_mtok: 1,
          output_usd_per_mtok: 1,
        },
        { id: 'gemini-in-process', provider: 'mock-gemini', upstream_model: 'mock-gemini', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
      ],
    },
  })
  ;({ key } = await hub.account())
})
afterAll(() => hub.close())

test('each wire is spoken in-process, streamed and not, through both client formats', async () => {
  for (const [model, path] of [
    ['claude-in-process', '/v1/messages'],
    ['gemini-in-process', '/v1beta/models/mock-gemini:streamGenerateContent?alt=sse'],
  ] as const) {
    const chat = await post(hub, '/v1/chat/completions', key, { model, stream: true, messages: [{ role: 'user', content: 'hi' }] })
    expect(chat.status).toBe(200)
    expect((await chat.text()).trimEnd().endsWith('data: [DONE]')).toBe(true)
    expect(hub.mock.stats.lastPath).toBe(path)
    const messages = await post(hub, '/v1/messages', key, { model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
    expect(messages.status).toBe(200)
    expect(((await messages.json()) as { type: string }).type).toBe('message')
  }
})

test('wire is only for mock providers', async () => {
  await expect(
    startHub({ config: { providers: { x: { type: 'openai', base_url: 'http://127.0.0.1:1/v1', wire: 'gemini' } } } }),
  ).rejects.toThrow('providers.x.wire: only for type "mock"')
})
