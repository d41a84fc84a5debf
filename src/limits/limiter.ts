// The request limiter contract: per-key and per-account requests-per-minute windows.
import type { RateLimitState } from '../gateway/request-context'

export type LimitDecision =
  | ({ ok: true } & RateLimitState)
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
  /** The state `check` would report, without taking a slot (routes that call no model). */
  peek(subject: LimitSubject): RateLimitState
}
