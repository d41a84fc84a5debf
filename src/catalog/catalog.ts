// The model catalog: what each model name routes to (deployments, aliases, patterns), what it costs, and which plans may call it.
import type { Config, ModelConfig } from '../config/schema'
import type { ProviderRegistry } from '../providers/registry'
import type { Provider } from '../providers/types'
import { deploymentId, deploymentsOf } from '../routing/deployments'
import { DeploymentHealth } from '../routing/health'
import { compilePattern, isPattern, matchPattern, sortPatterns, type ModelPattern } from '../routing/model-pattern'
import { classPrices, type ModelPrices } from '../money/pricing'

/** One way to serve a model: a provider (an upstream key or endpoint), its upstream id and weight. */
export interface Deployment {
  id: string
  weight: number
  health: DeploymentHealth
  /** The model as this deployment serves it: its provider and upstream id, this deployment alone. */
  served: CatalogModel
}

export interface CatalogModel {
  /** The name the request is served, billed and logged as (an alias's model id; a pattern's: the name sent). */
  id: string
  /** The catalog entry: `id`, or the pattern (`claude-*`) that matched it — what allowlists name. */
  entryId: string
  /** The first deployment's provider and upstream id (listings; a served model's own). */
  provider: Provider
  upstreamModel: string
  kind: 'chat' | 'embedding'
  /** Class prices (base and long-context tiers), in pico-USD per token. */
  prices: ModelPrices
  contextWindow: number
  maxOutputTokens: number
  fallbacks: string[]
  ownedBy: string
  /** Prompt-cache breakpoints in requests translated for this model (`auto_cache`, the provider's, else on). */
  autoCache?: boolean
  /** Where it can be served, chosen by weight among the healthy (routing/balancer.ts). */
  deployments: readonly Deployment[]
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

/** What the router reads of `[routing]`, swapped with the catalog on a reload. */
export interface RoutingPolicy {
  retries: number
  cooldownMs: number
  maxCooldownMs: number
}

interface PatternEntry extends ModelPattern {
  model: CatalogModel
  /** Per deployment, the upstream id the config fixes (null: the client's name is passed on). */
  upstreamIds: Array<string | null>
}

/** One config's catalog, swapped whole on a reload so a request sees one or the other. */
interface Snapshot {
  models: Map<string, CatalogModel>
  /** Ids and aliases → their model. */
  names: Map<string, CatalogModel>
  patterns: PatternEntry[]
  plans: Map<string, ReadonlySet<string> | null>
  routing: RoutingPolicy
  /** Every deployment with its configured upstream id (null: the name sent), for the admin view. */
  deployments: Array<{ deployment: Deployment; upstreamModel: string | null }>
}

/** Deployment health by id; kept across reloads, so a cooldown outlives a config change. */
export type HealthBook = Map<string, DeploymentHealth>

function healthOf(book: HealthBook, modelId: string, provider: string): DeploymentHealth {
  const id = deploymentId(modelId, provider)
  let health = book.get(id)
  if (!health) {
    health = new DeploymentHealth(id, modelId, provider)
    book.set(id, health)
  }
  return health
}

/** A model entry with one served view per deployment (each view: that deployment alone). */
function buildModel(
  config: ModelConfig,
  id: string,
  registry: ProviderRegistry,
  book: HealthBook,
  upstreamOf: (configured: string | null) => string,
  entryId = config.id,
  /** A provider's own `auto_cache`, when the model sets none. */
  providerAutoCache: (provider: string) => boolean | undefined = () => undefined,
): { model: CatalogModel; upstreamIds: Array<string | null> } {
  const listed = deploymentsOf(config)
  const upstreamIds = listed.map((d) => d.upstream_model ?? config.upstream_model ?? null)
  const providers = listed.map((d) => {
    const provider = registry.get(d.provider)
    if (!provider) throw new Error(`models: unknown provider "${d.provider}"`)
    return provider
  })
  const deployments: Deployment[] = []
  const model: CatalogModel = {
    id,
    entryId,
    provider: providers[0]!,
    upstreamModel: upstreamOf(upstreamIds[0]!),
    kind: config.kind ?? 'chat',
    prices: modelPrices(config),
    contextWindow: config.context_window,
    maxOutputTokens: config.max_output_tokens,
    fallbacks: config.fallbacks ?? [],
    ownedBy: config.owned_by ?? listed[0]!.provider,
    autoCache: config.auto_cache ?? providerAutoCache(listed[0]!.provider) ?? true,
    deployments,
  }
  listed.forEach((d, i) => {
    const deployment = {
      id: deploymentId(config.id, d.provider),
      weight: d.weight,
      health: healthOf(book, config.id, d.provider),
    } as Deployment
    deployment.served = {
      ...model,
      provider: providers[i]!,
      upstreamModel: upstreamOf(upstreamIds[i]!),
      autoCache: config.auto_cache ?? providerAutoCache(d.provider) ?? true,
      deployments: [deployment],
    }
    deployments.push(deployment)
  })
  return { model, upstreamIds }
}

function snapshotOf(config: Config, registry: ProviderRegistry, book: HealthBook): Snapshot {
  const autoCacheOf = (provider: string) => config.providers[provider]?.auto_cache
  const models = new Map<string, CatalogModel>()
  const names = new Map<string, CatalogModel>()
  const patterns: PatternEntry[] = []
  const deployments: Snapshot['deployments'] = []
  for (const entry of config.models) {
    if (isPattern(entry.id)) {
      const { model, upstreamIds } = buildModel(
        entry,
        entry.id,
        registry,
        book,
        (configured) => configured ?? entry.id,
        entry.id,
        autoCacheOf,
      )
      patterns.push({ ...compilePattern(entry.id), model, upstreamIds })
      model.deployments.forEach((deployment, i) => {
        deployments.push({ deployment, upstreamModel: upstreamIds[i]! })
      })
      continue
    }
    const { model } = buildModel(entry, entry.id, registry, book, (configured) => configured ?? entry.id, entry.id, autoCacheOf)
    models.set(entry.id, model)
    names.set(entry.id, model)
    for (const d of model.deployments) deployments.push({ deployment: d, upstreamModel: d.served.upstreamModel })
  }
  // Aliases after every id, so an id always names its own entry.
  for (const entry of config.models) {
    const model = models.get(entry.id)
    if (model) for (const alias of entry.aliases ?? []) if (!names.has(alias)) names.set(alias, model)
  }
  const plans = new Map<string, ReadonlySet<string> | null>()
  for (const [name, plan] of Object.entries(config.plans)) plans.set(name, plan.models.includes('*') ? null : new Set(plan.models))
  const routing = {
    retries: config.routing.retries,
    cooldownMs: config.routing.cooldown_s * 1000,
    maxCooldownMs: Math.max(config.routing.max_cooldown_s, config.routing.cooldown_s) * 1000,
  }
  return { models, names, patterns: sortPatterns(patterns), plans, routing, deployments }
}

/**
 * A pattern entry serving `name`: the entry's prices, the name as the model's id, and `name`
 * passed upstream by every deployment that fixes no upstream id. Health is the entry's.
 */
function instantiate(pattern: PatternEntry, name: string): CatalogModel {
  const entry = pattern.model
  const deployments: Deployment[] = []
  const model: CatalogModel = { ...entry, id: name, upstreamModel: pattern.upstreamIds[0] ?? name, deployments }
  entry.deployments.forEach((d, i) => {
    const deployment = { id: d.id, weight: d.weight, health: d.health } as Deployment
    deployment.served = { ...model, provider: d.served.provider, upstreamModel: pattern.upstreamIds[i] ?? name, deployments: [deployment] }
    deployments.push(deployment)
  })
  return model
}

/**
 * The catalog of the config in force. `replace` swaps in another config's catalog at once: a
 * request that already resolved its model keeps that model (and its providers) to the end, the
 * next one sees the new catalog. Deployment health is kept across the swap by deployment id.
 */
export class Catalog {
  private state: Snapshot
  private readonly book: HealthBook = new Map()

