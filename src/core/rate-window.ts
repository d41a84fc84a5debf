// One sliding 60-second request window: the admitted timestamps in a ring buffer capped at its limit.

export const WINDOW_MS = 60_000

/** First allocation; the buffer doubles up to the limit only when that many slots are live. */
const INITIAL_CAPACITY = 8

/**
 * The times of admitted requests still inside the window (t − 60 s, t], oldest first, in a ring
 * buffer. Only the last `limit` admissions can matter: a request is refused exactly when `limit`
 * admissions lie inside the window, and the oldest of them leaving is when a slot frees. So the
 * buffer never holds more than `limit` timestamps (8 bytes each), and grows to that only for a
 * key that really sends `limit` requests within a minute.
 *
 * Times must not go backwards; the limiter clamps its clock so they never do.
 */
export class RateWindow {
  private times: Float64Array
  private head = 0
  private count = 0

  constructor(private max: number) {
    this.times = new Float64Array(Math.min(max, INITIAL_CAPACITY))
  }

  get limit(): number {
    return this.max
  }

  /** Admissions inside the window ending at the last `expire(now)`. */
  get used(): number {
    return this.count
  }

  /** Bytes held by the timestamp buffer (the figure that grows with the limit). */
  get bufferBytes(): number {
    return this.times.byteLength
  }

  /** Forgets admissions that left the window ending at `now`. */
  expire(now: number): void {
    const edge = now - WINDOW_MS
    const capacity = this.times.length
    while (this.count > 0 && this.times[this.head]! <= edge) {
      this.head = this.head + 1 === capacity ? 0 : this.head + 1
      this.count--
    }
  }

  full(): boolean {
    return this.count >= this.max
  }

  /** Milliseconds from `now` until the oldest admission leaves the window (0 when empty). */
  msUntilSlotFrees(now: number): number {
    return this.count === 0 ? 0 : this.times[this.head]! + WINDOW_MS - now
  }

  /** Records an admission at `now`. Call only when not `full()`. */
  take(now: number): void {
    if (this.count === this.times.length) this.regrow(Math.min(this.max, this.times.length * 2))
    const tail = this.head + this.count
    this.times[tail < this.times.length ? tail : tail - this.times.length] = now
    this.count++
  }

  /**
   * Adopts a new limit (a key's rpm changed). Keeping the newest `limit` timestamps is exact: the
   * window is full until the oldest of those leaves, as it would be with all of them.
   */
  setLimit(limit: number): void {
    if (limit === this.max) return
    this.max = limit
    if (this.count > limit) {
      this.head = (this.head + this.count - limit) % this.times.length
      this.count = limit
    }
    if (this.times.length > limit) this.regrow(limit)
  }

  private regrow(capacity: number): void {
    const next = new Float64Array(Math.max(capacity, 1))
    for (let i = 0; i < this.count; i++) next[i] = this.times[(this.head + i) % this.times.length]!
    this.times = next
    this.head = 0
  }
}
