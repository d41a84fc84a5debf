// Every failure row of the contract on /v1/completions: OpenAI's error shape, the contract's status, nothing billed; a failure mid-stream as an error chunk.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Limiter } from '../../../src/limits/limiter'
import { createProviderRegistry } from '../../../src/providers/registry'
import type { Provider } from '../../../src/providers/types'
import { startHub, testConfig, TEST_MODELS, type TestHub } from '../../helpers'
import { mockProviders, serveMock, type HttpMock } from '../../support/mock-http'

const FAULTS = ['500', '429', '400', 'timeout', 'malformed', 'cut']
const PRICE = { input_usd_per_mtok: 1, output_usd_per_mtok: 2, context_window: 200000, max_output_tokens: 4096 }

let http: HttpMock
let hub: TestHub
let limitedKeyId = ''

const crashing: Provider = {
  name: 'stub',
  type: 'mock',
  format: 'openai',
  chat: async () => {
    throw new TypeError('a bug in a provider')
  },
  chatStream: async () => {
    throw new TypeError('a bug in a provider')
  },
  embed: async () => {
    throw new TypeError('a bug in a provider')
  },
}

const limiter: Limiter = {
  check: (s) =>
    s.keyId === limitedKeyId
      ? { ok: false, code: 'key_rpm_exceeded', retryAfterSeconds: 1, limit: 1, remaining: 0, resetSeconds: 1 }
      : { ok: true, limit: 1000, remaining: 999, resetSeconds: 1 },
  peek: (s) => (s.keyId === limitedKeyId ? { limit: 1, remaining: 0, resetSeconds: 1 } : { limit: 1000, remaining: 1000, resetSeconds: 0 }),
  size: () => 0,
}

beforeAll(async () => {
  http = serveMock()
  // `broken-*` (TEST_MODELS, the in-process mock) are relayed to its /v1/completions; `translated-*` go to Anthropic's format.
  const config = {
    server: { max_body_bytes: 100_000 },
    upstream: { timeout_s: 1, stream_timeout_s: 1 },
    providers: { mock: { type: 'mock' }, stub: { type: 'mock' }, anthropic: mockProviders(http.url).anthropic },
    models: [
      ...TEST_MODELS,
      { id: 'crashes', provider: 'stub', upstream_model: 'crash', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
      ...FAULTS.map((f) => ({ id: `translated-${f}`, provider: 'anthropic', upstream_model: `mock-fault-${f}`, ...PRICE })),
    ],
  }
  const registry = createProviderRegistry(testConfig(config), {})
  hub = await startHub({
    config,
    deps: { limiter, registry: { mock: registry.mock, get: (name) => (name === 'stub' ? crashing : registry.get(name)) } },
  })
})
afterAll(async () => {
  await hub.close()
  http.stop()
})

type Ctx = { key: string; accountId: string }
type Row = { label: string; status: number; code: string; param?: string | null; send: (ctx: Ctx) => Promise<Response> }

const send = (key: string | null, body: unknown) =>
  fetch(`${hub.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
const ask = (prompt: unknown = 'hi', extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', prompt, ...extra })

const ROWS: Row[] = [
  { label: 'body not JSON', status: 400, code: 'invalid_json', param: null, send: ({ key }) => send(key, '{nope') },
  { label: 'no prompt', status: 400, code: 'invalid_body', param: 'prompt', send: ({ key }) => send(key, { model: 'gpt-4o-mini' }) },
  {
    label: 'schema violation',
    status: 400,
    code: 'invalid_body',
    param: 'logprobs',
    send: ({ key }) => send(key, ask('hi', { logprobs: 9 })),
  },
  {
    label: 'a field a chat model cannot take, translated',
    status: 400,
    code: 'invalid_body',
    param: 'echo',
    send: ({ key }) => send(key, ask('hi', { model: 'translated-500', echo: true })),
  },
  {
    label: 'prompt + max tokens above the window',
    status: 400,
    code: 'context_length_exceeded',
    send: ({ key }) => send(key, ask('hi', { max_tokens: 200_000 })),
  },
  { label: 'no key', status: 401, code: 'missing_api_key', send: () => send(null, ask()) },
  { label: 'unknown key', status: 401, code: 'invalid_api_key', send: () => send(`sk-th_${'x'.repeat(40)}`, ask()) },
  {
    label: 'revoked key',
    status: 401,
    code: 'key_revoked',
    send: async ({ accountId }) => {
      const { key, id } = await hub.mintKey(accountId)
      await hub.admin('DELETE', `/admin/keys/${id}`)
      return send(key, ask())
    },
  },
  {
    label: 'over the balance',
    status: 402,
    code: 'insufficient_balance',
    send: ({ key }) => send(key, ask('hi', { model: 'gpt-4o', max_tokens: 16384 })),
  },
  {
    label: 'over the key budget',
    status: 402,
    code: 'key_budget_exceeded',
    send: async ({ accountId }) => send((await hub.mintKey(accountId, { budget_usd: '0.000001' })).key, ask()),
  },
  {
    label: 'model outside the key allowlist',
    status: 403,
    code: 'model_not_allowed',
    send: async ({ accountId }) => send((await hub.mintKey(accountId, { models: ['gpt-4o-mini'] })).key, ask('hi', { model: 'gpt-4o' })),
  },
  {
    label: 'unknown model',
    status: 404,
    code: 'model_not_found',
    param: 'model',
    send: ({ key }) => send(key, ask('hi', { model: 'gpt-x' })),
  },
  { label: 'body too large', status: 413, code: 'body_too_large', send: ({ key }) => send(key, ask('x'.repeat(200_000))) },
  {
    label: 'key rate limit',
    status: 429,
    code: 'key_rpm_exceeded',
    send: async ({ accountId }) => {
      const { key, id } = await hub.mintKey(accountId)
      limitedKeyId = id
      return send(key, ask())
    },
  },
  ...(['relayed', 'translated'] as const).flatMap((how): Row[] => {
    const model = (fault: string) => (how === 'relayed' ? `broken-${fault}` : `translated-${fault}`)
    return [
      {
        label: `upstream's 429, ${how}`,
        status: 429,
        code: 'upstream_rate_limited',
        send: ({ key }) => send(key, ask('hi', { model: model('429') })),
      },
      {
        label: `upstream 4xx passthrough, ${how}`,
        status: 400,
        code: 'upstream_passthrough',
        send: ({ key }) => send(key, ask('hi', { model: model('400') })),
      },
      {
        label: `upstream 5xx, ${how}`,
        status: 502,
        code: 'upstream_error',
        send: ({ key }) => send(key, ask('hi', { model: model('500') })),
      },
      {
        label: `upstream 5xx, ${how} stream`,
        status: 502,
        code: 'upstream_error',
        send: ({ key }) => send(key, ask('hi', { model: model('500'), stream: true })),
      },
      {
        label: `upstream malformed JSON, ${how}`,
        status: 502,
        code: 'upstream_error',
        send: ({ key }) => send(key, ask('hi', { model: model('malformed') })),
      },
      {
        label: `upstream timeout, ${how}`,
        status: 504,
        code: 'upstream_timeout',
        send: ({ key }) => send(key, ask('hi', { model: model('timeout') })),
      },
      {
        label: `upstream timeout, ${how} stream`,
        status: 504,
        code: 'upstream_timeout',
        send: ({ key }) => send(key, ask('hi', { model: model('timeout'), stream: true })),
      },
    ]
  }),
  { label: 'internal error', status: 500, code: 'internal_error', send: ({ key }) => send(key, ask('hi', { model: 'crashes' })) },
  {
    label: 'internal error, streamed',
    status: 500,
    code: 'internal_error',
    send: ({ key }) => send(key, ask('hi', { model: 'crashes', stream: true })),
  },
]

