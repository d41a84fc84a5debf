// The clock every time-dependent piece takes, so tests can move time instead of sleeping.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/**
 * A monotonic clock in milliseconds, for durations (Server-Timing, batch and pause lengths) rather
 * than dates. A plain function so the hot path pays one call, no allocation; tests pass their own
 * (e.g. `() => clock.now()` over a `ManualClock`) to make durations exact.
 */
export type Timer = () => number

export const systemTimer: Timer = () => performance.now()

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private time = Date.UTC(2026, 0, 1)) {}
  now() {
    return this.time
  }
  advance(ms: number) {
    this.time += ms
  }
  set(ms: number) {
    this.time = ms
  }
}

/** One day in milliseconds; days are UTC days everywhere in token-hub. */
export const DAY_MS = 86_400_000

/** The start (00:00 UTC) of the day `at` falls in. */
export const utcDayStart = (at: number) => Math.floor(at / DAY_MS) * DAY_MS
