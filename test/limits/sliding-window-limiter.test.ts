// The sliding-window limiter against an injected clock: exactness at every offset, both scopes, memory.
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { ManualClock } from '../../src/clock'
import type { LimitSubject } from '../../src/limits/limiter'
import { SlidingWindowLimiter } from '../../src/limits/sliding-window-limiter'

const T0 = Date.UTC(2026, 0, 1)
const subject = (keyRpm: number, accountRpm = 1_000_000, keyId = 'key_a', accountId = 'acct_a'): LimitSubject => ({
  keyId,
  keyRpm,
  accountId,
  accountRpm,
})

function setup() {
  const clock = new ManualClock(T0)
  return { clock, limiter: new SlidingWindowLimiter(clock) }
}

/** Sends `n` requests at the clock's current time; returns how many were admitted. */
function burst(limiter: SlidingWindowLimiter, s: LimitSubject, n: number): number {
  let admitted = 0
  for (let i = 0; i < n; i++) if (limiter.check(s).ok) admitted++
  return admitted
}

describe('sliding window: exact at every offset', () => {
  test('60 at t = 59 s are admitted; 60 more at t = 61 s are all refused (no fixed-bucket 2x)', () => {
    const { clock, limiter } = setup()
    clock.set(T0 + 59_000)
    expect(burst(limiter, subject(60), 60)).toBe(60)
    clock.set(T0 + 61_000)
    expect(burst(limiter, subject(60), 60)).toBe(0)
    const refused = limiter.check(subject(60))
    expect(refused).toMatchObject({ ok: false, code: 'key_rpm_exceeded', retryAfterSeconds: 58, remaining: 0, limit: 60 })
    clock.set(T0 + 118_999)
    expect(limiter.check(subject(60))).toMatchObject({ ok: false, retryAfterSeconds: 1 })
    // The slots taken at 59 s free at exactly 119 s: the window is (t − 60 s, t].
    clock.set(T0 + 119_000)
    expect(burst(limiter, subject(60), 61)).toBe(60)
  })

  test('a steady 10 requests/s against 60 RPM: every 60 s window holds exactly 60 once saturated', () => {
    const { clock, limiter } = setup()
    const admitted: number[] = []
    for (let t = 0; t < 300_000; t += 100) {
      clock.set(T0 + t)
      if (limiter.check(subject(60)).ok) admitted.push(t)
    }
    expect(admitted.slice(0, 60)).toEqual(Array.from({ length: 60 }, (_, i) => i * 100))
    // Every offset, at 1 ms resolution: never more than 60 in [x, x + 60 s).
    let lo = 0
    let hi = 0
    for (let x = 0; x <= 240_000; x++) {
      while (lo < admitted.length && admitted[lo]! < x) lo++
      while (hi < admitted.length && admitted[hi]! < x + 60_000) hi++
      expect(hi - lo).toBeLessThanOrEqual(60)
      if (x % 100 === 0) expect(hi - lo).toBe(60)
    }
  })

  test('matches a brute-force model on random arrivals, both scopes (property)', () => {
    let refusals = 0
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3_000 }), key: fc.integer({ min: 0, max: 3 }) }), {
          minLength: 50,
          maxLength: 400,
        }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 30 }),
        (arrivals, keyRpm, accountRpm) => {
          const { clock, limiter } = setup()
          const log: Array<{ t: number; key: number }> = []
          let t = 0
          for (const { gap, key } of arrivals) {
            t += gap
            clock.set(T0 + t)
            const inWindow = log.filter((a) => a.t > t - 60_000)
            const keyUsed = inWindow.filter((a) => a.key === key).length
            const expectOk = keyUsed < keyRpm && inWindow.length < accountRpm
            const decision = limiter.check(subject(keyRpm, accountRpm, `key_${key}`))
            if (decision.ok !== expectOk) return false
            if (decision.ok) log.push({ t, key })
            else {
              refusals++
              // Retry-After: when the blocking window(s) next free a slot, in whole seconds ≥ 1.
              const keyTimes = inWindow.filter((a) => a.key === key).map((a) => a.t)
              const waits = [
                keyUsed >= keyRpm ? keyTimes[keyTimes.length - keyRpm]! + 60_000 - t : 0,
                inWindow.length >= accountRpm ? inWindow[inWindow.length - accountRpm]!.t + 60_000 - t : 0,
              ]
              if (decision.retryAfterSeconds !== Math.max(1, Math.ceil(Math.max(...waits) / 1000))) return false
            }
          }
          return true
        },
      ),
      { numRuns: 300 },
    )
    // The runs must reach the limits, or the property says nothing about refusals.
    expect(refusals).toBeGreaterThan(1_000)
  })
})

