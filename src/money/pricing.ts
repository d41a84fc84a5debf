// Prices: the cost of reported usage, and the estimated maximum cost a request is held for.
import type { Usage } from '../providers/types'
import type { CatalogModel } from '../catalog/catalog'

/**
 * Cost in micro-USD of real usage at list price. A price in USD per million tokens is exactly
 * micro-USD per token; the total is rounded to the nearest micro-USD once, not per part.
 */
export function costOf(model: CatalogModel, usage: Usage): number {
  return Math.round(usage.inputTokens * model.inputPrice + usage.outputTokens * model.outputPrice)
}

/** The most a request can cost: rounded up, so a hold never undershoots the settlement it covers. */
export function maxCostOf(model: CatalogModel, promptTokens: number, maxOutputTokens: number): number {
  return Math.ceil(promptTokens * model.inputPrice + maxOutputTokens * model.outputPrice)
}
