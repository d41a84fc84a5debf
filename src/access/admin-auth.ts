// The admin token at the HTTP edge: a Bearer check whose failures are throttled per client IP, as sign-ins are.
import type { AdminToken } from '../accounts/bootstrap'
import { ipThrottleKey } from '../accounts/sign-in-throttle'
import type { Clock } from '../clock'
import { GatewayError } from '../errors'
import { createAttemptThrottle } from '../limits/attempt-throttle'

export interface AdminGuard {
  /**
   * Throws 401 unless `headers` carry the admin token as Bearer, and 429 (even for the right token)
   * while the client IP has failed too often: a refused IP learns nothing about its guesses.
   */
  require(headers: Headers, ip: string | null): void
}

/**
 * `maxFailures × 4` wrong tokens from one IP within `windowMs` (the sign-in per-IP rule, from
 * `auth.login_max_failures` and `auth.login_lockout_minutes`) refuse that IP until the oldest leaves the window.
 */
export function createAdminGuard(token: AdminToken, clock: Clock, maxFailures: number, windowMs: number): AdminGuard {
  const throttle = createAttemptThrottle(clock, windowMs)
  return {
    require(headers, ip) {
      const match = /^Bearer ([^\s]+)$/.exec(headers.get('authorization') ?? '')
      // A request with no token guesses nothing, so it is not counted.
      if (!match) throw new GatewayError('unauthorized', 'Admin routes need "Authorization: Bearer <admin token>".')
      const decision = throttle.begin(ip ? [ipThrottleKey(ip, maxFailures)] : [])
      if (!decision.ok) {
        const wait = decision.retryAfterSeconds
        throw new GatewayError(
          'too_many_attempts',
          `Too many wrong admin tokens from this address. Try again in ${Math.ceil(wait / 60)} minute(s).`,
          {
            headers: { 'retry-after': String(wait) },
          },
        )
      }
      if (!token.verify(match[1]!)) {
        decision.attempt.fail()
        throw new GatewayError('unauthorized', 'Wrong admin token.')
      }
      decision.attempt.succeed()
    },
  }
}
