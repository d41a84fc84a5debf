// The in-process Limiter: exact sliding 60-second windows per key and per account.
import type { Clock } from '../clock'
import type { Limiter, LimitSubject, WindowDecision } from './limiter'
import { RateWindow } from './rate-window'
import type { RateLimitState } from '../gateway/request-context'

/** Windows looked at per check by the idle sweep: enough to outpace new windows (≤ 2 per check). */
const SWEEP_STEPS = 4

const seconds = (ms: number) => Math.ceil(ms / 1000)

function stateOf(window: RateWindow, now: number): RateLimitState {
  return { limit: window.limit, remaining: Math.max(0, window.limit - window.used), resetSeconds: seconds(window.msUntilSlotFrees(now)) }
}

/** The tighter window: fewer slots left; on a tie, the smaller limit. */
function tighter(a: RateLimitState, b: RateLimitState): RateLimitState {
  if (a.remaining !== b.remaining) return a.remaining < b.remaining ? a : b
  return a.limit <= b.limit ? a : b
}

/** What a decision needs of one window: its limit, admissions in it, and when its next slot frees. */
export interface WindowView {
  limit: number
  used: number
  msUntilSlotFrees: number
}

const viewState = (w: WindowView): RateLimitState => ({
  limit: w.limit,
  remaining: Math.max(0, w.limit - w.used),
  resetSeconds: seconds(w.msUntilSlotFrees),
})

/**
 * The decision from both windows as a shared limiter (Redis) saw them after its atomic step:
 * `refused` when it took no slot because a window was full. The same rule and numbers as the
 * in-process `check` below, so headers and `Retry-After` do not depend on where windows live.
 */
export function decideWindows(key: WindowView, account: WindowView, refused: boolean): WindowDecision {
  if (!refused) return { ok: true, ...tighter(viewState(key), viewState(account)) }
  const keyFull = key.used >= key.limit
  const accountFull = account.used >= account.limit
  const keyWait = keyFull ? key.msUntilSlotFrees : 0
  const accountWait = accountFull ? account.msUntilSlotFrees : 0
  const byKey = keyFull && keyWait >= accountWait
  const retryAfterSeconds = Math.max(1, seconds(Math.max(keyWait, accountWait)))
  return {
    ok: false,
    code: byKey ? 'key_rpm_exceeded' : 'account_rpm_exceeded',
    retryAfterSeconds,
    limit: byKey ? key.limit : account.limit,
    remaining: 0,
    resetSeconds: retryAfterSeconds,
  }
}

/**
 * Per-key and per-account windows in two maps. `check` looks at both windows and takes a slot in
 * both only when both have one, so a refused request counts nowhere. A window whose last admission
 * left the window is idle and is dropped by a sweep that visits a few windows on every check, so
 * memory follows the keys active in the last minute, not every key ever seen.
 *
 * @example
 * const limiter = new SlidingWindowLimiter(systemClock)
 * const d = limiter.check({ keyId, keyRpm: 60, accountId, accountRpm: 600 })
 * if (!d.ok) throw new GatewayError(d.code, `retry in ${d.retryAfterSeconds} s`)
 */
export class SlidingWindowLimiter implements Limiter {
  private readonly keys = new Map<string, RateWindow>()
  private readonly accounts = new Map<string, RateWindow>()
  private sweepMap = this.keys
  private sweepCursor: Iterator<[string, RateWindow]> = this.keys.entries()
  /** The clock, clamped so it never goes backwards (windows keep their times in order). */
  private last = -Infinity

  constructor(private readonly clock: Clock) {}

  check(subject: LimitSubject): WindowDecision {
    const now = this.now()
    this.sweep(now)
    const key = this.window(this.keys, subject.keyId, subject.keyRpm, now)
    const account = this.window(this.accounts, subject.accountId, subject.accountRpm, now)
    const keyFull = key.full()
    const accountFull = account.full()
    if (keyFull || accountFull) {
      const keyWait = keyFull ? key.msUntilSlotFrees(now) : 0
      const accountWait = accountFull ? account.msUntilSlotFrees(now) : 0
      // A request needs both windows: it may go when the later of the two frees a slot.
      const byKey = keyFull && keyWait >= accountWait
      const blocking = byKey ? key : account
      const retryAfterSeconds = Math.max(1, seconds(Math.max(keyWait, accountWait)))
      return {
        ok: false,
        code: byKey ? 'key_rpm_exceeded' : 'account_rpm_exceeded',
        retryAfterSeconds,
        limit: blocking.limit,
        remaining: 0,
        resetSeconds: retryAfterSeconds,
      }
    }
    key.take(now)
    account.take(now)
    return { ok: true, ...tighter(stateOf(key, now), stateOf(account, now)) }
  }

  peek(subject: LimitSubject): RateLimitState {
    const now = this.now()
    return tighter(
      this.peekOne(this.keys, subject.keyId, subject.keyRpm, now),
      this.peekOne(this.accounts, subject.accountId, subject.accountRpm, now),
    )
  }

  /** Windows currently kept (keys + accounts). */
  size(): number {
    return this.keys.size + this.accounts.size
  }

  /** Bytes of timestamp buffers currently held, for the memory figure. */
  bufferBytes(): number {
    let total = 0
    for (const window of this.keys.values()) total += window.bufferBytes
    for (const window of this.accounts.values()) total += window.bufferBytes
    return total
  }

  private now(): number {
    const now = this.clock.now()
    if (now > this.last) this.last = now
    return this.last
  }

  private window(map: Map<string, RateWindow>, id: string, limit: number, now: number): RateWindow {
    let window = map.get(id)
    if (!window) {
      window = new RateWindow(limit)
      map.set(id, window)
      return window
    }
    window.setLimit(limit)
    window.expire(now)
    return window
  }

  private peekOne(map: Map<string, RateWindow>, id: string, limit: number, now: number): RateLimitState {
    const window = map.get(id)
    if (!window) return { limit, remaining: limit, resetSeconds: 0 }
    window.setLimit(limit)
    window.expire(now)
    return stateOf(window, now)
  }

  /** Visits a few windows, dropping those with no admission left in the window. */
  private sweep(now: number): void {
    for (let i = 0; i < SWEEP_STEPS; i++) {
      let next = this.sweepCursor.next()
      if (next.done) {
        this.sweepMap = this.sweepMap === this.keys ? this.accounts : this.keys
        this.sweepCursor = this.sweepMap.entries()
        next = this.sweepCursor.next()
        if (next.done) return
      }
      const [id, window] = next.value
      window.expire(now)
      if (window.used === 0) this.sweepMap.delete(id)
    }
  }
}
