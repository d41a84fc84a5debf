// The mock upstream over real HTTP, and a catalog routing models to it as openai, anthropic and gemini providers.
import { createMockUpstream, type MockUpstream } from '../../src/mock-upstream/server'

export interface HttpMock {
  url: string
  mock: MockUpstream
  stop(): void
}

/** Serves the mock upstream on 127.0.0.1 with a free port. Always `stop()` it (afterAll). */
export function serveMock(): HttpMock {
  const mock = createMockUpstream()
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 30,
    fetch: (request) => mock.fetch(request),
    // The `reset` fault errors a response body on purpose: nothing to report.
    error: () => new Response(null, { status: 500 }),
  })
  return { url: `http://127.0.0.1:${server.port}`, mock, stop: () => server.stop(true) }
}

export const PROVIDER_TYPES = ['openai', 'anthropic', 'gemini'] as const
export type ProviderKind = (typeof PROVIDER_TYPES)[number]

/** The configured upstream key of each provider (what the mock must receive, never the client's). */
export const UPSTREAM_KEYS: Record<ProviderKind, string> = {
  openai: 'sk-upstream-openai',
  anthropic: 'sk-ant-upstream',
  gemini: 'AIza-upstream-gemini',
}

/** `[providers.*]` of each type, all pointing at the HTTP mock. */
export function mockProviders(url: string) {
  return {
    openai: { type: 'openai', base_url: `${url}/v1`, api_key: UPSTREAM_KEYS.openai },
    anthropic: { type: 'anthropic', base_url: url, api_key: UPSTREAM_KEYS.anthropic },
    gemini: { type: 'gemini', base_url: `${url}/v1beta`, api_key: UPSTREAM_KEYS.gemini },
  }
}

const price = { input_usd_per_mtok: 1, output_usd_per_mtok: 2, context_window: 200000, max_output_tokens: 4096 }

/**
 * Per provider type `<type>-chat` (upstream `mock-<type>`) and, for every fault mode given,
 * `<type>-fault-<mode>` (upstream `mock-fault-<mode>`); plus `gemini-embed`.
 */
export function mockModels(faults: string[] = [], extra: Record<string, Record<string, unknown>> = {}) {
  const models: Array<Record<string, unknown>> = []
  for (const type of PROVIDER_TYPES) {
    models.push({ id: `${type}-chat`, provider: type, upstream_model: `mock-${type}`, ...price, ...extra[`${type}-chat`] })
    for (const fault of faults) {
      const id = `${type}-fault-${fault}`
      models.push({ id, provider: type, upstream_model: `mock-fault-${fault}`, ...price, ...extra[id] })
    }
  }
  models.push({
    id: 'gemini-embed',
    provider: 'gemini',
    upstream_model: 'mock-embedding',
    kind: 'embedding',
    ...price,
    output_usd_per_mtok: 0,
  })
  return models
}

/** A `startHub` config whose whole catalog is served by the HTTP mock. */
export function mockHubConfig(url: string, faults: string[] = [], extra: Record<string, Record<string, unknown>> = {}) {
  return {
    providers: mockProviders(url),
    models: mockModels(faults, extra),
    plans: { free: { models: ['openai-chat'] }, standard: { models: ['*'] } },
  }
}
