// Failed-attempt throttling (sign-in, the admin token): attempts per key in a sliding window, counted before they are checked.
import type { Clock } from '../clock'

/** One counter an attempt is charged to (an email, a client IP) and how many failures it allows per window. */
export interface ThrottleKey {
  key: string
  limit: number
}

/** An attempt already counted as a failure; the caller says how its check came out. */
export interface Attempt {
  /** The secret was wrong. It stays counted, as it already was: an attempt never settled counts as a failure too. */
  fail(): void
  /** The secret was right: this attempt stops counting, and the settled failures under `clear` are forgotten. */
  succeed(clear?: string[]): void
}

export type AttemptDecision = { ok: true; attempt: Attempt } | { ok: false; retryAfterSeconds: number }

export interface AttemptThrottle {
  /**
   * Counts an attempt under every key at once, or refuses it (counting nothing) while any key is at
   * its limit. Nothing awaits between the check and the count, so N concurrent attempts get at
   * most `limit` through, however long checking the secret takes.
   */
  begin(keys: ThrottleKey[]): AttemptDecision
}

/** Keys remembered at most; beyond that the oldest are dropped (a flood cannot exhaust memory). */
const MAX_KEYS = 20_000

interface Entry {
  at: number
  /** False while the attempt is in flight: a success elsewhere must not forget an attempt still being checked. */
  settled: boolean
}

/**
 * `limit` attempts under one key within `windowMs` (in flight or failed) block further ones until
 * the oldest of them leaves the window.
 *
 * @example
 * const decision = throttle.begin([{ key: `ip:${ip}`, limit: 20 }])
 * if (!decision.ok) throw tooMany(decision.retryAfterSeconds)
 * if (secretIsRight) decision.attempt.succeed()
 * else decision.attempt.fail()
 */
export function createAttemptThrottle(clock: Clock, windowMs: number): AttemptThrottle {
  const entries = new Map<string, Entry[]>()
  const recent = (key: string, now: number): Entry[] => {
    const list = entries.get(key)
    if (!list) return []
    const kept = list.filter((entry) => entry.at > now - windowMs)
    if (kept.length === 0) entries.delete(key)
    else entries.set(key, kept)
    return kept
  }
  const waitSeconds = ({ key, limit }: ThrottleKey, now: number) => {
    const list = recent(key, now)
    if (list.length < limit) return 0
    return Math.max(1, Math.ceil((list[list.length - limit]!.at + windowMs - now) / 1000))
  }
  const add = (key: string, entry: Entry, now: number) => {
    const list = recent(key, now)
    list.push(entry)
    // Re-inserted so the map's order is least recently charged first, the order eviction drops.
    entries.delete(key)
    entries.set(key, list)
    if (entries.size > MAX_KEYS) entries.delete(entries.keys().next().value!)
  }
  const keep = (key: string, predicate: (entry: Entry) => boolean) => {
    const list = entries.get(key)
    if (!list) return
    const kept = list.filter(predicate)
    if (kept.length === 0) entries.delete(key)
    else entries.set(key, kept)
  }

  return {
    begin(keys) {
      const now = clock.now()
      const wait = Math.max(0, ...keys.map((key) => waitSeconds(key, now)))
      if (wait > 0) return { ok: false, retryAfterSeconds: wait }
      const entry: Entry = { at: now, settled: false }
      for (const { key } of keys) add(key, entry, now)
      return {
        ok: true,
        attempt: {
          fail() {
            entry.settled = true
          },
          succeed(clear = []) {
            entry.settled = true
            for (const { key } of keys) keep(key, (other) => other !== entry)
            for (const key of clear) keep(key, (other) => !other.settled)
          },
        },
      }
    },
  }
}