async function snapshot(accountId: string) {
  const account = (await hub.hub.store.accounts.get(accountId))!
  const ledger = (await hub.hub.store.ledger.list(accountId, { limit: 500 })).entries.length
  return { balance: account.balanceMicros, held: account.heldMicros, ledger, sum: await hub.hub.store.ledger.sum(accountId) }
}

describe('failure rows on /v1/completions', () => {
  const results = new Map<string, { status: number; body: string; before: unknown; after: Awaited<ReturnType<typeof snapshot>> }>()
  beforeAll(async () => {
    await Promise.all(
      ROWS.map(async (row) => {
        const { key, accountId } = await hub.account({ balanceUsd: '0.01' })
        const before = await snapshot(accountId)
        const response = await row.send({ key, accountId })
        results.set(row.label, { status: response.status, body: await response.text(), before, after: await snapshot(accountId) })
      }),
    )
  })

  for (const row of ROWS) {
    test(`${row.status} ${row.code} (${row.label}): OpenAI's error shape, nothing billed`, () => {
      const result = results.get(row.label)!
      expect(result.status).toBe(row.status)
      const body = JSON.parse(result.body) as { error: Record<string, unknown> }
      expect(Object.keys(body)).toEqual(['error'])
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type'])
      expect(body.error.code).toBe(row.code)
      if (row.param !== undefined) expect(body.error.param).toBe(row.param)
      expect(result.after).toEqual(result.before as Awaited<ReturnType<typeof snapshot>>)
      expect(result.after.sum).toBe(result.after.balance)
    })
  }

  test('no hold is left open by any failure', async () => {
    expect(await hub.hub.store.holds.countOpen()).toBe(0)
  })
})

describe('a failure after the stream started ends it with an error chunk', () => {
  for (const [model, how] of [
    ['broken-cut', 'relayed'],
    ['translated-cut', 'translated'],
  ] as const) {
    test(`${how}: text_completion chunks, then OpenAI's error object, and no [DONE]`, async () => {
      const { key } = await hub.account({ balanceUsd: '1.00' })
      const response = await send(key, ask('Tell me a story', { model, stream: true, max_tokens: 50 }))
      expect(response.status).toBe(200)
      const frames = (await response.text())
        .split('\n\n')
        .filter((f) => f.startsWith('data: '))
        .map((f) => f.slice(6))
      expect(frames).not.toContain('[DONE]')
      const chunks = frames.map((f) => JSON.parse(f) as { object?: string; error?: { code: string } })
      expect(chunks[0]!.object).toBe('text_completion')
      expect(chunks.at(-1)!.error!.code).toBe('upstream_error')
    })
  }
})
