// The hold plan: the context check on the lower estimate, the hold on the upper one over the fallback chain.
import { describe, expect, test } from 'bun:test'
import { encode } from 'gpt-tokenizer/encoding/o200k_base'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CatalogModel } from '../../src/catalog/catalog'
import { estimatePrompt } from '../../src/tokens/estimate'
import { countedCharge, planChatHold, planEmbeddingHold } from '../../src/money/hold-plan'
import { GatewayError } from '../../src/errors'
import { flatPrices } from '../../src/money/pricing'
import { parseOpenAIChat } from '../../src/formats/openai/request'
import type { Provider } from '../../src/providers/types'

const model = (over: Partial<CatalogModel> = {}): CatalogModel => ({
  id: 'm',
  provider: {} as Provider,
  upstreamModel: 'm',
  kind: 'chat',
  prices: flatPrices(1, 2),
  contextWindow: 128_000,
  maxOutputTokens: 1_000,
  fallbacks: [],
  ownedBy: 't',
  ...over,
})
const request = (content: string, extra: Record<string, unknown> = {}) =>
  parseOpenAIChat({ model: 'm', messages: [{ role: 'user', content }], ...extra })

const english = readFileSync(join(import.meta.dir, '../fixtures/estimate/english.txt'), 'utf8')

describe('planChatHold', () => {
  test('the hold is the prompt upper estimate plus the output ceiling, at list price', () => {
    const r = request('Hello there', { max_tokens: 100 })
    const plan = planChatHold(r, [model()])
    expect(plan.holdMicros).toBe(estimatePrompt(r).high * 1 + 100 * 2)
    expect(planChatHold(request('Hello there'), [model()]).holdMicros).toBe(estimatePrompt(r).high + 1_000 * 2)
  })

  test('a prompt that really fits is never refused, though its upper estimate would not fit', () => {
    const text = english.slice(0, 2400)
    const real = encode(text).length + 4
    const window = real + 200
    const r = request(text, { max_tokens: 200 })
    expect(estimatePrompt(r).high + 200).toBeGreaterThan(window) // what a conservative check would refuse
    expect(() => planChatHold(r, [model({ contextWindow: window })])).not.toThrow()
  })

  test('a prompt clearly above the window is refused with context_length_exceeded', () => {
    const r = request(english.repeat(4), { max_tokens: 10 })
    expect(encode(english.repeat(4)).length).toBeGreaterThan(2_000)
    let error: unknown
    try {
      planChatHold(r, [model({ contextWindow: 1_000 })])
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(GatewayError)
    expect((error as GatewayError).code).toBe('context_length_exceeded')
    // max_tokens alone above the window, too
    expect(() => planChatHold(request('hi', { max_tokens: 2_000 }), [model({ contextWindow: 1_000 })])).toThrow()
  })

  test('without max_tokens, the output ceiling is what the window leaves, and the prompt is held at most the window', () => {
    const text = english.repeat(2)
    const r = request(text)
    const prompt = estimatePrompt(r)
    const window = prompt.low + 300
    const plan = planChatHold(r, [model({ contextWindow: window, maxOutputTokens: 4_096 })])
    expect(plan.maxOutputTokens).toBe(300)
    expect(plan.holdMicros).toBe(Math.min(prompt.high, window) + 300 * 2)
  })

  test('n answers multiply the output; the dearest model of the fallback chain sets the hold', () => {
    const r = request('Hello', { max_tokens: 50, n: 3 })
    const cheap = model()
    const dear = model({ id: 'dear', prices: flatPrices(5, 20) })
    const high = estimatePrompt(r).high
    expect(planChatHold(r, [cheap]).holdMicros).toBe(high + 150 * 2)
    expect(planChatHold(r, [cheap, dear]).holdMicros).toBe(high * 5 + 150 * 20)
  })

  test('embeddings hold their inputs at the dearest input price; token arrays count exactly', () => {
    expect(planEmbeddingHold([[1, 2, 3], [4]], [model({ prices: flatPrices(2, 2) }), model({ prices: flatPrices(3, 2) })])).toBe(12)
  })
})

describe('countedCharge', () => {
  test('counts the relayed text, caps the output at the ceiling and the cost at the hold', () => {
    const r = request('Hello', { max_tokens: 3 })
    const plan = planChatHold(r, [model()])
    const few = countedCharge(plan, model(), ['Hi'], plan.holdMicros)
    expect(few.usage).toEqual({ inputTokens: plan.prompt.high, outputTokens: 1 })
    expect(few.cost.picos).toBe(BigInt(plan.prompt.high + 2) * 1_000_000n)
    const many = countedCharge(plan, model(), ['lots of words relayed here, far more than three tokens'], plan.holdMicros)
    expect(many.usage.outputTokens).toBe(3)
    expect(many.cost.picos).toBeLessThanOrEqual(BigInt(plan.holdMicros) * 1_000_000n)
    // a dearer fallback served it: still never above the hold
    expect(countedCharge(plan, model({ prices: flatPrices(50, 50) }), ['x y z'], plan.holdMicros).cost.picos).toBe(
      BigInt(plan.holdMicros) * 1_000_000n,
    )
  })
})
