// Sign-in throttling: failed attempts per email and per client IP in a sliding window, in memory.
import type { Clock } from '../clock'

export interface LoginThrottle {
  /** Seconds until the next attempt is allowed for this email/IP, or 0 when it may go ahead. */
  blockedFor(email: string, ip: string | null): number
  fail(email: string, ip: string | null): void
  /** A successful sign-in clears that email's failures (the IP's stay: one IP guessing many emails). */
  succeed(email: string): void
}

/** Keys remembered at most; beyond that the oldest are dropped (a flood cannot exhaust memory). */
const MAX_KEYS = 20_000
/** An IP may fail this many times more than one email may, since several people can share it. */
const IP_FACTOR = 4

/**
 * `maxFailures` failures of one email (or `maxFailures × 4` from one IP) within `windowMs` block
 * further attempts until the oldest of them leaves the window.
 */
export function createLoginThrottle(clock: Clock, maxFailures: number, windowMs: number): LoginThrottle {
  const failures = new Map<string, number[]>()
  const recent = (key: string, now: number) => {
    const list = failures.get(key)
    if (!list) return []
    const kept = list.filter((at) => at > now - windowMs)
    if (kept.length === 0) failures.delete(key)
    else failures.set(key, kept)
    return kept
  }
  const waitFor = (key: string, limit: number, now: number) => {
    const list = recent(key, now)
    if (list.length < limit) return 0
    return Math.max(1, Math.ceil((list[list.length - limit]! + windowMs - now) / 1000))
  }
  const add = (key: string, now: number) => {
    const list = recent(key, now)
    list.push(now)
    failures.delete(key)
    failures.set(key, list)
    if (failures.size > MAX_KEYS) failures.delete(failures.keys().next().value!)
  }
  return {
    blockedFor(email, ip) {
      const now = clock.now()
      return Math.max(waitFor(`e:${email}`, maxFailures, now), ip ? waitFor(`i:${ip}`, maxFailures * IP_FACTOR, now) : 0)
    },
    fail(email, ip) {
      const now = clock.now()
      add(`e:${email}`, now)
      if (ip) add(`i:${ip}`, now)
    },
    succeed(email) {
      failures.delete(`e:${email}`)
    },
  }
}