describe('both scopes', () => {
  test('the account limit holds across several keys', () => {
    const { limiter } = setup()
    const keys = ['k1', 'k2', 'k3']
    let admitted = 0
    const codes = new Set<string>()
    for (let i = 0; i < 30; i++) {
      const decision = limiter.check(subject(60, 10, keys[i % 3]))
      if (decision.ok) admitted++
      else codes.add(decision.code)
    }
    expect(admitted).toBe(10)
    expect([...codes]).toEqual(['account_rpm_exceeded'])
    // A fresh key of the same account is refused too; another account is not.
    expect(limiter.check(subject(60, 10, 'k4'))).toMatchObject({ ok: false, code: 'account_rpm_exceeded', limit: 10 })
    expect(limiter.check(subject(60, 10, 'k5', 'acct_b')).ok).toBe(true)
  })

  test('a refused request takes no slot in either window', () => {
    const { clock, limiter } = setup()
    // Key A (limit 1) is refused five times; the account (limit 3) still has two slots for B and C.
    expect(limiter.check(subject(1, 3, 'A')).ok).toBe(true)
    expect(burst(limiter, subject(1, 3, 'A'), 5)).toBe(0)
    expect(limiter.check(subject(5, 3, 'B')).ok).toBe(true)
    expect(limiter.check(subject(5, 3, 'C')).ok).toBe(true)
    // Account now full: B is refused by the account, and that refusal takes no slot in B's window.
    clock.advance(1_000)
    expect(burst(limiter, subject(5, 3, 'B'), 10)).toBe(0)
    expect(limiter.peek(subject(5, 1_000, 'B'))).toMatchObject({ limit: 5, remaining: 4 })
    // Once the first three slots free (t = 60 s), B gets the account's three slots again.
    clock.set(T0 + 60_000)
    expect(burst(limiter, subject(5, 3, 'B'), 5)).toBe(3)
  })

  test('when both windows are full, Retry-After is the later of the two and names that window', () => {
    const { clock, limiter } = setup()
    expect(limiter.check(subject(1, 2, 'A')).ok).toBe(true) // t = 0
    clock.set(T0 + 30_000)
    expect(limiter.check(subject(1, 2, 'B')).ok).toBe(true) // account full until 60 s, A until 60 s
    clock.set(T0 + 40_000)
    expect(limiter.check(subject(1, 2, 'A'))).toMatchObject({ ok: false, code: 'key_rpm_exceeded', retryAfterSeconds: 20 })
    expect(limiter.check(subject(5, 2, 'C'))).toMatchObject({ ok: false, code: 'account_rpm_exceeded', retryAfterSeconds: 20, limit: 2 })
    // B (full until 90 s) and the account (frees at 60 s): B's window is the later one.
    expect(limiter.check(subject(1, 2, 'B'))).toMatchObject({
      ok: false,
      code: 'key_rpm_exceeded',
      retryAfterSeconds: 50,
      resetSeconds: 50,
    })
  })
})

describe('reported state', () => {
  test('Retry-After is whole seconds until the next slot frees, never below 1', () => {
    const { clock, limiter } = setup()
    expect(limiter.check(subject(1)).ok).toBe(true)
    const at = (ms: number) => {
      clock.set(T0 + ms)
      const d = limiter.check(subject(1))
      return d.ok ? 'ok' : d.retryAfterSeconds
    }
    expect(at(0)).toBe(60)
    expect(at(500)).toBe(60)
    expect(at(1_000)).toBe(59)
    expect(at(1_001)).toBe(59)
    expect(at(59_001)).toBe(1)
    expect(at(59_999)).toBe(1)
    expect(at(60_000)).toBe('ok')
  })

  test('limit, remaining and reset are those of the tighter window', () => {
    const { clock, limiter } = setup()
    expect(limiter.check(subject(10, 3))).toEqual({ ok: true, limit: 3, remaining: 2, resetSeconds: 60 })
    clock.advance(15_000)
    expect(limiter.check(subject(10, 3))).toEqual({ ok: true, limit: 3, remaining: 1, resetSeconds: 45 })
    expect(limiter.check(subject(2, 30, 'other', 'acct_b'))).toEqual({ ok: true, limit: 2, remaining: 1, resetSeconds: 60 })
  })

  test('peek reports without taking a slot, and knows nothing of unseen keys', () => {
    const { clock, limiter } = setup()
    expect(limiter.peek(subject(5, 50))).toEqual({ limit: 5, remaining: 5, resetSeconds: 0 })
    for (let i = 0; i < 100; i++) limiter.peek(subject(5, 50))
    expect(limiter.size()).toBe(0)
    expect(burst(limiter, subject(5, 50), 5)).toBe(5)
    clock.advance(10_000)
    expect(limiter.peek(subject(5, 50))).toEqual({ limit: 5, remaining: 0, resetSeconds: 50 })
    expect(limiter.peek(subject(5, 50))).toEqual({ limit: 5, remaining: 0, resetSeconds: 50 })
  })

  test('a lowered per-key rpm takes effect exactly; a raised one at once', () => {
    const { clock, limiter } = setup()
    for (let i = 0; i < 5; i++) {
      clock.set(T0 + i * 1_000)
      expect(limiter.check(subject(10)).ok).toBe(true)
    }
    // Limit 3 with admissions at 0..4 s: full until the 3rd newest (2 s) leaves at 62 s.
    expect(limiter.check(subject(3))).toMatchObject({ ok: false, retryAfterSeconds: 58 })
    clock.set(T0 + 61_999)
    expect(limiter.check(subject(3)).ok).toBe(false)
    clock.set(T0 + 62_000)
    expect(limiter.check(subject(3)).ok).toBe(true)
    expect(limiter.check(subject(100)).ok).toBe(true)
  })

  test('a clock stepping backwards never admits more than the limit', () => {
    const { clock, limiter } = setup()
    clock.set(T0 + 100_000)
    expect(burst(limiter, subject(3), 3)).toBe(3)
    clock.set(T0 + 50_000)
    expect(burst(limiter, subject(3), 3)).toBe(0)
  })
})

