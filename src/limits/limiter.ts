// The request limiter contract: per-key and per-account requests-per-minute windows.
import type { RateLimitState } from '../gateway/request-context'

export type LimitDecision =
  | ({ ok: true } & RateLimitState)
  /** Limits are off: nothing to report, so no rate-limit headers. */
  | { ok: true; unlimited: true }
  | ({ ok: false; code: 'key_rpm_exceeded' | 'account_rpm_exceeded'; retryAfterSeconds: number } & RateLimitState)

export interface LimitSubject {
  keyId: string
  keyRpm: number
  accountId: string
  accountRpm: number
}

/**
 * Decides whether a request may go up now, and takes a slot when it may. A rejected request
 * takes no slot. The state reported is for the tighter of the two windows.
 */
export interface Limiter {
  check(subject: LimitSubject): LimitDecision
  /** The state `check` would report, without taking a slot (routes that call no model); null when limits are off. */
  peek(subject: LimitSubject): RateLimitState | null
  /** How many windows it keeps in this process (a gauge in /metrics). */
  size(): number
}

/** What a decision tells the client (rate-limit headers), or null when limits are off. */
export function reportedState(decision: LimitDecision): RateLimitState | null {
  if ('unlimited' in decision) return null
  return { limit: decision.limit, remaining: decision.remaining, resetSeconds: decision.resetSeconds }
}

/** The limiter when limits are off: admits everything, reports nothing. */
export const noLimiter: Limiter = {
  check: () => ({ ok: true, unlimited: true }),
  peek: () => null,
  size: () => 0,
}
