// Class prices and tiers: defaults, the tier a request reaches, and holds at the dearest class over the fallback chain.
import { describe, expect, test } from 'bun:test'
import type { CatalogModel } from '../../src/catalog/catalog'
import { modelPrices } from '../../src/catalog/catalog'
import { validateConfig } from '../../src/config/load'
import type { ModelConfig } from '../../src/config/schema'
import { parseOpenAIChat } from '../../src/formats/openai/request'
import { chatBill, planChatHold } from '../../src/money/hold-plan'
import { classPrices, exactCost, maxCostOf, pricesAt } from '../../src/money/pricing'
import type { Provider } from '../../src/providers/types'
import { estimatePrompt } from '../../src/tokens/estimate'
import { SONNET_4_5 } from '../fixtures/usage/golden'

const configured = (over: Partial<ModelConfig>) =>
  modelPrices({ id: 'm', provider: 'p', input_usd_per_mtok: 2, output_usd_per_mtok: 8, ...over } as ModelConfig)
const model = (prices: CatalogModel['prices'], over: Partial<CatalogModel> = {}): CatalogModel => ({
  id: 'm',
  provider: {} as Provider,
  upstreamModel: 'm',
  kind: 'chat',
  prices,
  contextWindow: 1_000_000,
  maxOutputTokens: 1_000,
  fallbacks: [],
  ownedBy: 't',
  ...over,
})

describe('class prices', () => {
  test('unset cache prices default to the input price, 1-hour writes to the 5-minute price', () => {
    expect(configured({}).base).toEqual({
      input: 2_000_000,
      output: 8_000_000,
      cacheRead: 2_000_000,
      cacheWrite: 2_000_000,
      cacheWrite1h: 2_000_000,
    })
    expect(configured({ cache_write_usd_per_mtok: 2.5 }).base.cacheWrite1h).toBe(2_500_000)
    expect(configured({ cache_read_usd_per_mtok: 0.2, cache_write_1h_usd_per_mtok: 4 }).base).toMatchObject({
      cacheRead: 200_000,
      cacheWrite: 2_000_000,
      cacheWrite1h: 4_000_000,
    })
  })

  test('a tier prices the whole request once its prompt (reads and writes included) is above the threshold', () => {
    const prices = modelPrices({ id: 'm', provider: 'p', ...SONNET_4_5 } as ModelConfig)
    expect(pricesAt(prices, 200_000).tierAbove).toBeNull()
    expect(pricesAt(prices, 200_001)).toMatchObject({ tierAbove: 200_000, prices: { input: 6_000_000, output: 22_500_000 } })
    // 150k read + 50,001 uncached: 200,001 prompt tokens, so even the output is at the tier's price.
    const cost = exactCost({ prices }, { inputTokens: 200_001, cacheReadTokens: 150_000, outputTokens: 10 })
    expect(cost.tierAbove).toBe(200_000)
    expect(cost.picos).toBe(50_001n * 6_000_000n + 150_000n * 600_000n + 10n * 22_500_000n)
  })

  test('tiers apply in order whatever order the config lists them', () => {
    const prices = configured({
      tiers: [
        { above_prompt_tokens: 256_000, input_usd_per_mtok: 6, output_usd_per_mtok: 60 },
        { above_prompt_tokens: 32_000, input_usd_per_mtok: 1.8, output_usd_per_mtok: 9 },
      ],
    })
    expect(pricesAt(prices, 100_000).prices.input).toBe(1_800_000)
    expect(pricesAt(prices, 300_000).prices.input).toBe(6_000_000)
    // A tier's unset cache prices follow the tier's own input price.
    expect(pricesAt(prices, 300_000).prices.cacheRead).toBe(6_000_000)
  })
})

