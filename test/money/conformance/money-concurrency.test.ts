// Concurrency never overspends, on each implementation: 1,000 requests against $1.00, and 50 against a $0.05 key budget.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { post, TEST_MODELS } from '../../helpers'
import { SERVING_IMPLEMENTATIONS, type MoneyHub } from './implementations'

// Output at $2,000 per million tokens and at most 5 output tokens (the mock always writes 6+ words,
// so it stops at 5): every request holds exactly $0.01 and settles at exactly $0.01.
const CENT_MODEL = {
  id: 'cent',
  provider: 'mock',
  upstream_model: 'mock-gpt',
  input_usd_per_mtok: 0,
  output_usd_per_mtok: 2000,
  context_window: 128000,
  max_output_tokens: 5,
}

const centBody = (i: number) => ({
  model: 'cent',
  messages: [{ role: 'user', content: `request ${i}` }],
  // a short upstream delay keeps many holds open at once
  metadata: { mock_fault: 'slow-20' },
  ...(i % 2 === 0 ? { stream: true, stream_options: { include_usage: true } } : {}),
})

describe.each(SERVING_IMPLEMENTATIONS)('money under concurrency: $name', (impl) => {
  let hub: MoneyHub
  beforeAll(async () => {
    hub = await impl.startHub({
      config: { models: [...TEST_MODELS, CENT_MODEL], limits: { key_rpm: 1_000_000, account_rpm: 1_000_000 } },
    })
  })
  afterAll(() => hub.close())

  /** Sends a request and reads its whole body (a stream settles when it ends). */
  async function call(key: string, body: unknown) {
    const response = await post(hub, '/v1/chat/completions', key, body)
    const text = await response.text()
    return { status: response.status, text }
  }

  const money = async (accountId: string) => (await hub.inspect.snapshot([accountId])).accounts[accountId]!

  test('1,000 concurrent $0.01 requests against $1.00: 100 admitted, $1.00 settled, balance never below zero', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '1.00' })
    let samples = 0
    let minBalance = Infinity
    let minAvailable = Infinity
    let minBillingAvailable = Infinity
    const sample = () => {
      void money(accountId).then((a) => {
        samples++
        minBalance = Math.min(minBalance, a.balanceMicros)
        minAvailable = Math.min(minAvailable, a.balanceMicros - a.heldMicros)
      })
      void hub.billing.available(accountId).then((available) => {
        minBillingAvailable = Math.min(minBillingAvailable, available!)
      })
    }
    // Sampled on a timer and as each answer completes, while the others are still in flight.
    const sampler = setInterval(sample, 2)
    const started = performance.now()
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => call(key, centBody(i)).finally(sample)))
    const elapsed = performance.now() - started
    clearInterval(sampler)

    const ok = results.filter((r) => r.status === 200).length
    const refused = results.filter((r) => r.status === 402)
    const account = await money(accountId)
    console.log(
      `1,000 concurrent: ${ok} admitted, ${refused.length} refused with 402, settled $${((1_000_000 - account.balanceMicros) / 1e6).toFixed(4)}, ` +
        `min balance sampled ${minBalance} µUSD over ${samples} samples, ${elapsed.toFixed(0)} ms`,
    )
    expect(ok + refused.length).toBe(1000)
    expect(refused.every((r) => r.text.includes('insufficient_balance'))).toBe(true)
    expect(ok).toBeLessThanOrEqual(100)
    // Each settles exactly its hold, so the money is used to the last cent: nothing leaks either way.
    expect(ok).toBe(100)
    expect(account.balanceMicros).toBe(0)
    expect(account.heldMicros).toBe(0)
    expect(account.pendingMicros).toBe(0)
    expect(await hub.billing.available(accountId)).toBe(0)
    expect(samples).toBeGreaterThanOrEqual(1000)
    expect(minBalance).toBeGreaterThanOrEqual(0)
    expect(minAvailable).toBeGreaterThanOrEqual(0)
    expect(minBillingAvailable).toBeGreaterThanOrEqual(0)
    expect(account.ledgerSumMicros).toBe(account.balanceMicros)
    const charges = (await hub.inspect.ledger(accountId)).filter((e) => e.type === 'charge')
    expect(charges).toHaveLength(100)
    expect(charges.every((e) => e.amountMicros === -10_000)).toBe(true)
    // The balance only moves at ledger entries: their balance_after is every value it ever had.
    expect(Math.min(...charges.map((e) => e.balanceAfterMicros))).toBe(0)
    expect((await hub.inspect.snapshot([])).openHolds).toBe(0)
  })

  test('$100 account, $0.05 key budget, 50 concurrent $0.01 requests: 5 succeed, the rest 402 key_budget_exceeded', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '100.00', key: { budget_usd: '0.05' } })
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call(key, centBody(i))))
    const ok = results.filter((r) => r.status === 200).length
    const overBudget = results.filter((r) => r.status === 402 && r.text.includes('key_budget_exceeded')).length
    console.log(`key budget: ${ok} of 50 succeeded, ${overBudget} refused with key_budget_exceeded`)
    expect(ok).toBeLessThanOrEqual(5)
    expect(ok).toBe(5)
    expect(overBudget).toBe(45)
    const account = await money(accountId)
    expect(account.balanceMicros).toBe(100_000_000 - 50_000)
    expect(account.ledgerSumMicros).toBe(account.balanceMicros)
    const info = (await (await fetch(`${hub.url}/v1/key`, { headers: { authorization: `Bearer ${key}` } })).json()) as Record<
      string,
      unknown
    >
    expect(info).toMatchObject({ budget_usd: '0.0500', spend_usd: '0.0500', held_usd: '0.0000', budget_remaining_usd: '0.0000' })
  })
})
