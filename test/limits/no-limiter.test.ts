// The limiter used when limits are off admits everything and reports no window, so no rate-limit headers.
import { expect, test } from 'bun:test'
import { RequestContext } from '../../src/gateway/request-context'
import { noLimiter, reportedState } from '../../src/limits/limiter'
import { SlidingWindowLimiter } from '../../src/limits/sliding-window-limiter'
import { ManualClock } from '../../src/clock'

const subject = { keyId: 'k', keyRpm: 1, accountId: 'a', accountRpm: 1 }

test('noLimiter admits every request and reports nothing', () => {
  for (let i = 0; i < 100; i++) expect(noLimiter.check(subject).ok).toBe(true)
  expect(reportedState(noLimiter.check(subject))).toBeNull()
  expect(noLimiter.peek(subject)).toBeNull()
  expect(noLimiter.size()).toBe(0)
  const ctx = new RequestContext('req', '/v1/models', 0)
  ctx.limitsChecked(reportedState(noLimiter.check(subject)))
  expect(ctx.rateLimitHeaders()).toEqual({})
})

test('a real window is reported as the headers the client gets', () => {
  const limiter = new SlidingWindowLimiter(new ManualClock())
  const decision = limiter.check(subject)
  expect(decision.ok).toBe(true)
  expect(reportedState(decision)).toEqual({ limit: 1, remaining: 0, resetSeconds: expect.any(Number) })
  expect(reportedState(limiter.check(subject))).toMatchObject({ limit: 1, remaining: 0 })
  expect(limiter.size()).toBeGreaterThan(0)
})
