// The embedded default: the example catalog with every model routed to the in-process mock.
import example from '../../config.example.toml'

type RawProvider = { type: string; wire?: string }
type RawModel = Record<string, unknown> & { provider: string }

/**
 * The config `npm start` runs with when there is no config file: the same catalog and prices as
 * config.example.toml (so the demo shows real costs), served by the in-process mock provider,
 * with a demo account seeded on first start. Each model keeps its real provider's wire format
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
  config.demo = { seed: true, credit_usd: '10.00' }
  return config
}
