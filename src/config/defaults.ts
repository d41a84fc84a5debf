// The embedded default: the example catalog with every model routed to the in-process mock.
import example from '../../config.example.toml'

type RawProvider = { type: string; wire?: string }
type RawModel = Record<string, unknown> & { provider: string }

const DEMO_PATTERNS: RawModel[] = [
  {
    id: 'claude-*',
    provider: 'mock-anthropic',
    input_usd_per_mtok: 3,
    output_usd_per_mtok: 15,
    context_window: 200000,
    max_output_tokens: 64000,
  },
  {
    id: 'gemini-*',
    provider: 'mock-gemini',
    input_usd_per_mtok: 0.3,
    output_usd_per_mtok: 2.5,
    context_window: 1000000,
    max_output_tokens: 65536,
  },
  { id: '*', provider: 'mock', input_usd_per_mtok: 1.25, output_usd_per_mtok: 10, context_window: 400000, max_output_tokens: 128000 },
]

/**
 * The config `npm start` runs with when there is no config file: the same catalog and prices as
 * config.example.toml (so the demo shows real costs), served by the in-process mock provider,
 * with a demo account seeded on first start, and glob entries (`claude-*`, `gemini-*`, `*`) so
 * any model name a client defaults to is served. Each model keeps its real provider's wire format
 * (`wire`), so Claude models go through the Anthropic adapter and Gemini through Gemini's: the
 * demo exercises the same translation code a real deployment does. Bundled by `bun build`.
 */
export function embeddedDefaultConfig(): Record<string, unknown> {
  const config = structuredClone(example) as Record<string, unknown> & { models: RawModel[]; providers: Record<string, RawProvider> }
  const wires = { openai: 'mock', anthropic: 'mock-anthropic', gemini: 'mock-gemini' } as const
  const realTypes = config.providers
  config.providers = {
    mock: { type: 'mock', wire: 'openai' },
    'mock-anthropic': { type: 'mock', wire: 'anthropic' },
    'mock-gemini': { type: 'mock', wire: 'gemini' },
  }
  config.models = config.models.map((model) => {
    const { upstream_model: _upstream, ...rest } = model
    const type = (realTypes[model.provider]?.type ?? 'openai') as keyof typeof wires
    return { ...rest, provider: wires[type] ?? 'mock' }
  })
  // Any name a client defaults to (Claude Code's `claude-opus-4-8`, a Gemini CLI's, anything else)
  // is served by the mock in that family's wire format, at demo prices, instead of a 404.
  config.models.push(...DEMO_PATTERNS)
  config.demo = { seed: true, credit_usd: '10.00' }
  return config
}
