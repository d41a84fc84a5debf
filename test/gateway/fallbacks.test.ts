// Fallbacks: on 502/504 before the first byte the next model is tried, inside the same hold; the log row keeps every attempt.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { logRow as logRowOf, post, startHub, type TestHub } from '../helpers'
import { mockHubConfig, serveMock, type HttpMock } from '../support/mock-http'

let upstream: HttpMock
let hub: TestHub
let key: string
let accountId: string

beforeAll(async () => {
  upstream = serveMock()
  const config = mockHubConfig(upstream.url, ['500', '503', 'timeout', '400', '429', 'cut'], {
    'anthropic-fault-500': { fallbacks: ['gemini-chat'] },
    'openai-fault-503': { fallbacks: ['anthropic-fault-500', 'gemini-chat'] },
    'gemini-fault-timeout': { fallbacks: ['openai-chat'] },
    'openai-fault-400': { fallbacks: ['gemini-chat'] },
    'anthropic-fault-429': { fallbacks: ['gemini-chat'] },
    'gemini-fault-cut': { fallbacks: ['openai-chat'] },
  })
  hub = await startHub({ config: { ...config, upstream: { timeout_s: 1, stream_timeout_s: 1 } } })
  ;({ key, accountId } = await hub.account({ balanceUsd: '5.00' }))
})
afterAll(async () => {
  await hub.close()
  upstream.stop()
})

async function logRow(requestId: string) {
  // biome-ignore lint/suspicious/noExplicitAny: admin JSON
  return (await logRowOf(hub, requestId)) as Record<string, any>
}

async function charges(requestId: string) {
  const ledger = (await (await hub.admin('GET', `/admin/accounts/${accountId}/ledger`)).json()) as {
    data: Array<{ type: string; request_id: string; amount_micros: number }>
  }
  return ledger.data.filter((e) => e.request_id === requestId)
}

async function heldUsd() {
  const response = await fetch(`${hub.url}/v1/account/balance`, { headers: { authorization: `Bearer ${key}` } })
  return ((await response.json()) as { held_usd: string }).held_usd
}

describe('fallbacks', () => {
  test('a 502 primary falls back before the first byte; one charge, every attempt logged', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    const { data, response } = await client.chat.completions
      .create({ model: 'anthropic-fault-500', messages: [{ role: 'user', content: 'fall back please' }] })
      .withResponse()
    // The client keeps the model it asked for; the log says who served it.
    expect(data.model).toBe('anthropic-fault-500')
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0)
    expect(upstream.mock.stats.lastPath).toBe('/v1beta/models/mock-gemini:generateContent')
    const requestId = response.headers.get('x-request-id')!
    const row = await logRow(requestId)
    expect(row).toMatchObject({ status: 200, model: 'gemini-chat', provider: 'gemini' })
    expect(row.attempts).toEqual([
      {
        model: 'anthropic-fault-500',
        provider: 'anthropic',
        deployment: 'anthropic-fault-500@anthropic',
        status: 502,
        error: expect.stringContaining("Upstream provider 'anthropic' failed with HTTP 500"),
        latency_ms: expect.any(Number),
      },
      {
        model: 'gemini-chat',
        provider: 'gemini',
        deployment: 'gemini-chat@gemini',
        status: 200,
        error: null,
        latency_ms: expect.any(Number),
      },
    ])
    const entries = await charges(requestId)
    expect(entries).toHaveLength(1)
    expect(-entries[0]!.amount_micros).toBe(data.usage!.prompt_tokens * 1 + data.usage!.completion_tokens * 2)
    expect(await heldUsd()).toBe('0.0000')
  })

  test('a chain of failures is tried in order, streamed, through the Anthropic protocol', async () => {
    const client = new Anthropic({ apiKey: key, baseURL: hub.url, maxRetries: 0 })
    const stream = client.messages.stream({
      model: 'openai-fault-503',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'keep trying' }],
    })
    const final = await stream.finalMessage()
    expect(final.stop_reason).toBe('end_turn')
    const requestId = (await stream.withResponse()).response.headers.get('x-request-id')!
    const row = await logRow(requestId)
    expect(row).toMatchObject({ status: 200, stream: true, model: 'gemini-chat', provider: 'gemini' })
    expect(row.attempts.map((a: { model: string; status: number }) => [a.model, a.status])).toEqual([
      ['openai-fault-503', 502],
      ['anthropic-fault-500', 502],
      ['gemini-chat', 200],
    ])
    expect(await charges(requestId)).toHaveLength(1)
    expect(await heldUsd()).toBe('0.0000')
  })

  test('a timeout (504) falls back too', async () => {
    const response = await post(hub, '/v1/chat/completions', key, {
      model: 'gemini-fault-timeout',
      messages: [{ role: 'user', content: 'slow' }],
    })
    expect(response.status).toBe(200)
    const row = await logRow(response.headers.get('x-request-id')!)
    expect(row.attempts.map((a: { status: number }) => a.status)).toEqual([504, 200])
    expect(row.provider).toBe('openai')
  })

  test('a 4xx or 429 is the answer: no fallback, nothing charged', async () => {
    for (const [model, status] of [
      ['openai-fault-400', 400],
      ['anthropic-fault-429', 429],
    ] as const) {
      const calls = upstream.mock.stats.calls
      const response = await post(hub, '/v1/chat/completions', key, { model, messages: [{ role: 'user', content: 'no' }] })
      expect(response.status).toBe(status)
      expect(upstream.mock.stats.calls).toBe(calls + 1)
      const requestId = response.headers.get('x-request-id')!
      expect(await charges(requestId)).toHaveLength(0)
      expect((await logRow(requestId)).attempts).toBeNull()
    }
    expect(await heldUsd()).toBe('0.0000')
  })

  test('once a byte reached the client there is no fallback: the stream ends with an error event', async () => {
    const calls = upstream.mock.stats.calls
    const response = await post(hub, '/v1/messages', key, {
      model: 'gemini-fault-cut',
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'cut me' }],
    })
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(text).toContain('event: error')
    expect(upstream.mock.stats.calls).toBe(calls + 1)
  })
})
