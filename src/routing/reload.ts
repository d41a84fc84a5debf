// Live config reload: re-read the file, refuse an invalid one with every problem, else swap the routing in at once.
import type { Catalog } from '../catalog/catalog'
import type { ConfigResult } from '../config/load'
import type { Config } from '../config/schema'
import type { ProviderCaps } from '../limits/provider-caps'
import type { ProviderRegistry } from '../providers/registry'

/** The sections a reload applies; any other section's change waits for a restart (and is said so). */
export const RELOADED_SECTIONS = ['providers', 'models', 'plans', 'routing'] as const

export type ReloadOutcome = { ok: true; models: number; providers: number; restartNeeded: string[] } | { ok: false; problems: string[] }

export interface ReloaderDeps {
  /** Reads and validates the config again (the same file the server started with). */
  read: () => Promise<ConfigResult>
  /** The config in force: the reloaded sections are written into it, so readers of it see them too. */
  config: Config
  catalog: Catalog
  /** Builds the new config's providers (sharing the in-process mock). */
  buildRegistry: (config: Config) => ProviderRegistry
  caps: ProviderCaps
  /** Called after a swap: caches derived from the catalog (keys' allowed models) start over. */
  onSwap: () => void
}

export const providerLimits = (config: Config) =>
  Object.fromEntries(Object.entries(config.providers).map(([name, p]) => [name, { rpm: p.rpm, tpm: p.tpm }]))

/**
 * Reloads are serialized (a second waits for the first). Everything that can fail — reading,
 * validating, building providers and the catalog — happens before anything changes; the swap
 * itself is a few assignments with no await between them, so a request sees the old routing or
 * the new, never a mix. Requests already past model resolution hold the old models (and their
 * providers) to the end. Keys, balances, limiter windows and deployment health are untouched.
 */
export function createReloader(deps: ReloaderDeps): { reload(): Promise<ReloadOutcome> } {
  let chain: Promise<unknown> = Promise.resolve()
  const reloadOnce = async (): Promise<ReloadOutcome> => {
    const result = await deps.read()
    if (!result.ok) return { ok: false, problems: result.problems }
    const next = result.config
    let registry: ProviderRegistry
    try {
      registry = deps.buildRegistry(next)
      // replace() builds the whole new catalog before it swaps: when it throws, nothing changed.
      deps.catalog.replace(next, registry)
    } catch (error) {
      return { ok: false, problems: [(error as Error).message] }
    }
    const restartNeeded = Object.keys(next).filter(
      (section) =>
        !(RELOADED_SECTIONS as readonly string[]).includes(section) &&
        JSON.stringify(next[section as keyof Config]) !== JSON.stringify(deps.config[section as keyof Config]),
    )
    for (const section of RELOADED_SECTIONS) (deps.config as Record<string, unknown>)[section] = next[section]
    deps.caps.configure(providerLimits(next))
    deps.onSwap()
    return { ok: true, models: next.models.length, providers: Object.keys(next.providers).length, restartNeeded }
  }
  return {
    reload() {
      const run = chain.then(reloadOnce, reloadOnce)
      chain = run.catch(() => {})
      return run
    },
  }
}
