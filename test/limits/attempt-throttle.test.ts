// The failed-attempt throttle against an injected clock: attempts count before they are checked, in any interleaving.
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { ManualClock } from '../../src/clock'
import { createAttemptThrottle, type Attempt } from '../../src/limits/attempt-throttle'

const WINDOW_MS = 15 * 60_000
const email = { key: 'e:a@test.local', limit: 5 }
const ip = { key: 'i:10.0.0.1', limit: 20 }

function setup() {
  const clock = new ManualClock()
  return { clock, throttle: createAttemptThrottle(clock, WINDOW_MS) }
}

/** Begins `n` attempts before any is settled; returns the admitted ones. */
function burst(throttle: ReturnType<typeof createAttemptThrottle>, n: number, keys = [email]): Attempt[] {
  const admitted: Attempt[] = []
  for (let i = 0; i < n; i++) {
    const decision = throttle.begin(keys)
    if (decision.ok) admitted.push(decision.attempt)
  }
  return admitted
}

describe('attempt throttle', () => {
  test('attempts still being checked count: of 40 begun before any settles, exactly the limit get through', () => {
    const { throttle } = setup()
    expect(burst(throttle, 40)).toHaveLength(5)
    const refused = throttle.begin([email])
    expect(refused).toEqual({ ok: false, retryAfterSeconds: WINDOW_MS / 1000 })
  })

  test('an attempt never settled counts as a failure until it leaves the window; refusals count nothing', () => {
    const { clock, throttle } = setup()
    burst(throttle, 5)
    clock.advance(WINDOW_MS - 1000)
    expect(burst(throttle, 100)).toHaveLength(0)
    expect(throttle.begin([email])).toEqual({ ok: false, retryAfterSeconds: 1 })
    clock.advance(1000)
    expect(burst(throttle, 40)).toHaveLength(5)
  })

  test('a success stops counting itself and clears settled failures, but not attempts still in flight', () => {
    const { throttle } = setup()
    const [a, b, c, d, e] = burst(throttle, 5)
    a!.fail()
    b!.fail()
    // c and d are still being checked when e turns out right.
    e!.succeed([email.key])
    expect(burst(throttle, 40)).toHaveLength(3)
    c!.fail()
    d!.fail()
    expect(burst(throttle, 40)).toHaveLength(0)
  })

  test('a success that clears nothing still stops counting itself', () => {
    const { throttle } = setup()
    const admitted = burst(throttle, 5)
    for (const attempt of admitted.slice(0, 4)) attempt.fail()
    admitted[4]!.succeed()
    expect(burst(throttle, 40)).toHaveLength(1)
  })

  test('several keys: refused while any is at its limit, and a refused attempt charges none of them', () => {
    const { throttle } = setup()
    for (let i = 0; i < 5; i++) for (const attempt of burst(throttle, 1, [{ key: `e:${i}@test.local`, limit: 5 }, ip])) attempt.fail()
    // The IP has 5 of its 20; one email is full, and its refusals must not use the IP's room.
    expect(burst(throttle, 30, [email, ip])).toHaveLength(5)
    expect(burst(throttle, 30, [{ key: 'e:other@test.local', limit: 5 }, ip])).toHaveLength(5)
    expect(burst(throttle, 30, [{ key: 'e:third@test.local', limit: 5 }, ip])).toHaveLength(5)
    expect(burst(throttle, 30, [{ key: 'e:fourth@test.local', limit: 5 }, ip])).toHaveLength(0)
  })

  test('any interleaving of begins and failures admits at most the limit within one window', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('begin' as const), fc.nat(50)), { maxLength: 120 }), (ops) => {
        const { throttle } = setup()
        const open: Attempt[] = []
        let admitted = 0
        for (const op of ops) {
          if (op === 'begin') {
            const decision = throttle.begin([email])
            if (decision.ok) {
              admitted++
              open.push(decision.attempt)
            }
          } else if (open.length > 0) {
            open.splice(op % open.length, 1)[0]!.fail()
          }
        }
        expect(admitted).toBeLessThanOrEqual(email.limit)
      }),
    )
  })
})
