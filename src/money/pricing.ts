// Prices per token class and tier, the exact cost of reported usage, and the most a request can cost.
import type { Usage } from '../providers/types'
import type { CatalogModel } from '../catalog/catalog'

/**
 * One set of class prices, each in micro-USD per million tokens: an integer (config prices have at
 * most 6 decimals), and also exactly pico-USD per token, so tokens × price is an exact cost.
 */
export interface ClassPrices {
  input: number
  output: number
  cacheRead: number
  /** 5-minute cache writes. */
  cacheWrite: number
  cacheWrite1h: number
}

/** A model's prices: the base set, and long-context tiers that price a whole request above N prompt tokens. */
export interface ModelPrices {
  base: ClassPrices
  /** Ascending by `abovePromptTokens`. */
  tiers: Array<{ abovePromptTokens: number; prices: ClassPrices }>
}

/** USD per million tokens as written in the config → micro-USD per million tokens (pico-USD per token). */
export const picosPerToken = (usdPerMtok: number): number => Math.round(usdPerMtok * 1_000_000)

/** Prices given as USD per Mtok, each unset class following the config's defaults (input; 1 h writes follow 5 m writes). */
export function classPrices(usd: {
  input: number
  output: number
  cacheRead?: number
  cacheWrite?: number
  cacheWrite1h?: number
}): ClassPrices {
  const cacheWrite = usd.cacheWrite ?? usd.input
  return {
    input: picosPerToken(usd.input),
    output: picosPerToken(usd.output),
    cacheRead: picosPerToken(usd.cacheRead ?? usd.input),
    cacheWrite: picosPerToken(cacheWrite),
    cacheWrite1h: picosPerToken(usd.cacheWrite1h ?? cacheWrite),
  }
}

/** A model priced at one input and one output price, every cache class at the input price (tests, simple configs). */
export const flatPrices = (inputUsd: number, outputUsd: number): ModelPrices => ({
  base: classPrices({ input: inputUsd, output: outputUsd }),
  tiers: [],
})

/** Token counts by billing class: disjoint, so Σ class × price counts no token twice. */
export interface TokenClasses {
  /** Prompt tokens neither read from nor written to a cache. */
  input: number
  cacheRead: number
  cacheWrite: number
  cacheWrite1h: number
  /** Every output token, reasoning included. */
  output: number
}

const CLASS_NAMES = ['input', 'cacheRead', 'cacheWrite', 'cacheWrite1h', 'output'] as const satisfies ReadonlyArray<keyof TokenClasses>

/** The shared usage split into classes (its `inputTokens` counts every prompt token, cached or not). */
export function tokenClasses(usage: Usage): TokenClasses {
  const cacheRead = usage.cacheReadTokens ?? 0
  const cacheWrite = usage.cacheWriteTokens ?? 0
  const cacheWrite1h = usage.cacheWrite1hTokens ?? 0
  return {
    input: Math.max(0, usage.inputTokens - cacheRead - cacheWrite - cacheWrite1h),
    cacheRead,
    cacheWrite,
    cacheWrite1h,
    output: usage.outputTokens,
  }
}

/** The prices a request with this many prompt tokens pays: the highest tier it is above, else the base. */
export function pricesAt(prices: ModelPrices, promptTokens: number): { prices: ClassPrices; tierAbove: number | null } {
  let chosen: { prices: ClassPrices; tierAbove: number | null } = { prices: prices.base, tierAbove: null }
  for (const tier of prices.tiers)
    if (promptTokens > tier.abovePromptTokens) chosen = { prices: tier.prices, tierAbove: tier.abovePromptTokens }
  return chosen
}

/** An exact cost: pico-USD (1e-12 USD) in all and per class, and the tier that priced it. */
export interface Cost {
  picos: bigint
  classes: Record<keyof TokenClasses, bigint>
  /** The long-context tier applied (its `above_prompt_tokens`), or null for the base prices. */
  tierAbove: number | null
}

const PICOS_PER_MICRO = 1_000_000n

/** Σ class tokens × class price, exactly (BigInt: tokens × pico-USD per token can pass 2^53). */
export function exactCost(model: Pick<CatalogModel, 'prices'>, usage: Usage): Cost {
  const counts = tokenClasses(usage)
  const { prices, tierAbove } = pricesAt(model.prices, usage.inputTokens)
  const classes = {} as Record<keyof TokenClasses, bigint>
  let picos = 0n
  for (const name of CLASS_NAMES) {
    classes[name] = BigInt(counts[name]) * BigInt(prices[name])
    picos += classes[name]
  }
  return { picos, classes, tierAbove }
}

/** The smaller of a cost and a cap of whole micro-USD (a counted charge never exceeds its hold). */
export function capCost(cost: Cost, capMicros: number): Cost {
  const cap = BigInt(capMicros) * PICOS_PER_MICRO
  return cost.picos <= cap ? cost : { ...cost, picos: cap }
}

/** A cost as settlement takes it: whole micro-USD, and the pico-USD below the micro-dollar (0 ≤ r < 10⁶). */
export function splitPicos(picos: bigint): { micros: number; remainderPicos: number } {
  return { micros: Number(picos / PICOS_PER_MICRO), remainderPicos: Number(picos % PICOS_PER_MICRO) }
}

/**
 * The most a request of at most `promptTokens` prompt tokens and `maxOutputTokens` output can
 * cost: every prompt token at the dearest prompt class (a cache write costs more than input) and
 * the output at the dearest output price, over every tier such a prompt can reach. Rounded up to
 * the micro-dollar, so a hold never undershoots the settlement it covers, carry included.
 */
export function maxCostOf(model: Pick<CatalogModel, 'prices'>, promptTokens: number, maxOutputTokens: number): number {
  const reachable = [model.prices.base, ...model.prices.tiers.filter((t) => promptTokens > t.abovePromptTokens).map((t) => t.prices)]
  let prompt = 0
  let output = 0
  for (const p of reachable) {
    prompt = Math.max(prompt, p.input, p.cacheRead, p.cacheWrite, p.cacheWrite1h)
    output = Math.max(output, p.output)
  }
  const picos = BigInt(promptTokens) * BigInt(prompt) + BigInt(maxOutputTokens) * BigInt(output)
  return Number((picos + PICOS_PER_MICRO - 1n) / PICOS_PER_MICRO)
}

/** A cost as the log row keeps it: pico-USD per class (numbers: a request's classes stay far below 2^53 pico-USD, $9,007). */
export interface CostBreakdown {
  input: number
  cacheRead: number
  cacheWrite: number
  cacheWrite1h: number
  output: number
  /** The exact total, before the account's carry rounds it to the micro-dollar. */
  totalPicos: number
  tierAbove: number | null
}

export function costBreakdown(cost: Cost): CostBreakdown {
  return {
    input: Number(cost.classes.input),
    cacheRead: Number(cost.classes.cacheRead),
    cacheWrite: Number(cost.classes.cacheWrite),
    cacheWrite1h: Number(cost.classes.cacheWrite1h),
    output: Number(cost.classes.output),
    totalPicos: Number(cost.picos),
    tierAbove: cost.tierAbove,
  }
}
