// `token-hub mock-upstream` as a real HTTP server behind an `openai`-type provider, through the SDK.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { chatBody, post, startHub, type TestHub } from '../helpers'

let upstream: ReturnType<typeof Bun.spawn>
let upstreamUrl: string
let hub: TestHub
let client: OpenAI
let key: string

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = probe.port!
  probe.stop(true)
  return port
}

beforeAll(async () => {
  const port = await freePort()
  upstream = Bun.spawn([process.execPath, 'run', 'src/main.ts', 'mock-upstream', '--port', String(port)], {
    stdout: 'ignore',
    stderr: 'ignore',
  })
  upstreamUrl = `http://127.0.0.1:${port}`
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${upstreamUrl}/v1/models`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break
    await Bun.sleep(50)
  }
  const models = (id: string, upstreamModel: string, extra: Record<string, unknown> = {}) => ({
    id,
    provider: 'remote',
    upstream_model: upstreamModel,
    input_usd_per_mtok: 1,
    output_usd_per_mtok: 2,
    ...extra,
  })
  hub = await startHub({
    config: {
      upstream: { timeout_s: 1, stream_timeout_s: 2, stream_idle_timeout_s: 1 },
      providers: { remote: { type: 'openai', base_url: `${upstreamUrl}/v1`, api_key: 'sk-upstream-secret' } },
      models: [
        models('remote-chat', 'vendor-model-v1'),
        models('remote-embed', 'vendor-embed', { kind: 'embedding' }),
        models('remote-500', 'mock-fault-500'),
        models('remote-timeout', 'mock-fault-timeout'),
        models('remote-cut', 'mock-fault-cut'),
        models('remote-slow', 'mock-fault-slow-300'),
        models('remote-reset', 'mock-fault-reset'),
        models('remote-error200', 'mock-fault-error200'),
      ],
    },
  })
  ;({ key } = await hub.account({ balanceUsd: '5.00' }))
  client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
})

afterAll(async () => {
  upstream.kill()
  await hub?.close()
})

const stats = async () =>
  (await (await fetch(`${upstreamUrl}/__mock/stats`)).json()) as {
    calls: number
    lastModel: string
    lastAuthorization: string
    lastBody: Record<string, unknown>
  }

describe('openai provider against mock-upstream over HTTP', () => {
  test('non-streaming: upstream model id and key go up, the client id comes back', async () => {
    const completion = await client.chat.completions.create({
      model: 'remote-chat',
      messages: [{ role: 'user', content: 'over http' }],
      seed: 7,
    })
    expect(completion.model).toBe('remote-chat')
    expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0)
    const seen = await stats()
    expect(seen.lastModel).toBe('vendor-model-v1')
    expect(seen.lastAuthorization).toBe('Bearer sk-upstream-secret')
    // fields token-hub does not model still reach an OpenAI-format upstream
    expect(seen.lastBody.seed).toBe(7)
  })

  test('streaming: chunks arrive as the upstream sends them, usage is requested upstream', async () => {
    const stream = await client.chat.completions.create({
      model: 'remote-chat',
      messages: [{ role: 'user', content: 'stream over http' }],
      stream: true,
    })
    let text = ''
    for await (const chunk of stream) {
      expect(chunk.model).toBe('remote-chat')
      text += chunk.choices[0]?.delta?.content ?? ''
    }
    expect(text.length).toBeGreaterThan(0)
    expect((await stats()).lastBody.stream_options).toEqual({ include_usage: true })
  })

  test('embeddings', async () => {
    const result = await client.embeddings.create({ model: 'remote-embed', input: 'hello' })
    expect(result.data[0]!.embedding.length).toBe(8)
    expect(result.model).toBe('remote-embed')
  })

  test('fault modes become their contract rows', async () => {
    const rows: Array<[string, number, string]> = [
      ['remote-500', 502, 'upstream_error'],
      ['remote-timeout', 504, 'upstream_timeout'],
      ['remote-reset', 502, 'upstream_error'],
      ['remote-error200', 502, 'upstream_error'],
    ]
    for (const [model, status, code] of rows) {
      const response = await post(hub, '/v1/chat/completions', key, chatBody('fault', { model }))
      expect(response.status).toBe(status)
      const error = ((await response.json()) as { error: { code: string; message: string } }).error
      expect(error.code).toBe(code)
      expect(error.message).toContain("'remote'")
    }
  })

  test('a slow first byte is waited for; a cut stream ends with an error event', async () => {
    const slow = await post(hub, '/v1/chat/completions', key, chatBody('slow', { model: 'remote-slow' }))
    expect(slow.status).toBe(200)
    const cut = await post(hub, '/v1/chat/completions', key, chatBody('cut', { model: 'remote-cut', stream: true }))
    expect(cut.status).toBe(200)
    const text = await cut.text()
    expect(text).toContain('data: ')
    expect(text).not.toContain('[DONE]')
  })

  test('an unreachable upstream is a 502 naming the provider', async () => {
    const down = await startHub({
      config: {
        providers: { dead: { type: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key: 'x' } },
        models: [{ id: 'dead-model', provider: 'dead', input_usd_per_mtok: 1, output_usd_per_mtok: 1 }],
      },
    })
    try {
      const { key: k } = await down.account()
      const response = await post(down, '/v1/chat/completions', k, chatBody('x', { model: 'dead-model' }))
      expect(response.status).toBe(502)
      const error = ((await response.json()) as { error: { message: string } }).error
      expect(error.message).toContain("'dead'")
      expect(error.message).toContain('unreachable')
    } finally {
      await down.close()
    }
  })
})
