// Sign-in throttling: attempts per email and per client IP, counted before the password is checked.
import type { Clock } from '../clock'
import { createAttemptThrottle, type AttemptDecision, type ThrottleKey } from '../limits/attempt-throttle'

/** An IP may fail this many times more than one email may, since several people can share it. */
export const IP_FACTOR = 4

/** The counter a client IP's failures go to, for every throttle that counts per IP. */
export const ipThrottleKey = (ip: string, maxFailures: number): ThrottleKey => ({ key: `i:${ip}`, limit: maxFailures * IP_FACTOR })

export interface LoginThrottle {
  /**
   * Counts a sign-in attempt for this email and IP, or refuses it while either is at its limit. A
   * successful attempt clears that email's failures (the IP's stay: one IP guessing many emails).
   */
  begin(email: string, ip: string | null): AttemptDecision
}

/**
 * `maxFailures` attempts of one email (or `maxFailures × 4` from one IP) within `windowMs`, failed
 * or still being checked, block further attempts until the oldest of them leaves the window.
 */
export function createLoginThrottle(clock: Clock, maxFailures: number, windowMs: number): LoginThrottle {
  const throttle = createAttemptThrottle(clock, windowMs)
  return {
    begin(email, ip) {
      const emailKey = `e:${email}`
      const decision = throttle.begin([{ key: emailKey, limit: maxFailures }, ...(ip ? [ipThrottleKey(ip, maxFailures)] : [])])
      if (!decision.ok) return decision
      const { attempt } = decision
      return { ok: true, attempt: { fail: () => attempt.fail(), succeed: () => attempt.succeed([emailKey]) } }
    },
  }
}