  constructor(config: Config, registry: ProviderRegistry) {
    this.state = snapshotOf(config, registry, this.book)
  }

  /** Builds the new config's catalog first (throws, changing nothing, if it cannot), then swaps. */
  replace(config: Config, registry: ProviderRegistry): void {
    this.state = snapshotOf(config, registry, this.book)
  }

  /** `[routing]` of the config in force. */
  get routing(): RoutingPolicy {
    return this.state.routing
  }

  /** An exact id or alias (no patterns): what fallbacks and admin payloads name. */
  get(id: string): CatalogModel | undefined {
    return this.state.names.get(id)
  }

  /** The model a client's name reaches: an exact id or alias, else the most specific matching pattern. */
  resolve(name: string): CatalogModel | undefined {
    const state = this.state
    const exact = state.names.get(name)
    if (exact) return exact
    const pattern = matchPattern(state.patterns, name)
    return pattern ? instantiate(pattern, name) : undefined
  }

  /**
   * Key-suffix routing (`…-<provider>/<model>`): the model named by id, alias or that provider's
   * upstream id (else a pattern matching it), served by that provider's deployment alone.
   */
  resolveOn(provider: string, name: string): CatalogModel | undefined {
    const state = this.state
    const on = (model: CatalogModel | undefined) => model?.deployments.find((d) => d.served.provider.name === provider)?.served
    const named = on(state.names.get(name))
    if (named) return named
    for (const model of state.models.values()) {
      const d = model.deployments.find((x) => x.served.provider.name === provider && x.served.upstreamModel === name)
      if (d) return d.served
    }
    for (const pattern of state.patterns) {
      if (pattern.test(name) && pattern.model.deployments.some((d) => d.served.provider.name === provider)) {
        return on(instantiate(pattern, name))
      }
    }
    return undefined
  }

