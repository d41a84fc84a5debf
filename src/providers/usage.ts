// Token counters as upstreams report them: believed only as non-negative safe integers.
import type { Usage } from './types'

/**
 * One reported counter: absent (undefined or null) reads as 0; anything but a non-negative safe
 * integer (a negative, a fraction, 1e308, a string) is noted in `problems` and reads as 0, so
 * nothing that is not a token count can reach a price.
 */
export function tokenCount(value: unknown, field: string, problems: string[]): number {
  if (value === undefined || value === null) return 0
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
  problems.push(`${field} = ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`)
  return 0
}

/** The usage of an upstream whose counters were not token counts: none of them is believed. */
export const unbelievableUsage = (problems: string[]): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  invalid: `the upstream reported counters that are not token counts (${problems.join(', ')})`,
})
