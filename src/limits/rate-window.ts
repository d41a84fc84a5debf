// One sliding 60-second request window: admitted times (one slot per millisecond) in a ring buffer capped at its limit.

export const WINDOW_MS = 60_000

/** First allocation; the buffer doubles up to the limit only when that many slots are live. */
const INITIAL_CAPACITY = 8

/**
 * The times of admitted requests still inside the window (t − 60 s, t], oldest first, in a ring
 * buffer. Only the last `limit` admissions can matter: a request is refused exactly when `limit`
 * admissions lie inside the window, and the oldest of them leaving is when a slot frees.
 *
 * Admissions in the same millisecond share one slot with a count (times are whole ms, so this is
 * exact): a key sending 10,000 requests a second holds at most 60,000 slots however high its
 * limit, instead of one per request. The buffer never holds more than `limit` slots, and grows to
 * that only for a key that really sends `limit` requests in distinct milliseconds within a minute.
 *
 * Times must not go backwards; the limiter clamps its clock so they never do.
 */
export class RateWindow {
  private times: Float64Array
  private counts: Uint32Array
  private head = 0
  /** Slots in use. */
  private slots = 0
  /** Admissions in the window (the sum of the slots' counts). */
  private count = 0

  constructor(private max: number) {
    const capacity = Math.min(max, INITIAL_CAPACITY)
    this.times = new Float64Array(capacity)
    this.counts = new Uint32Array(capacity)
  }

  get limit(): number {
    return this.max
  }

  /** Admissions inside the window ending at the last `expire(now)`. */
  get used(): number {
    return this.count
  }

  /** Bytes held by the slot buffers (the figure that grows with the limit). */
  get bufferBytes(): number {
    return this.times.byteLength + this.counts.byteLength
  }

  /** Forgets admissions that left the window ending at `now`. */
  expire(now: number): void {
    const edge = now - WINDOW_MS
    const capacity = this.times.length
    while (this.slots > 0 && this.times[this.head]! <= edge) {
      this.count -= this.counts[this.head]!
      this.head = this.head + 1 === capacity ? 0 : this.head + 1
      this.slots--
    }
  }

  full(): boolean {
    return this.count >= this.max
  }

  /** Milliseconds from `now` until the oldest admission leaves the window (0 when empty). */
  msUntilSlotFrees(now: number): number {
    return this.slots === 0 ? 0 : this.times[this.head]! + WINDOW_MS - now
  }

  /** Records an admission at `now`. Call only when not `full()`. */
  take(now: number): void {
    this.count++
    if (this.slots > 0) {
      const last = this.index(this.slots - 1)
      if (this.times[last] === now) {
        this.counts[last]!++
        return
      }
    }
    if (this.slots === this.times.length) this.regrow(Math.min(this.max, this.times.length * 2))
    const tail = this.index(this.slots)
    this.times[tail] = now
    this.counts[tail] = 1
    this.slots++
  }

  /**
   * Adopts a new limit (a key's rpm changed). Keeping the newest `limit` admissions is exact: the
   * window is full until the oldest of those leaves, as it would be with all of them.
   */
  setLimit(limit: number): void {
    if (limit === this.max) return
    this.max = limit
    while (this.count > limit && this.count - this.counts[this.head]! >= limit) {
      this.count -= this.counts[this.head]!
      this.head = this.head + 1 === this.times.length ? 0 : this.head + 1
      this.slots--
    }
    if (this.count > limit) {
      this.counts[this.head]! -= this.count - limit
      this.count = limit
    }
    if (this.times.length > limit) this.regrow(limit)
  }

  private index(offset: number): number {
    const i = this.head + offset
    return i < this.times.length ? i : i - this.times.length
  }

  private regrow(capacity: number): void {
    const times = new Float64Array(Math.max(capacity, 1))
    const counts = new Uint32Array(times.length)
    for (let i = 0; i < this.slots; i++) {
      times[i] = this.times[this.index(i)]!
      counts[i] = this.counts[this.index(i)]!
    }
    this.times = times
    this.counts = counts
    this.head = 0
  }
}
