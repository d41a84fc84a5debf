// The hold sweeper: a TTL bounded by the upstream timeouts, releasing only holds older than it.
import { afterEach, beforeEach, expect, test } from 'bun:test'
import { ManualClock } from '../../src/clock'
import { holdTtlMs, startHoldSweeper } from '../../src/jobs/hold-sweeper'
import { placeHold, settleHold } from '../../src/money/holds'
import { openStore, type Store } from '../../src/store'
import { testConfig } from '../helpers'

let store: Store
beforeEach(() => {
  store = openStore(':memory:')
})
afterEach(() => store.close())

test('the TTL covers every attempt of the longest fallback chain plus the stream relay deadline', () => {
  const config = testConfig({
    upstream: { timeout_s: 30, stream_timeout_s: 100 },
    models: [
      { id: 'a', provider: 'mock', input_usd_per_mtok: 1, fallbacks: ['b', 'c'] },
      { id: 'b', provider: 'mock', input_usd_per_mtok: 1 },
      { id: 'c', provider: 'mock', input_usd_per_mtok: 1 },
    ],
    plans: { free: { models: ['a'] } },
  })
  expect(holdTtlMs(config)).toBe((3 + 1) * 100_000 + 60_000)
})

test('sweep releases holds past the TTL and keeps younger ones', async () => {
  const clock = new ManualClock()
  const t0 = clock.now()
  await store.accounts.create({ id: 'acct_1', email: 'a@t.local', name: null, plan: 'standard', createdAt: t0 })
  await store.ledger.append({ accountId: 'acct_1', type: 'topup', amountMicros: 1_000, createdAt: t0 })
  await placeHold(store.holds, { id: 'hold_old', accountId: 'acct_1', keyId: null, requestId: 'req_1', amountMicros: 300, createdAt: t0 })
  clock.advance(50_000)
  await placeHold(store.holds, {
    id: 'hold_new',
    accountId: 'acct_1',
    keyId: null,
    requestId: 'req_2',
    amountMicros: 200,
    createdAt: clock.now(),
  })
  const sweeper = startHoldSweeper({ holds: store.holds, clock, ttlMs: 60_000, intervalMs: 3_600_000 })
  try {
    expect(await sweeper.sweep()).toBe(0)
    clock.advance(20_000) // the first hold is 70 s old, the second 20 s
    expect(await sweeper.sweep()).toBe(1)
    expect((await store.accounts.get('acct_1'))!.heldMicros).toBe(200)
    expect(await settleHold(store.holds, 'hold_old', 300, clock.now())).toBeNull() // resolved once, by the sweep
    expect(await settleHold(store.holds, 'hold_new', 150, clock.now())).not.toBeNull()
  } finally {
    sweeper.stop()
  }
})
