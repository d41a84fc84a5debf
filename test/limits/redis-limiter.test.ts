// The Redis limiter on a real redis-server: the same decisions and headers as the in-process one, global across instances, explicit when Redis is gone.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { RedisClient } from 'bun'
import { ManualClock } from '../../src/clock'
import type { LimitDecision, LimitSubject } from '../../src/limits/limiter'
import { RedisLimiter } from '../../src/limits/redis-limiter'
import { SlidingWindowLimiter } from '../../src/limits/sliding-window-limiter'
import { startRedis, type TestRedis } from '../support/redis'

let redis: TestRedis
let n = 0
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis.close())

/** A limiter as one instance has it: its own client, on the shared Redis, each test on its own keys. */
function instance(clock: ManualClock, onError: 'fail_closed' | 'local' = 'fail_closed', prefix = `t${n}:`) {
  return new RedisLimiter(new RedisClient(redis.url, { autoReconnect: false, enableOfflineQueue: false }), {
    clock,
    onError,
    fallback: new SlidingWindowLimiter(clock),
    prefix,
  })
}

describe('Redis limiter', () => {
  test('the same decisions, headers and Retry-After as the in-process limiter, step by step as time moves', async () => {
    n++
    const clock = new ManualClock()
    const shared = instance(clock)
    const local = new SlidingWindowLimiter(clock)
    const subjects: LimitSubject[] = [
      { keyId: 'k1', keyRpm: 3, accountId: 'a1', accountRpm: 5 },
      { keyId: 'k2', keyRpm: 4, accountId: 'a1', accountRpm: 5 },
    ]
    const seen: Array<[LimitDecision, LimitDecision]> = []
    // Bursts, gaps inside and past the window, both keys sharing the account's window.
    const steps = [0, 0, 1_000, 5_000, 0, 20_000, 0, 0, 30_000, 4_999, 1, 1, 15_000, 44_000, 0, 61_000, 0]
    for (const [i, gap] of steps.entries()) {
      clock.advance(gap)
      const subject = subjects[i % 3 === 0 ? 1 : 0]!
      seen.push([await shared.check(subject), local.check(subject)])
      expect(await shared.peek(subject)).toEqual(local.peek(subject))
    }
    for (const [fromRedis, inProcess] of seen) expect(fromRedis).toEqual(inProcess)
    // Both kinds of refusal happened, and admissions too: the comparison covered every branch.
    const codes = new Set(seen.map(([d]) => (d.ok ? 'ok' : d.code)))
    expect([...codes].sort()).toEqual(['account_rpm_exceeded', 'key_rpm_exceeded', 'ok'])
    shared.close()
  })

  test('a key at 60 RPM gets exactly 60 admitted across three instances, whatever the interleaving', async () => {
    n++
    const clock = new ManualClock()
    const instances = [instance(clock), instance(clock), instance(clock)]
    const subject = { keyId: 'hot', keyRpm: 60, accountId: 'acct', accountRpm: 600 }
    const decisions = await Promise.all(Array.from({ length: 300 }, (_, i) => instances[i % 3]!.check(subject)))
    const admitted = decisions.filter((d) => d.ok).length
    const refused = decisions.filter((d) => !d.ok)
    console.log(`redis limiter: ${admitted} of 300 concurrent checks over 3 instances admitted at 60 RPM`)
    expect(admitted).toBe(60)
    expect(refused.every((d) => !d.ok && d.code === 'key_rpm_exceeded' && d.retryAfterSeconds === 60)).toBe(true)
    // A refused request took no slot: once the window moved past the burst, 60 more fit.
    clock.advance(60_000)
    const next = await Promise.all(Array.from({ length: 61 }, (_, i) => instances[i % 3]!.check(subject)))
    expect(next.filter((d) => d.ok).length).toBe(60)
    for (const limiter of instances) limiter.close()
  })

  test('Redis unreachable: fail_closed refuses (limiter_unavailable), local counts in this process; health says so; back when Redis is', async () => {
    n++
    const clock = new ManualClock()
    const closed = instance(clock, 'fail_closed')
    const local = instance(clock, 'local')
    const subject = { keyId: 'k', keyRpm: 2, accountId: 'a', accountRpm: 10 }
    expect((await closed.check(subject)).ok).toBe(true)
    expect(closed.health().ok).toBe(true)
    await redis.stop()
    try {
      expect(await closed.check(subject)).toMatchObject({ ok: false, code: 'limiter_unavailable' })
      expect(closed.health()).toMatchObject({ ok: false, failures: 1 })
      // Local: the in-process windows decide, limits still hold within this instance.
      const outcomes = [await local.check(subject), await local.check(subject), await local.check(subject)]
      expect(outcomes.map((d) => d.ok)).toEqual([true, true, false])
      expect(local.health().ok).toBe(false)
    } finally {
      await redis.start()
    }
    // The next check after Redis is back reconnects (not more often than every 500 ms).
    await Bun.sleep(600)
    const again = await closed.check(subject)
    expect(again.ok).toBe(true)
    expect(closed.health().ok).toBe(true)
    closed.close()
    local.close()
  })
})
