// Test harness: a real token-hub on a free port over :memory: SQLite, with mock upstreams.
import { createApp, type App, type AppDeps } from '../src/app'
import { systemClock, type Clock } from '../src/clock'
import { validateConfig } from '../src/config/load'
import type { Config } from '../src/config/schema'
import type { MockUpstream } from '../src/mock-upstream/server'
import { openStore, type OpenStoreOptions, type SqliteStore } from '../src/store'

export const ADMIN_TOKEN = 'test-admin-token-0123456789'

/** A catalog of mock-served models with round prices, for tests that compute costs by hand. */
export const TEST_MODELS = [
  {
    id: 'gpt-4o-mini',
    provider: 'mock',
    input_usd_per_mtok: 0.15,
    output_usd_per_mtok: 0.6,
    context_window: 128000,
    max_output_tokens: 16384,
  },
  { id: 'gpt-4o', provider: 'mock', input_usd_per_mtok: 2.5, output_usd_per_mtok: 10, context_window: 128000, max_output_tokens: 16384 },
  {
    id: 'text-embedding-3-small',
    provider: 'mock',
    kind: 'embedding',
    input_usd_per_mtok: 0.02,
    output_usd_per_mtok: 0,
    context_window: 8191,
    max_output_tokens: 1,
  },
  { id: 'broken-500', provider: 'mock', upstream_model: 'mock-fault-500', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
  { id: 'broken-429', provider: 'mock', upstream_model: 'mock-fault-429', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
  { id: 'broken-400', provider: 'mock', upstream_model: 'mock-fault-400', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
  { id: 'broken-malformed', provider: 'mock', upstream_model: 'mock-fault-malformed', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
  { id: 'broken-cut', provider: 'mock', upstream_model: 'mock-fault-cut', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
  { id: 'broken-timeout', provider: 'mock', upstream_model: 'mock-fault-timeout', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
]

export interface TestHubOptions {
  /** Merged over the base test config (deep for tables, replacing arrays). */
  config?: Record<string, unknown>
  deps?: Partial<Omit<AppDeps, 'config' | 'store'>>
  sqlitePath?: string
  /** How the store is opened (the write queue's outage settings). */
  store?: OpenStoreOptions
}

export interface TestHub {
  url: string
  hub: App<SqliteStore>
  config: Config
  /** The clock the hub runs on (`deps.clock`, else the system clock): dates a test computes come from it. */
  clock: Clock
  /** The in-process mock behind every `type = "mock"` provider. */
  mock: MockUpstream
  admin(method: string, path: string, body?: unknown): Promise<Response>
  /** An account with `balanceUsd` of credit and a fresh key; returns the full key. */
  account(options?: {
    balanceUsd?: string
    plan?: string
    key?: Record<string, unknown>
  }): Promise<{ accountId: string; key: string; keyId: string }>
  mintKey(accountId: string, body?: Record<string, unknown>): Promise<{ key: string; id: string }>
  close(): Promise<void>
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const b = out[k]
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v
  }
  return out
}

export function testConfig(over: Record<string, unknown> = {}): Config {
  const base = {
    server: { port: 0 },
    storage: { sqlite_path: ':memory:' },
    admin: { token: ADMIN_TOKEN },
    logs: { flush_interval_ms: 50 },
    providers: { mock: { type: 'mock' } },
    models: TEST_MODELS,
    plans: { free: { models: ['gpt-4o-mini'] }, standard: { models: ['*'] } },
  }
  // A test that brings its own catalog brings its own plans (the base free plan names gpt-4o-mini).
  if (over.models && !over.plans) base.plans = { standard: { models: ['*'] } } as typeof base.plans
  const result = validateConfig(merge(base, over))
  if (!result.ok) throw new Error(`test config invalid:\n${result.problems.join('\n')}`)
  return result.config
}

/** Starts token-hub on 127.0.0.1 with a free port. Always `close()` it (afterAll). */
export async function startHub(options: TestHubOptions = {}): Promise<TestHub> {
  const config = testConfig(options.config)
  const store = openStore(options.sqlitePath ?? config.storage.sqlite_path, options.store)
  const hub = await createApp({ config, store, env: {}, ...options.deps })
  // port 0 (the default) picks a free port; a test that needs its public_url known up front chooses one.
  hub.app.listen({ hostname: '127.0.0.1', port: config.server.port, idleTimeout: 255 })
  const url = `http://127.0.0.1:${hub.app.server!.port}`
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  const mintKey = async (accountId: string, body: Record<string, unknown> = {}) => {
    const response = await admin('POST', `/admin/accounts/${accountId}/keys`, body)
    if (response.status !== 201) throw new Error(`mint key: ${response.status} ${await response.text()}`)
    const minted = (await response.json()) as { key: string; id: string }
    return { key: minted.key, id: minted.id }
  }
  let accounts = 0
  return {
    url,
    hub,
    config,
    clock: options.deps?.clock ?? systemClock,
    mock: hub.registry.mock,
    admin,
    mintKey,
    async account({ balanceUsd = '10.00', plan, key = {} } = {}) {
      const created = await admin('POST', '/admin/accounts', { email: `user${++accounts}-${crypto.randomUUID()}@test.local`, plan })
      if (created.status !== 201) throw new Error(`create account: ${created.status} ${await created.text()}`)
      const { id } = (await created.json()) as { id: string }
      if (balanceUsd !== '0' && balanceUsd !== '0.00') {
        const credited = await admin('POST', `/admin/accounts/${id}/credits`, { amount_usd: balanceUsd })
        if (credited.status !== 201) throw new Error(`credit: ${credited.status} ${await credited.text()}`)
      }
      const minted = await mintKey(id, key)
      return { accountId: id, key: minted.key, keyId: minted.id }
    },
    async close() {
      await hub.app.stop(true)
      await hub.close()
      store.close()
    },
  }
}

/** POSTs JSON to the hub with a key. */
export function post(hub: Pick<TestHub, 'url'>, path: string, key: string | null, body: unknown, headers: Record<string, string> = {}) {
  return fetch(hub.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export const chatBody = (content = 'Hello there', extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
  ...extra,
})

/**
 * The log row of a request. Rows are pushed after the response is sent and written in batches,
 * so this flushes and polls briefly rather than assuming the row is there already.
 */
export async function logRow(hub: TestHub, requestId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 3000
  while (true) {
    await hub.hub.log.flush()
    const response = await hub.admin('GET', `/admin/requests/${requestId}`)
    if (response.status === 200) return (await response.json()) as Record<string, unknown>
    if (Date.now() > deadline) throw new Error(`no log row for ${requestId}: ${response.status}`)
    await Bun.sleep(10)
  }
}
