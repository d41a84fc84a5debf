// Every failure row of the contract's error table leaves the balance, the holds and the ledger unchanged.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Limiter } from '../../../src/limits/limiter'
import { createProviderRegistry } from '../../../src/providers/registry'
import type { Provider } from '../../../src/providers/types'
import { chatBody, startHub, testConfig, TEST_MODELS, type TestHub } from '../../helpers'

const CONFIG = {
  server: { max_body_bytes: 100_000 },
  upstream: { timeout_s: 1, stream_timeout_s: 1 },
  providers: { mock: { type: 'mock' }, stub: { type: 'mock' } },
  models: [
    ...TEST_MODELS,
    { id: 'crashes', provider: 'stub', upstream_model: 'crash', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
    { id: 'crashes-embed', provider: 'stub', upstream_model: 'crash', kind: 'embedding', input_usd_per_mtok: 1 },
    { id: 'free-lunch', provider: 'stub', upstream_model: 'zero', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
  ],
}

/** A provider that throws a bug (not a GatewayError) for `crash`, and reports zero usage for `zero`. */
const stub: Provider = {
  name: 'stub',
  type: 'mock',
  format: 'openai',
  async chat(_request, context) {
    if (context.upstreamModel === 'crash') throw new TypeError('a bug in a provider')
    return {
      id: 'z',
      model: 'zero',
      created: 0,
      content: [{ type: 'text', text: 'free words' }],
      finishReason: 'stop',
      usage: { inputTokens: 0, outputTokens: 0 },
    }
  },
  async chatStream(_request, context) {
    if (context.upstreamModel === 'crash') throw new TypeError('a bug in a provider')
    return (async function* () {
      yield [{ chunks: [{ type: 'start' as const, id: 'z', model: 'zero' }] }]
      yield [{ chunks: [{ type: 'text' as const, text: 'free words' }] }]
      yield [
        {
          chunks: [
            { type: 'finish' as const, reason: 'stop' as const },
            { type: 'usage' as const, usage: { inputTokens: 0, outputTokens: 0 } },
          ],
        },
      ]
    })()
  },
  async embed() {
    throw new TypeError('a bug in a provider')
  },
}

let hub: TestHub
let limitedKeyId = ''
const limiter: Limiter = {
  check: (s) =>
    s.keyId === limitedKeyId
      ? { ok: false, code: 'key_rpm_exceeded', retryAfterSeconds: 1, limit: 1, remaining: 0, resetSeconds: 1 }
      : { ok: true, limit: 1000, remaining: 999, resetSeconds: 1 },
  peek: (s) => (s.keyId === limitedKeyId ? { limit: 1, remaining: 0, resetSeconds: 1 } : { limit: 1000, remaining: 1000, resetSeconds: 0 }),
  size: () => 0,
}

beforeAll(async () => {
  const config = testConfig(CONFIG)
  const registry = createProviderRegistry(config, {})
  hub = await startHub({
    config: CONFIG,
    deps: { limiter, registry: { mock: registry.mock, get: (name) => (name === 'stub' ? stub : registry.get(name)) } },
  })
})
afterAll(() => hub.close())

type Row = { label: string; status: number; code: string; send: (ctx: Ctx) => Promise<Response> }
type Ctx = { key: string; accountId: string }

const send = (path: string, key: string | null, body: unknown, headers: Record<string, string> = {}) =>
  fetch(hub.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
const chat = (key: string | null, body: unknown) => send('/v1/chat/completions', key, body)

const ROWS: Row[] = [
  { label: 'body not JSON', status: 400, code: 'invalid_json', send: ({ key }) => chat(key, '{nope') },
  { label: 'schema violation', status: 400, code: 'invalid_body', send: ({ key }) => chat(key, { model: 'gpt-4o-mini' }) },
  {
    label: 'prompt + max tokens above the window',
    status: 400,
    code: 'context_length_exceeded',
    send: ({ key }) => chat(key, chatBody('hi', { max_tokens: 200_000 })),
  },
  { label: 'no key', status: 401, code: 'missing_api_key', send: () => chat(null, chatBody()) },
  { label: 'unknown key', status: 401, code: 'invalid_api_key', send: () => chat(`sk-th_${'x'.repeat(40)}`, chatBody()) },
  {
    label: 'revoked key',
    status: 401,
    code: 'key_revoked',
    send: async ({ accountId }) => {
      const { key, id } = await hub.mintKey(accountId)
      await hub.admin('DELETE', `/admin/keys/${id}`)
      return chat(key, chatBody())
    },
  },
  {
    label: 'over the balance',
    status: 402,
    code: 'insufficient_balance',
    send: ({ key }) => chat(key, chatBody('hi', { model: 'gpt-4o', max_tokens: 16384 })),
  },
  {
    label: 'over the key budget',
    status: 402,
    code: 'key_budget_exceeded',
    send: async ({ accountId }) => chat((await hub.mintKey(accountId, { budget_usd: '0.000001' })).key, chatBody()),
  },
  {
    label: 'model outside the key allowlist',
    status: 403,
    code: 'model_not_allowed',
    send: async ({ accountId }) =>
      chat((await hub.mintKey(accountId, { models: ['gpt-4o-mini'] })).key, chatBody('hi', { model: 'gpt-4o' })),
  },
  { label: 'unknown model', status: 404, code: 'model_not_found', send: ({ key }) => chat(key, chatBody('hi', { model: 'gpt-x' })) },
  { label: 'unknown route', status: 404, code: 'route_not_found', send: ({ key }) => send('/v1/nothing', key, {}) },
  { label: 'body too large', status: 413, code: 'body_too_large', send: ({ key }) => chat(key, chatBody('x'.repeat(200_000))) },
  {
    label: 'key rate limit',
    status: 429,
    code: 'key_rpm_exceeded',
    send: async ({ accountId }) => {
      const { key, id } = await hub.mintKey(accountId)
      limitedKeyId = id
      return chat(key, chatBody())
    },
  },
  {
    label: "upstream's 429",
    status: 429,
    code: 'upstream_rate_limited',
    send: ({ key }) => chat(key, chatBody('hi', { model: 'broken-429' })),
  },
  {
    label: 'upstream 4xx passthrough',
    status: 400,
    code: 'upstream_passthrough',
    send: ({ key }) => chat(key, chatBody('hi', { model: 'broken-400' })),
  },
  { label: 'upstream 5xx', status: 502, code: 'upstream_error', send: ({ key }) => chat(key, chatBody('hi', { model: 'broken-500' })) },
  {
    label: 'upstream 5xx, streamed',
    status: 502,
    code: 'upstream_error',
    send: ({ key }) => chat(key, chatBody('hi', { model: 'broken-500', stream: true })),
  },
  {
    label: 'upstream malformed JSON',
    status: 502,
    code: 'upstream_error',
    send: ({ key }) => chat(key, chatBody('hi', { model: 'broken-malformed' })),
  },
  {
    label: 'upstream timeout',
    status: 504,
    code: 'upstream_timeout',
    send: ({ key }) => chat(key, chatBody('hi', { model: 'broken-timeout' })),
  },
  {
    label: 'upstream timeout, streamed',
    status: 504,
    code: 'upstream_timeout',
    send: ({ key }) => chat(key, chatBody('hi', { model: 'broken-timeout', stream: true })),
  },
  { label: 'internal error', status: 500, code: 'internal_error', send: ({ key }) => chat(key, chatBody('hi', { model: 'crashes' })) },
  {
    label: 'internal error, streamed',
    status: 500,
    code: 'internal_error',
    send: ({ key }) => chat(key, chatBody('hi', { model: 'crashes', stream: true })),
  },
  {
    label: 'internal error, embeddings',
    status: 500,
    code: 'internal_error',
    send: ({ key }) => send('/v1/embeddings', key, { model: 'crashes-embed', input: 'x' }),
  },
]

async function snapshot(accountId: string) {
  const account = (await hub.hub.store.accounts.get(accountId))!
  const ledger = (await hub.hub.store.ledger.list(accountId, { limit: 500 })).entries.length
  return { balance: account.balanceMicros, held: account.heldMicros, ledger, sum: await hub.hub.store.ledger.sum(accountId) }
}

describe('failure rows are never billed', () => {
  // The rows run concurrently (the two timeouts take a second each), each on its own account.
  const results = new Map<
    string,
    { status: number; body: string; before: Awaited<ReturnType<typeof snapshot>>; after: Awaited<ReturnType<typeof snapshot>> }
  >()
  beforeAll(async () => {
    await Promise.all(
      ROWS.map(async (row) => {
        // $0.01: enough for gpt-4o-mini's hold (16k output tokens ≈ $0.0098), not for gpt-4o's ($0.16)
        const { key, accountId } = await hub.account({ balanceUsd: '0.01' })
        const before = await snapshot(accountId)
        const response = await row.send({ key, accountId })
        const body = await response.text()
        const after = await snapshot(accountId)
        results.set(row.label, { status: response.status, body, before, after })
      }),
    )
  })

  for (const row of ROWS) {
    test(`${row.status} ${row.code} (${row.label}): balance, holds and ledger unchanged`, () => {
      const result = results.get(row.label)!
      expect(result.status).toBe(row.status)
      expect(result.body).toContain(row.code)
      expect(result.after).toEqual(result.before)
      expect(result.after.held).toBe(0)
      expect(result.after.sum).toBe(result.after.balance)
    })
  }

  test('no hold is left open by any failure', async () => {
    expect(await hub.hub.store.holds.countOpen()).toBe(0)
  })

  test('402s are decided before any upstream call', async () => {
    const { key, accountId } = await hub.account({ balanceUsd: '0.01' })
    const budgeted = (await hub.mintKey(accountId, { budget_usd: '0.000001' })).key
    const calls = hub.mock.stats.calls
    expect((await chat(key, chatBody('hi', { model: 'gpt-4o', max_tokens: 16384 }))).status).toBe(402)
    expect((await chat(budgeted, chatBody())).status).toBe(402)
    expect(hub.mock.stats.calls).toBe(calls)
  })

  test('an explicit zero usage bills zero, streamed or not', async () => {
    const { key, accountId } = await hub.account({ balanceUsd: '1.00' })
    const before = await snapshot(accountId)
    const plain = await chat(key, chatBody('hi', { model: 'free-lunch' }))
    expect(plain.status).toBe(200)
    expect(plain.headers.get('x-token-hub-cost-usd')).toBe('0.000000')
    const streamed = await chat(key, chatBody('hi', { model: 'free-lunch', stream: true }))
    expect(await streamed.text()).toContain('free words')
    // A stream settles after its last byte: wait for that (polled, generously bounded), not for a fixed time.
    const store = hub.hub.store
    for (let i = 0; i < 500 && ((await store.holds.countOpen()) > 0 || store.holdBook.pendingWrites > 0); i++) await Bun.sleep(10)
    expect(await snapshot(accountId)).toEqual(before)
    expect(await hub.hub.store.holds.countOpen()).toBe(0)
  })
})
