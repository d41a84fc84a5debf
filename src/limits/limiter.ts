// The request limiter contract: per-key and per-account requests-per-minute windows.
import type { RateLimitState } from '../gateway/request-context'

/** What a window limiter decides: admitted (with the tighter window's state), limits off, or refused. */
export type WindowDecision =
  | ({ ok: true } & RateLimitState)
  /** Limits are off: nothing to report, so no rate-limit headers. */
  | { ok: true; unlimited: true }
  | ({ ok: false; code: 'key_rpm_exceeded' | 'account_rpm_exceeded'; retryAfterSeconds: number } & RateLimitState)

export type LimitDecision =
  | WindowDecision
  /** A shared limiter that cannot be reached, under `limits.on_redis_error = "fail_closed"`. */
  | { ok: false; code: 'limiter_unavailable'; reason: string }

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
  /** Synchronous in process; a shared limiter (Redis) answers asynchronously. */
  check(subject: LimitSubject): LimitDecision | Promise<LimitDecision>
  /** The state `check` would report, without taking a slot (routes that call no model); null when limits are off. */
  peek(subject: LimitSubject): RateLimitState | null | Promise<RateLimitState | null>
  /** How many windows it keeps in this process (a gauge in /metrics). */
  size(): number
  /** A shared limiter's connection state, for /healthz and /metrics (in-process ones have none). */
  health?(): { ok: boolean; failures: number; lastError: string | null }
  /** Closes a shared limiter's connection. */
  close?(): void
}

/** What a decision tells the client (rate-limit headers), or null when limits are off. */
export function reportedState(decision: LimitDecision): RateLimitState | null {
  if ('unlimited' in decision || !('limit' in decision)) return null
  return { limit: decision.limit, remaining: decision.remaining, resetSeconds: decision.resetSeconds }
}

/** The limiter when limits are off: admits everything, reports nothing. */
export const noLimiter = {
  check: (_subject: LimitSubject): WindowDecision => ({ ok: true, unlimited: true }),
  peek: (_subject: LimitSubject): RateLimitState | null => null,
  size: () => 0,
} satisfies Limiter
