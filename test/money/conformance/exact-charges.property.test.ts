// Costs below the micro-dollar: for random usages and class prices, Σ ledger charges = the exact rational sum within 1 µUSD, on every implementation.
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { ManualClock } from '../../../src/clock'
import { classPrices, exactCost, maxCostOf, splitPicos, type ModelPrices } from '../../../src/money/pricing'
import type { Usage } from '../../../src/providers/types'
import { IMPLEMENTATIONS } from './implementations'

const PICOS_PER_MICRO = 1_000_000n

/** A price in micro-USD per million tokens (= pico-USD per token): $0 to $150 per million, any of its 6 decimals. */
const Price = fc.integer({ min: 0, max: 150_000_000 })
const ClassPriceSet = fc.record({ input: Price, output: Price, cacheRead: Price, cacheWrite: Price, cacheWrite1h: Price })
const Prices = fc.record({
  base: ClassPriceSet,
  tier: fc.option(fc.record({ above: fc.integer({ min: 1, max: 400_000 }), prices: ClassPriceSet }), { nil: null }),
})
/** One request's usage, drawn class by class (the shared usage's prompt is their sum). */
const Classes = fc
  .record({
    input: fc.integer({ min: 0, max: 300_000 }),
    cacheRead: fc.integer({ min: 0, max: 300_000 }),
    cacheWrite: fc.integer({ min: 0, max: 50_000 }),
    cacheWrite1h: fc.integer({ min: 0, max: 50_000 }),
    output: fc.integer({ min: 0, max: 64_000 }),
  })
  .chain((c) => fc.record({ classes: fc.constant(c), reasoning: fc.integer({ min: 0, max: c.output }) }))

const usd = (microsPerMtok: number) => microsPerMtok / 1_000_000
type Drawn<A> = A extends fc.Arbitrary<infer T> ? T : never
type PriceDraw = Drawn<typeof Prices>
type ClassDraw = Drawn<typeof Classes>['classes']
const pricesOf = (p: PriceDraw): ModelPrices => {
  const set = (s: typeof p.base) =>
    classPrices({
      input: usd(s.input),
      output: usd(s.output),
      cacheRead: usd(s.cacheRead),
      cacheWrite: usd(s.cacheWrite),
      cacheWrite1h: usd(s.cacheWrite1h),
    })
  return { base: set(p.base), tiers: p.tier ? [{ abovePromptTokens: p.tier.above, prices: set(p.tier.prices) }] : [] }
}

/** The test's own reckoning: each class once, at its own price, exactly (independent of pricing.ts's split). */
function reckoned(p: PriceDraw, c: ClassDraw): bigint {
  const prompt = c.input + c.cacheRead + c.cacheWrite + c.cacheWrite1h
  const s = p.tier && prompt > p.tier.above ? p.tier.prices : p.base
  return (
    BigInt(c.input) * BigInt(s.input) +
    BigInt(c.cacheRead) * BigInt(s.cacheRead) +
    BigInt(c.cacheWrite) * BigInt(s.cacheWrite) +
    BigInt(c.cacheWrite1h) * BigInt(s.cacheWrite1h) +
    BigInt(c.output) * BigInt(s.output)
  )
}

describe.each(IMPLEMENTATIONS)('exact charges: $name', (impl) => {
  test('Σ charges over N requests = Σ exact costs within 1 µUSD (never above); no class counted twice; every hold an upper bound', async () => {
    await fc.assert(
      fc.asyncProperty(Prices, fc.array(Classes, { minLength: 1, maxLength: 30 }), async (prices, requests) => {
        const world = await impl.open(new ManualClock())
        try {
          await world.account('acct_p', 1_000_000_000_000)
          await world.key('key_p', 'acct_p', null)
          const model = { prices: pricesOf(prices) }
          let exact = 0n
          let charged = 0n
          for (const [i, { classes, reasoning }] of requests.entries()) {
            const prompt = classes.input + classes.cacheRead + classes.cacheWrite + classes.cacheWrite1h
            const usage: Usage = {
              inputTokens: prompt,
              outputTokens: classes.output,
              cacheReadTokens: classes.cacheRead,
              cacheWriteTokens: classes.cacheWrite,
              cacheWrite1hTokens: classes.cacheWrite1h,
              reasoningTokens: reasoning,
            }
            const cost = exactCost(model, usage)
            // Reasoning is inside the output: pricing it again would change the sum.
            expect(cost.picos).toBe(reckoned(prices, classes))
            const holdMicros = maxCostOf(model, prompt, classes.output)
            const placed = await world.billing.hold({
              accountId: 'acct_p',
              keyId: 'key_p',
              requestId: `req_${i}`,
              amountMicros: holdMicros,
            })
            expect(placed.ok).toBe(true)
            if (!placed.ok) return
            const { micros, remainderPicos } = splitPicos(cost.picos)
            const took = await world.billing.settle(placed.hold, micros, remainderPicos)
            // The dearest class bounds every class, the carry included: no charge above its hold.
            expect(took).toBeLessThanOrEqual(holdMicros)
            exact += cost.picos
            charged += BigInt(took) * PICOS_PER_MICRO
          }
          const ledger = await world.inspect.ledger('acct_p')
          const charges = ledger.filter((e) => e.type === 'charge').reduce((sum, e) => sum - BigInt(e.amountMicros), 0n)
          expect(charges * PICOS_PER_MICRO).toBe(charged)
          expect(exact - charged).toBeGreaterThanOrEqual(0n)
          expect(exact - charged).toBeLessThan(PICOS_PER_MICRO)
        } finally {
          await world.close()
        }
      }),
      { numRuns: 80 },
    )
  }, 120_000)

  test('calls below the micro-dollar add up to what they cost: 7 tokens at $0.02/Mtok is $0.00000014 each (a million: bench/million-tiny-calls.ts)', async () => {
    const world = await impl.open(new ManualClock())
    try {
      await world.account('acct_e', 10_000_000)
      await world.key('key_e', 'acct_e', null)
      const model = { prices: { base: classPrices({ input: 0.02, output: 0 }), tiers: [] } }
      const cost = exactCost(model, { inputTokens: 7, outputTokens: 0 })
      expect(cost.picos).toBe(140_000n)
      // Before: each call rounded to 0 µUSD, and any number of them cost nothing.
      const calls = 500
      for (let i = 0; i < calls; i++) {
        const placed = await world.billing.hold({ accountId: 'acct_e', keyId: 'key_e', requestId: `req_${i}`, amountMicros: 1 })
        if (!placed.ok) throw new Error('hold refused')
        const { micros, remainderPicos } = splitPicos(cost.picos)
        await world.billing.settle(placed.hold, micros, remainderPicos)
      }
      const ledger = await world.inspect.ledger('acct_e')
      const charged = ledger.filter((e) => e.type === 'charge').reduce((sum, e) => sum - e.amountMicros, 0)
      expect(charged).toBe((calls * 140_000) / 1_000_000) // 70 µUSD: exact, nothing lost or added
      // A million such calls: 1.4e11 pico-USD = 140,000 µUSD = $0.14, by the same carry (bench/million-tiny-calls.ts runs them).
      expect(Number((1_000_000n * cost.picos) / PICOS_PER_MICRO)).toBe(140_000)
    } finally {
      await world.close()
    }
  }, 120_000)
})
