// Builds the configured providers: one factory per provider type, no branching on vendor names.
import type { Config, ProviderConfig, ProviderType } from '../config/schema'
import { createMockUpstream, type MockUpstream } from '../mock-upstream/server'
import { createAnthropicProvider } from './anthropic'
import { createGeminiProvider } from './gemini'
import { createOpenAICompatibleProvider } from './openai-compatible'
import { credentialRedactor, redactingProvider } from './redact'
import type { Provider } from './types'

export interface ProviderFactoryInput {
  name: string
  config: ProviderConfig
  apiKey: string | undefined
  /** The in-process mock, shared by every `type = "mock"` provider. */
  mock: MockUpstream
}

type ProviderFactory = (input: ProviderFactoryInput) => Provider

const FACTORIES: Partial<Record<ProviderType, ProviderFactory>> = {
  openai: ({ name, config, apiKey }) =>
    createOpenAICompatibleProvider({
      name,
      baseUrl: config.base_url!,
      apiKey,
      headers: config.headers,
      responsesApi: config.responses_api ?? isOpenAIHost(config.base_url!),
    }),
  anthropic: ({ name, config, apiKey }) => createAnthropicProvider({ name, baseUrl: config.base_url!, apiKey, headers: config.headers }),
  gemini: ({ name, config, apiKey }) => createGeminiProvider({ name, baseUrl: config.base_url!, apiKey, headers: config.headers }),
  // The in-process mock is served through the real adapter of the wire format it speaks, so the
  // embedded default exercises the same adapter code as a real vendor, without a socket.
  mock: ({ name, config, mock }) => {
    const fetch = (input: string, init: RequestInit) => abortable(mock.fetch(new Request(input, init)), init.signal)
    switch (config.wire ?? 'openai') {
      case 'anthropic':
        return { ...createAnthropicProvider({ name, baseUrl: 'http://mock.invalid', apiKey: 'mock-upstream-key', fetch }), type: 'mock' }
      case 'gemini':
        return {
          ...createGeminiProvider({ name, baseUrl: 'http://mock.invalid/v1beta', apiKey: 'mock-upstream-key', fetch }),
          type: 'mock',
        }
      case 'openai':
        return createOpenAICompatibleProvider({
          name,
          type: 'mock',
          baseUrl: 'http://mock.invalid/v1',
          apiKey: 'mock-upstream-key',
          responsesApi: config.responses_api === true,
          fetch,
        })
    }
  },
}

/** OpenAI's own API serves the Responses API; other OpenAI-compatible vendors say so with `responses_api`. */
function isOpenAIHost(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === 'api.openai.com'
  } catch {
    return false
  }
}

/** Like a network fetch, the in-process one rejects when its signal aborts (timeouts become 504). */
function abortable(response: Promise<Response>, signal: AbortSignal | null | undefined): Promise<Response> {
  if (!signal) return response
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    response.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

const CREDENTIAL_HEADER = /key|token|secret|auth|password/i

export interface ProviderRegistry {
  get(name: string): Provider | undefined
  /** The in-process mock upstream (for tests that assert what reached it). */
  readonly mock: MockUpstream
}

/**
 * Resolves each provider's secret from its `api_key_env` (or inline `api_key`) and builds it. Every
 * provider's errors are redacted of all configured secrets (an upstream may echo any header it
 * was sent) and of key-shaped text before they leave this layer.
 */
export function createProviderRegistry(
  config: Config,
  env: Record<string, string | undefined> = process.env,
  mock: MockUpstream = createMockUpstream({ models: config.models.map((m) => m.upstream_model ?? m.id) }),
): ProviderRegistry {
  const built: Array<{ name: string; config: ProviderConfig; apiKey: string | undefined; factory: ProviderFactory }> = []
  for (const [name, providerConfig] of Object.entries(config.providers)) {
    const factory = FACTORIES[providerConfig.type]
    if (!factory) throw new Error(`providers.${name}.type: provider type "${providerConfig.type}" is not available`)
    const apiKey = providerConfig.api_key ?? (providerConfig.api_key_env ? env[providerConfig.api_key_env] : undefined)
    built.push({ name, config: providerConfig, apiKey, factory })
  }
  const secrets = built.flatMap(({ apiKey, config: c }) => [
    apiKey ?? '',
    // Extra headers can carry credentials too (Azure's `api-key`, a proxy's token), but mostly do not.
    ...Object.entries(c.headers ?? {}).flatMap(([header, value]) => (CREDENTIAL_HEADER.test(header) ? [value] : [])),
  ])
  const redact = credentialRedactor(secrets)
  const providers = new Map<string, Provider>()
  for (const { name, config: providerConfig, apiKey, factory } of built) {
    providers.set(name, redactingProvider(factory({ name, config: providerConfig, apiKey, mock }), redact))
  }
  return { get: (name) => providers.get(name), mock }
}