describe('memory', () => {
  test('buffers are capped at the limit and grow only with real use', () => {
    const { clock, limiter } = setup()
    const big = subject(10_000, 1_000_000, 'big', 'acct_big')
    expect(burst(limiter, big, 5)).toBe(5)
    // A 10,000-RPM key that sent 5 requests holds 8 slots (12 bytes each) per window, not 10,000.
    expect(limiter.bufferBytes()).toBe(2 * 8 * 12)
    // One request per millisecond: each admission needs a slot of its own.
    const spaced = (n: number) => {
      let admitted = 0
      for (let i = 0; i < n; i++) {
        clock.advance(1)
        if (limiter.check(big).ok) admitted++
      }
      return admitted
    }
    expect(spaced(20_000)).toBe(9_995)
    // Key window at its cap (10,000 slots); the 1M-RPM account window doubled to 16,384 slots.
    expect(limiter.bufferBytes()).toBe((10_000 + 16_384) * 12)
    const bytes = limiter.bufferBytes()
    clock.advance(30_000)
    spaced(20_000)
    expect(limiter.bufferBytes()).toBe(bytes)
  })

  test('admissions in the same millisecond share one slot, exactly', () => {
    const { clock, limiter } = setup()
    const hot = subject(1_000_000, 1_000_000, 'hot', 'acct_hot')
    // 10,000 requests a second for a minute: 600,000 admissions in 60,000 distinct milliseconds.
    let admitted = 0
    for (let ms = 0; ms < 60_000; ms++) {
      clock.set(T0 + ms)
      admitted += burst(limiter, hot, 10)
    }
    expect(admitted).toBe(600_000)
    expect(limiter.peek(hot).remaining).toBe(400_000)
    // 65,536 slots per window (the power of two above 60,000): 1.5 MB in all, not 600,000 × 8 bytes each.
    expect(limiter.bufferBytes()).toBe(2 * 65_536 * 12)
    // The oldest millisecond's 10 admissions leave together, and only they.
    clock.advance(1)
    expect(limiter.peek(hot).remaining).toBe(400_010)
  })

  test('idle windows are forgotten', () => {
    const { clock, limiter } = setup()
    for (let i = 0; i < 1_000; i++) limiter.check(subject(60, 600, `key_${i}`, `acct_${i % 10}`))
    expect(limiter.size()).toBe(1_010)
    clock.advance(60_000)
    // The sweep visits a few windows per check; a few hundred checks of one live key clear the rest.
    for (let i = 0; i < 400; i++) limiter.check(subject(1_000, 1_000, 'live', 'acct_live'))
    expect(limiter.size()).toBe(2)
  })

  test('a check is constant work: one clock read, a bounded sweep, no memory growth in steady use (its cost in ns is in bench/micro.ts)', () => {
    const clock = new ManualClock(T0)
    let reads = 0
    const limiter = new SlidingWindowLimiter({
      now: () => {
        reads++
        return clock.now()
      },
    })
    const n = 200_000
    const at = (i: number) => subject(60, 600, `key_${i % 500}`, `acct_${i % 50}`)
    let windows = 0
    let bytes = 0
    for (let i = 0; i < n; i++) {
      if (i % 100 === 0) clock.advance(1)
      limiter.check(at(i))
      if (i === n / 2 - 1) {
        windows = limiter.size()
        bytes = limiter.bufferBytes()
      }
    }
    expect(reads).toBe(n)
    // Past the first minute's fill, checks (admitted or refused) keep what they hold: 550 windows, the same buffers.
    expect(windows).toBe(550)
    expect(limiter.size()).toBe(windows)
    expect(limiter.bufferBytes()).toBe(bytes)

    // However many windows are idle, one check drops at most a few of them: the sweep does not grow with the map.
    clock.advance(60_000)
    const idle = limiter.size()
    limiter.check(subject(60, 600, 'fresh', 'acct_fresh'))
    expect(limiter.size()).toBeGreaterThanOrEqual(idle + 2 - 4)
    expect(limiter.size()).toBeLessThan(idle + 2)
  })
})
