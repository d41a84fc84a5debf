// The model catalog: what each model id routes to, what it costs, and which plans may call it.
import type { Config } from '../config/schema'
import type { ProviderRegistry } from '../providers/registry'
import type { Provider } from '../providers/types'
import { classPrices, type ModelPrices } from '../money/pricing'

export interface CatalogModel {
  id: string
  provider: Provider
  upstreamModel: string
  kind: 'chat' | 'embedding'
  /** Class prices (base and long-context tiers), in pico-USD per token. */
  prices: ModelPrices
  contextWindow: number
  maxOutputTokens: number
  fallbacks: string[]
  ownedBy: string
}

type PriceFields = {
  input_usd_per_mtok: number
  output_usd_per_mtok: number
  cache_read_usd_per_mtok?: number
  cache_write_usd_per_mtok?: number
  cache_write_1h_usd_per_mtok?: number
}

const pricesOf = (p: PriceFields) =>
  classPrices({
    input: p.input_usd_per_mtok,
    output: p.output_usd_per_mtok,
    cacheRead: p.cache_read_usd_per_mtok,
    cacheWrite: p.cache_write_usd_per_mtok,
    cacheWrite1h: p.cache_write_1h_usd_per_mtok,
  })

/** A model's configured prices; tiers sorted by threshold (the config check refuses duplicates). */
export function modelPrices(model: Config['models'][number]): ModelPrices {
  const tiers = (model.tiers ?? [])
    .map((tier) => ({ abovePromptTokens: tier.above_prompt_tokens, prices: pricesOf(tier) }))
    .sort((a, b) => a.abovePromptTokens - b.abovePromptTokens)
  return { base: pricesOf(model), tiers }
}

export class Catalog {
  private readonly models = new Map<string, CatalogModel>()
  private readonly plans = new Map<string, ReadonlySet<string> | null>()

  constructor(config: Config, registry: ProviderRegistry) {
    for (const model of config.models) {
      const provider = registry.get(model.provider)
      if (!provider) throw new Error(`models: unknown provider "${model.provider}"`)
      this.models.set(model.id, {
        id: model.id,
        provider,
        upstreamModel: model.upstream_model ?? model.id,
        kind: model.kind ?? 'chat',
        prices: modelPrices(model),
        contextWindow: model.context_window,
        maxOutputTokens: model.max_output_tokens,
        fallbacks: model.fallbacks ?? [],
        ownedBy: model.owned_by ?? model.provider,
      })
    }
    for (const [name, plan] of Object.entries(config.plans)) {
      this.plans.set(name, plan.models.includes('*') ? null : new Set(plan.models))
    }
  }

  get(id: string): CatalogModel | undefined {
    return this.models.get(id)
  }

  all(): CatalogModel[] {
    return [...this.models.values()]
  }

  hasPlan(name: string): boolean {
    return this.plans.has(name)
  }

  /**
   * The model ids a key may call: its plan's models ∩ its own allowlist (`null` = no allowlist).
   * An unknown plan allows nothing. Ids compare exactly.
   */
  allowedFor(plan: string, keyModels: string[] | null): ReadonlySet<string> {
    const planModels = this.plans.get(plan)
    if (planModels === undefined) return new Set()
    const keyAll = keyModels === null || keyModels.includes('*')
    const allowed = new Set<string>()
    for (const id of this.models.keys()) {
      if ((planModels === null || planModels.has(id)) && (keyAll || keyModels!.includes(id))) allowed.add(id)
    }
    return allowed
  }
}
