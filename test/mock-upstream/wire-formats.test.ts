// The mock upstream in-process: three wire formats, deterministic answers, the same fault modes in each error shape.
import { describe, expect, test } from 'bun:test'
import { createMockUpstream } from '../../src/mock-upstream/server'

const mock = createMockUpstream()
const call = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  mock.fetch(
    new Request(`http://mock.invalid${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  )

const REQUESTS = {
  openai: ['/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'Hello mock' }] }],
  anthropic: ['/v1/messages', { model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'Hello mock' }] }],
  gemini: ['/v1beta/models/m:generateContent', { contents: [{ role: 'user', parts: [{ text: 'Hello mock' }] }] }],
} as const

describe('mock upstream wire formats', () => {
  test('the same request gets the same answer and usage, in each format', async () => {
    for (const [path, body] of Object.values(REQUESTS)) {
      const a = await (await call(path, body)).json()
      const b = await (await call(path, body)).json()
      expect(a).toEqual(b)
    }
  })

  test("status faults answer in each format's own error shape", async () => {
    const openai = await call(...REQUESTS.openai, { 'x-mock-fault': '429' })
    expect(openai.status).toBe(429)
    expect(openai.headers.get('retry-after')).toBe('7')
    expect((await openai.json()).error).toMatchObject({ type: 'rate_limit_error', message: 'mock: rate limit reached, retry later' })

    const anthropic = await call(...REQUESTS.anthropic, { 'x-mock-fault': '503' })
    expect(anthropic.status).toBe(503)
    expect(await anthropic.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'mock: overloaded' } })

    const gemini = await call('/v1beta/models/mock-fault-400:generateContent', REQUESTS.gemini[1])
    expect(gemini.status).toBe(400)
    expect(await gemini.json()).toEqual({
      error: { code: 400, message: 'mock: the request was rejected by the content policy', status: 'INVALID_ARGUMENT' },
    })
    const limited = await (await call('/v1beta/models/mock-fault-429:generateContent', REQUESTS.gemini[1])).json()
    expect(limited.error.details).toEqual([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }])
  })

  test('metadata.mock_fault picks the fault for Anthropic bodies', async () => {
    const response = await call('/v1/messages', { ...REQUESTS.anthropic[1], metadata: { mock_fault: '500' } })
    expect(response.status).toBe(500)
    expect((await response.json()).error.type).toBe('api_error')
  })

  test('streams: Anthropic events and Gemini SSE chunks, with usage at the end', async () => {
    const anthropic = await (await call('/v1/messages', { ...REQUESTS.anthropic[1], stream: true })).text()
    const names = [...anthropic.matchAll(/^event: (.+)$/gm)].map((m) => m[1])
    expect(names[0]).toBe('message_start')
    expect(names.slice(1, 3)).toEqual(['content_block_start', 'ping'])
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop'])

    const gemini = await call('/v1beta/models/m:streamGenerateContent?alt=sse', REQUESTS.gemini[1])
    const events = (await gemini.text())
      .trim()
      .split('\n\n')
      .map((e) => JSON.parse(e.replace(/^data: /, '')))
    expect(events.at(-1).candidates[0].finishReason).toBe('STOP')
    expect(events.at(-1).usageMetadata.candidatesTokenCount).toBe(events.length - 1)
  })

  test('the Gemini embedding routes and unknown paths', async () => {
    const one = await (await call('/v1beta/models/e:embedContent', { content: { parts: [{ text: 'x' }] }, outputDimensionality: 3 })).json()
    expect(one.embedding.values).toHaveLength(3)
    const batch = await (
      await call('/v1beta/models/e:batchEmbedContents', {
        requests: [
          { model: 'models/e', content: { parts: [{ text: 'x' }] }, outputDimensionality: 3 },
          { model: 'models/e', content: { parts: [{ text: 'y' }] } },
        ],
      })
    ).json()
    expect(batch.embeddings[0].values).toEqual(one.embedding.values)
    expect(batch.embeddings[1].values).toHaveLength(8)
    expect((await call('/v1beta/models/e:countTokens', {})).status).toBe(404)
  })
})