  /** Every exact model entry (patterns are not models a client can list). */
  all(): CatalogModel[] {
    return [...this.state.models.values()]
  }

  /** Every deployment, with the upstream id it is configured with (null: the client's name). */
  deployments(): ReadonlyArray<{ deployment: Deployment; upstreamModel: string | null }> {
    return this.state.deployments
  }

  /** True when `id` is one of the catalog's pattern entries (`claude-*`), which allowlists may name. */
  hasPattern(id: string): boolean {
    return this.state.patterns.some((p) => p.id === id)
  }

  hasPlan(name: string): boolean {
    return this.state.plans.has(name)
  }

  /**
   * The names a key may call: its plan's models ∩ its own allowlist (`null` = no allowlist). An
   * entry allowed covers its aliases and, for a pattern, every name it serves; a single name a
   * pattern serves may be allowed on its own. An unknown plan allows nothing. Ids compare exactly.
   */
  allowedFor(plan: string, keyModels: string[] | null): ReadonlySet<string> {
    const state = this.state
    const planModels = state.plans.get(plan)
    if (planModels === undefined) return new Set()
    const keyAll = keyModels === null || keyModels.includes('*')
    const allowed = new Set<string>()
    const admits = (name: string, entryId: string) =>
      (planModels === null || planModels.has(name) || planModels.has(entryId)) &&
      (keyAll || keyModels!.includes(name) || keyModels!.includes(entryId))
    for (const id of state.models.keys()) if (admits(id, id)) allowed.add(id)
    for (const pattern of state.patterns) if (admits(pattern.id, pattern.id)) allowed.add(pattern.id)
    // Single names that only a pattern serves, named by the plan or the key.
    for (const name of [...(planModels ?? []), ...(keyAll ? [] : keyModels!)]) {
      if (state.names.has(name) || isPattern(name)) continue
      const pattern = matchPattern(state.patterns, name)
      if (pattern && admits(name, pattern.id)) allowed.add(name)
    }
    return allowed
  }
}

/** Whether a key or plan allowing `allowed` may call `model` (its name, or the entry that serves it). */
export const mayCall = (allowed: ReadonlySet<string>, model: CatalogModel) => allowed.has(model.id) || allowed.has(model.entryId)
