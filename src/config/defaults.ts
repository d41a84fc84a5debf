// The embedded default: the example catalog with every model routed to the in-process mock.
import example from '../../config.example.toml'

/**
 * The config `npm start` runs with when there is no config file: the same catalog and prices as
 * config.example.toml (so the demo shows real costs), served by the in-process mock provider,
 * with a demo account seeded on first start. Bundled into the executable by `bun build`.
 */
export function embeddedDefaultConfig(): Record<string, unknown> {
  const config = structuredClone(example) as Record<string, unknown> & { models: Array<Record<string, unknown>> }
  config.providers = { mock: { type: 'mock' } }
  config.models = config.models.map((model) => {
    const { upstream_model: _upstream, ...rest } = model
    return { ...rest, provider: 'mock' }
  })
  config.demo = { seed: true, credit_usd: '10.00' }
  return config
}
