// The per-day usage aggregate's rule: which log rows count and how a batch folds into day × account × key × model.
import { utcDayStart } from '../clock'
import type { RequestLogRow } from '../store/request-log'

/** Routes that call a model (and may cost money); the rest (models, balance, key, count_tokens) are bookkeeping. */
export const MODEL_CALL_ROUTES: readonly string[] = [
  '/v1/chat/completions',
  '/v1/messages',
  '/v1/responses',
  '/v1/completions',
  '/v1/embeddings',
]
const MODEL_CALLS = new Set(MODEL_CALL_ROUTES)

export const isModelCall = (route: string) => MODEL_CALLS.has(route)

/** The token classes the aggregate keeps, named as its columns are. */
export interface TokenClasses {
  promptTokens: number
  completionTokens: number
  cacheReadTokens: number
  cacheWriteTokens: number
  cacheWrite1hTokens: number
  reasoningTokens: number
}

/** What the aggregate sums: requests, their cost and their tokens by class. */
export interface UsageCounts extends TokenClasses {
  requests: number
  costMicros: number
}

export const emptyCounts = (): UsageCounts => ({
  requests: 0,
  costMicros: 0,
  promptTokens: 0,
  completionTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: 0,
})

/** Adds `counts` into `target`, class by class. */
export function addCounts(target: UsageCounts, counts: UsageCounts): void {
  target.requests += counts.requests
  target.costMicros += counts.costMicros
  target.promptTokens += counts.promptTokens
  target.completionTokens += counts.completionTokens
  target.cacheReadTokens += counts.cacheReadTokens
  target.cacheWriteTokens += counts.cacheWriteTokens
  target.cacheWrite1hTokens += counts.cacheWrite1hTokens
  target.reasoningTokens += counts.reasoningTokens
}

export interface UsageBucket extends UsageCounts {
  day: number
  accountId: string
  /** '' when the row had no key (or model): the aggregate's key columns are NOT NULL. */
  keyId: string
  model: string
}

/** A row's tokens by class, as the log row keeps them (classes it has none of count 0). */
export function tokenClassesOf(row: RequestLogRow): TokenClasses {
  return {
    promptTokens: row.promptTokens ?? 0,
    completionTokens: row.completionTokens ?? 0,
    cacheReadTokens: row.cacheReadTokens ?? 0,
    cacheWriteTokens: row.cacheWriteTokens ?? 0,
    cacheWrite1hTokens: row.cacheWrite1hTokens ?? 0,
    reasoningTokens: row.reasoningTokens ?? 0,
  }
}

/** Folds a batch of log rows into buckets (model calls of known accounts only), one per day × account × key × model. */
export function aggregateRows(rows: readonly RequestLogRow[]): UsageBucket[] {
  const buckets = new Map<string, UsageBucket>()
  for (const row of rows) {
    if (row.accountId === null || !isModelCall(row.route)) continue
    const day = utcDayStart(row.ts)
    const keyId = row.keyId ?? ''
    const model = row.model ?? ''
    const id = `${day}\u0000${row.accountId}\u0000${keyId}\u0000${model}`
    let bucket = buckets.get(id)
    if (!bucket) {
      bucket = { day, accountId: row.accountId, keyId, model, ...emptyCounts() }
      buckets.set(id, bucket)
    }
    addCounts(bucket, { requests: 1, costMicros: row.costMicros, ...tokenClassesOf(row) })
  }
  return [...buckets.values()]
}