describe('holds at the dearest class', () => {
  test('a prompt of cache writes costs more than input: the hold covers it', () => {
    const m = model(modelPrices({ id: 'm', provider: 'p', ...SONNET_4_5 } as ModelConfig), { contextWindow: 200_000 })
    const r = parseOpenAIChat({ model: 'm', messages: [{ role: 'user', content: 'cache me '.repeat(200) }], max_tokens: 100 })
    const plan = planChatHold(r, [m])
    const prompt = estimatePrompt(r).high
    // Every prompt token at the 1-hour write price ($6), not the input price ($3).
    expect(plan.holdMicros).toBe(Math.ceil(prompt * 6 + 100 * 15))
    const allWrites = { inputTokens: prompt, cacheWrite1hTokens: prompt, outputTokens: 100 }
    const bill = chatBill(plan, m, allWrites, () => [], plan.holdMicros)
    expect(bill.problem).toBeNull()
    expect(bill.cost.picos).toBeLessThanOrEqual(BigInt(plan.holdMicros) * 1_000_000n)
  })

  test('a tier the prompt may reach raises the hold; one it cannot reach does not', () => {
    const prices = modelPrices({ id: 'm', provider: 'p', ...SONNET_4_5 } as ModelConfig)
    expect(maxCostOf({ prices }, 100_000, 1_000)).toBe(100_000 * 6 + 1_000 * 15)
    expect(maxCostOf({ prices }, 300_000, 1_000)).toBe(300_000 * 12 + 1_000 * 22.5)
  })

  test('over a fallback chain the hold is the dearest model at its dearest class', () => {
    const cheap = model({ base: classPrices({ input: 1, output: 2 }), tiers: [] }, { id: 'cheap' })
    const writes = model({ base: classPrices({ input: 1, output: 2, cacheWrite: 5 }), tiers: [] }, { id: 'writes' })
    const r = parseOpenAIChat({ model: 'cheap', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 10 })
    const prompt = estimatePrompt(r).high
    expect(planChatHold(r, [cheap]).holdMicros).toBe(prompt * 1 + 10 * 2)
    expect(planChatHold(r, [cheap, writes]).holdMicros).toBe(prompt * 5 + 10 * 2)
  })

  test('sub-micro-dollar prices round the hold up, never down', () => {
    expect(maxCostOf({ prices: { base: classPrices({ input: 0.02, output: 0 }), tiers: [] } }, 7, 0)).toBe(1)
  })
})

describe('price validation', () => {
  const base = {
    providers: { p: { type: 'mock' } },
    models: [{ id: 'm', provider: 'p', input_usd_per_mtok: 1, context_window: 300_000 }],
  }
  const problems = (over: Record<string, unknown>) => {
    const result = validateConfig({ ...base, models: [{ ...base.models[0], ...over }] })
    return result.ok ? [] : result.problems
  }

  test('class prices and tiers are checked like every price, each problem with its path', () => {
    expect(problems({ cache_read_usd_per_mtok: -1 })).toEqual(['models[0].cache_read_usd_per_mtok: must be a finite number ≥ 0 (got -1)'])
    expect(problems({ cache_write_1h_usd_per_mtok: 'six' })[0]).toStartWith('models[0].cache_write_1h_usd_per_mtok:')
    expect(problems({ cache_write_usd_per_mtok: 0.0000001 })).toEqual([
      'models[0].cache_write_usd_per_mtok: at most 6 decimals (a whole number of micro-USD per million tokens) (got 1e-7)',
    ])
    expect(problems({ tiers: [{ above_prompt_tokens: 1000, input_usd_per_mtok: 2 }] })).toEqual([
      'models[0].tiers[0].output_usd_per_mtok: required',
    ])
    expect(problems({ tiers: [{ above_prompt_tokens: 1000, input_usd_per_mtok: 2, output_usd_per_mtok: 3, bogus: 1 }] })).toEqual([
      'models[0].tiers[0].bogus: unknown key',
    ])
    expect(
      problems({
        tiers: [
          { above_prompt_tokens: 1000, input_usd_per_mtok: 2, output_usd_per_mtok: 3 },
          { above_prompt_tokens: 1000, input_usd_per_mtok: 4, output_usd_per_mtok: 5 },
        ],
      }),
    ).toEqual(['models[0].tiers[1].above_prompt_tokens: another tier of this model starts at 1000'])
    expect(problems({ tiers: [{ above_prompt_tokens: 300_000, input_usd_per_mtok: 2, output_usd_per_mtok: 3 }] })).toEqual([
      'models[0].tiers[0].above_prompt_tokens: 300000 is not below the context window (300000): the tier could never apply',
    ])
    expect(
      problems({
        cache_read_usd_per_mtok: 0.3,
        cache_write_usd_per_mtok: 3.75,
        tiers: [{ above_prompt_tokens: 200_000, input_usd_per_mtok: 6, output_usd_per_mtok: 22.5 }],
      }),
    ).toEqual([])
  })
})
