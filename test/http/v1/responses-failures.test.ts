// Every failure row of the contract on /v1/responses: OpenAI's error shape, the contract's status, nothing billed; failures mid-stream as response.failed.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import type { Limiter } from '../../../src/limits/limiter'
import { createProviderRegistry } from '../../../src/providers/registry'
import type { Provider } from '../../../src/providers/types'
import { startHub, testConfig, TEST_MODELS, type TestHub } from '../../helpers'
import { serveMock, UPSTREAM_KEYS, type HttpMock } from '../../support/mock-http'
import { PRICE } from '../../support/responses-hub'

const FAULTS = ['500', '429', '400', 'timeout', 'malformed', 'error200', 'cut']

let http: HttpMock
let hub: TestHub
let limitedKeyId = ''

/** A provider with a bug in it: a TypeError, not a GatewayError. */
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
  const config = {
    server: { max_body_bytes: 100_000 },
    upstream: { timeout_s: 1, stream_timeout_s: 1 },
    providers: {
      mock: { type: 'mock' },
      stub: { type: 'mock' },
      'openai-responses': { type: 'openai', base_url: `${http.url}/v1`, api_key: UPSTREAM_KEYS.openai, responses_api: true },
    },
    models: [
      ...TEST_MODELS,
      { id: 'crashes', provider: 'stub', upstream_model: 'crash', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
      ...FAULTS.map((f) => ({ id: `relayed-${f}`, provider: 'openai-responses', upstream_model: `mock-fault-${f}`, ...PRICE })),
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

const send = (key: string | null, body: unknown, path = '/v1/responses') =>
  fetch(hub.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
const ask = (input = 'hi', extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', input, ...extra })

const ROWS: Row[] = [
  { label: 'body not JSON', status: 400, code: 'invalid_json', param: null, send: ({ key }) => send(key, '{nope') },
  { label: 'no input', status: 400, code: 'invalid_body', param: 'input', send: ({ key }) => send(key, { model: 'gpt-4o-mini' }) },
  {
    label: 'schema violation',
    status: 400,
    code: 'invalid_body',
    param: 'temperature',
    send: ({ key }) => send(key, ask('hi', { temperature: 9 })),
  },
  {
    label: 'prompt + max output tokens above the window',
    status: 400,
    code: 'context_length_exceeded',
    send: ({ key }) => send(key, ask('hi', { max_output_tokens: 200_000 })),
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
    label: 'expired key (account deleted)',
    status: 401,
    code: 'key_expired',
    send: async () => {
      const other = await hub.account({ balanceUsd: '1.00' })
      await hub.admin('DELETE', `/admin/accounts/${other.accountId}`)
      return send(other.key, ask())
    },
  },
  {
    label: 'over the balance',
    status: 402,
    code: 'insufficient_balance',
    send: ({ key }) => send(key, ask('hi', { model: 'gpt-4o', max_output_tokens: 16384 })),
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
  {
    label: 'a stored response cannot be fetched: no such route',
    status: 404,
    code: 'route_not_found',
    send: ({ key }) => fetch(`${hub.url}/v1/responses/resp_1`, { headers: { authorization: `Bearer ${key}` } }),
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
  {
    label: "upstream's 429, translated",
    status: 429,
    code: 'upstream_rate_limited',
    send: ({ key }) => send(key, ask('hi', { model: 'broken-429' })),
  },
  {
    label: "upstream's 429, relayed",
    status: 429,
    code: 'upstream_rate_limited',
    send: ({ key }) => send(key, ask('hi', { model: 'relayed-429' })),
  },
  {
    label: 'upstream 4xx passthrough, translated',
    status: 400,
    code: 'upstream_passthrough',
    send: ({ key }) => send(key, ask('hi', { model: 'broken-400' })),
  },
  {
    label: 'upstream 4xx passthrough, relayed',
    status: 400,
    code: 'upstream_passthrough',
    send: ({ key }) => send(key, ask('hi', { model: 'relayed-400' })),
  },
  {
    label: 'upstream 5xx, translated',
    status: 502,
    code: 'upstream_error',
    send: ({ key }) => send(key, ask('hi', { model: 'broken-500' })),
  },
  {
    label: 'upstream 5xx, relayed',
    status: 502,
    code: 'upstream_error',
    send: ({ key }) => send(key, ask('hi', { model: 'relayed-500' })),
  },
  {
    label: 'upstream 5xx, relayed stream',
    status: 502,
    code: 'upstream_error',
    send: ({ key }) => send(key, ask('hi', { model: 'relayed-500', stream: true })),
  },
  {
    label: 'upstream malformed JSON, relayed',
    status: 502,
    code: 'upstream_error',
    send: ({ key }) => send(key, ask('hi', { model: 'relayed-malformed' })),
  },
  {
    label: 'upstream error in a 200, relayed',
    status: 502,
    code: 'upstream_error',
    send: ({ key }) => send(key, ask('hi', { model: 'relayed-error200' })),
  },
  {
    label: 'upstream stream that opens with an error event, relayed',
    status: 502,
    code: 'upstream_error',
    send: ({ key }) => send(key, ask('hi', { model: 'relayed-error200', stream: true })),
  },
  {
    label: 'upstream timeout, translated',
    status: 504,
    code: 'upstream_timeout',
    send: ({ key }) => send(key, ask('hi', { model: 'broken-timeout' })),
  },
  {
    label: 'upstream timeout, relayed stream',
    status: 504,
    code: 'upstream_timeout',
    send: ({ key }) => send(key, ask('hi', { model: 'relayed-timeout', stream: true })),
  },
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

describe('failure rows on /v1/responses', () => {
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
      expect(typeof body.error.message).toBe('string')
      if (row.param !== undefined) expect(body.error.param).toBe(row.param)
      expect(result.after).toEqual(result.before as Awaited<ReturnType<typeof snapshot>>)
      expect(result.after.sum).toBe(result.after.balance)
    })
  }

  test('no hold is left open by any failure', async () => {
    expect(await hub.hub.store.holds.countOpen()).toBe(0)
  })
})

function events(text: string): Array<{ event?: string; data: Record<string, unknown> }> {
  const out: EventSourceMessage[] = []
  createParser({ onEvent: (event) => out.push(event) }).feed(text)
  return out.map((e) => ({ event: e.event, data: JSON.parse(e.data) as Record<string, unknown> }))
}

describe('failures after the stream started end it with response.failed', () => {
  for (const [model, how] of [
    ['broken-cut', 'translated'],
    ['relayed-cut', 'relayed'],
  ] as const) {
    test(`${how}: the same Response id, the next sequence number, the contract code`, async () => {
      const { key } = await hub.account({ balanceUsd: '1.00' })
      const response = await send(key, ask('Tell me a story', { model, stream: true }))
      expect(response.status).toBe(200)
      const received = events(await response.text())
      const first = received[0]!.data as { type: string; response: { id: string } }
      const last = received.at(-1)!
      expect(first.type).toBe('response.created')
      expect(last.event).toBe('response.failed')
      const failed = last.data as {
        type: string
        sequence_number: number
        response: { id: string; status: string; error: { code: string } }
      }
      expect(failed.type).toBe('response.failed')
      expect(failed.response.id).toBe(first.response.id)
      expect(failed.response.status).toBe('failed')
      expect(failed.response.error.code).toBe('upstream_error')
      expect(received.map((e) => e.data.sequence_number)).toEqual(received.map((_, i) => i))
    })
  }
})
