// Token counters as upstreams report them: believed only as non-negative safe integers whose classes fit their totals.
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

/** A usage normalised from a wire format, before its classes are checked against its totals. */
export interface ClassCounts {
  /** Every prompt token, cached or not. */
  input: number
  cacheRead: number
  cacheWrite: number
  cacheWrite1h: number
  /** Every output token, reasoning included. */
  output: number
  reasoning: number
}

/**
 * The shared usage of one wire format's counters, or an unbelievable one when they were not token
 * counts (`problems`) or a part exceeds its whole: the cache classes together above the prompt,
 * reasoning above the output. `names` says in the wire's own words what was compared.
 */
export function classedUsage(counts: ClassCounts, problems: string[], names: { input: string; output: string }): Usage {
  if (problems.length > 0) return unbelievableUsage(problems)
  const cached = counts.cacheRead + counts.cacheWrite + counts.cacheWrite1h
  if (cached > counts.input) {
    return {
      inputTokens: 0,
      outputTokens: 0,
      invalid: `the upstream reported ${cached} cached input tokens (read and written), above its ${counts.input} ${names.input}`,
    }
  }
  if (counts.reasoning > counts.output) {
    return {
      inputTokens: 0,
      outputTokens: 0,
      invalid: `the upstream reported ${counts.reasoning} reasoning tokens, above its ${counts.output} ${names.output}`,
    }
  }
  const usage: Usage = { inputTokens: counts.input, outputTokens: counts.output }
  if (counts.cacheRead) usage.cacheReadTokens = counts.cacheRead
  if (counts.cacheWrite) usage.cacheWriteTokens = counts.cacheWrite
  if (counts.cacheWrite1h) usage.cacheWrite1hTokens = counts.cacheWrite1h
  if (counts.reasoning) usage.reasoningTokens = counts.reasoning
  return usage
}

/** A start's prompt classes from usage told before the answer: believed counts only, output left to be counted. */
export function promptUsageOf(usage: Usage | null): { promptUsage?: Usage } {
  if (!usage || usage.invalid) return {}
  const { reasoningTokens: _reasoning, ...prompt } = usage
  return { promptUsage: { ...prompt, outputTokens: 0 } }
}
