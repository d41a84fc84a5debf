// Documents, files, audio and unknown blocks under concurrency: a small account is never overdrawn beyond one request's estimation error.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { anthropicFormat } from '../../../src/formats/anthropic'
import { openAIFormat } from '../../../src/formats/openai'
import { planChatHold } from '../../../src/money/hold-plan'
import { createProviderRegistry } from '../../../src/providers/registry'
import { createMockUpstream, type MockUpstream } from '../../../src/mock-upstream/server'
import { post, startHub, testConfig, type TestHub } from '../../helpers'

const WINDOW = 200_000
const model = (id: string, provider: string) => ({
  id,
  provider,
  input_usd_per_mtok: 1,
  output_usd_per_mtok: 2,
  context_window: WINDOW,
  max_output_tokens: 4096,
})
const CONFIG = {
  providers: { mock: { type: 'mock' }, 'mock-anthropic': { type: 'mock', wire: 'anthropic' } },
  models: [model('gpt-doc', 'mock'), model('claude-doc', 'mock-anthropic')],
  plans: { free: { models: ['gpt-doc'] }, standard: { models: ['*'] } },
  limits: { key_rpm: 1_000_000, account_rpm: 1_000_000 },
}

/**
 * Holds every upstream answer until each request of a burst is either at the upstream or refused,
 * so all admitted requests hold their money at once (the most concurrent interleaving, without
 * depending on timing).
 */
class Gate {
  private arrived = 0
  private refused = 0
  private release!: () => void
  readonly opened = new Promise<void>((resolve) => {
    this.release = resolve
  })
  constructor(private readonly expected: number) {}
  atUpstream() {
    this.arrived++
    this.check()
  }
  answeredWithoutUpstream() {
    this.refused++
    this.check()
  }
  private check() {
    if (this.arrived + this.refused === this.expected) this.release()
  }
}
let gate: Gate | null = null

/**
 * The in-process mock, with its prompt usage replaced by the real size of what it was sent: one
 * token per 4 bytes of the messages' JSON, documents and files included, within the window. It
 * does not depend on the mock (or the gateway) knowing any block type.
 */
function sizeBillingUpstream(): MockUpstream {
  const mock = createMockUpstream()
  return {
    stats: mock.stats,
    resetStats: () => mock.resetStats(),
    async fetch(request) {
      const body = (await request.clone().json()) as { messages?: unknown; system?: unknown }
      gate?.atUpstream()
      await gate?.opened
      const response = await mock.fetch(request)
      if (response.status !== 200) return response
      const tokens = Math.min(WINDOW, Math.ceil(Buffer.byteLength(JSON.stringify([body.system ?? null, body.messages])) / 4))
      const answer = (await response.json()) as { usage: Record<string, number> }
      if ('input_tokens' in answer.usage) Object.assign(answer.usage, { input_tokens: tokens, cache_read_input_tokens: 0 })
      else Object.assign(answer.usage, { prompt_tokens: tokens, prompt_tokens_details: { cached_tokens: 0 } })
      return Response.json(answer)
    },
  }
}

let hub: TestHub
beforeAll(async () => {
  const config = testConfig(CONFIG)
  hub = await startHub({ config: CONFIG, deps: { registry: createProviderRegistry(config, {}, sizeBillingUpstream()) } })
})
afterAll(() => hub.close())

const micros = (usd: string) => Math.round(Number(usd) * 1e6)
/** Base64 text of `bytes` bytes (what a PDF or an audio clip of that size is sent as). */
const base64 = (bytes: number) =>
  Buffer.alloc(Math.ceil((bytes * 3) / 4), 7)
    .toString('base64')
    .slice(0, bytes)
const text = (bytes: number) => 'The quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(bytes / 45)).slice(0, bytes)

const anthropic = (block: unknown) => ({
  path: '/v1/messages',
  body: { model: 'claude-doc', max_tokens: 16, messages: [{ role: 'user', content: [block, { type: 'text', text: 'Summarize.' }] }] },
})
const openai = (part: unknown) => ({
  path: '/v1/chat/completions',
  body: { model: 'gpt-doc', max_tokens: 16, messages: [{ role: 'user', content: [part, { type: 'text', text: 'Summarize.' }] }] },
})

/** What the gateway holds for one such request (the same plan it places). */
function holdOf(request: { path: string; body: Record<string, unknown> }): number {
  const format = request.path === '/v1/messages' ? anthropicFormat : openAIFormat
  const parsed = format.parseChat(request.body)
  return planChatHold(parsed, [hub.hub.catalog.get(parsed.model)!]).holdMicros
}

/**
 * Fires `calls` identical requests at once against an account of `balanceUsd`; returns what was
 * charged per admitted request and the balance after.
 */
async function burst(request: { path: string; body: Record<string, unknown> }, balanceUsd: string, calls: number) {
  const { key, accountId } = await hub.account({ balanceUsd })
  const current = new Gate(calls)
  gate = current
  const responses = await Promise.all(
    Array.from({ length: calls }, async () => {
      const response = await post(hub, request.path, key, request.body)
      if (response.status !== 200) current.answeredWithoutUpstream()
      return response
    }),
  )
  gate = null
  const charges: number[] = []
  for (const response of responses) {
    await response.arrayBuffer()
    if (response.status === 200) charges.push(micros(response.headers.get('x-token-hub-cost-usd')!))
    else expect(response.status).toBe(402)
  }
  const balance = (await hub.hub.store.accounts.get(accountId))!.balanceMicros
  return { charges, balance }
}

describe('concurrent calls with content the estimator once skipped', () => {
  test('the reported case: 8 concurrent 667 KB PDF documents against $0.01 are all refused before any upstream call', async () => {
    const before = hub.mock.stats.calls
    const pdf = anthropic({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: base64(667_000) } })
    const { charges, balance } = await burst(pdf, '0.01', 8)
    expect(charges).toEqual([])
    expect(balance).toBe(10_000)
    expect(hub.mock.stats.calls).toBe(before)
  })

  const KINDS = {
    'Anthropic PDF document': anthropic({
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: base64(200_000) },
    }),
    'Anthropic text document': anthropic({ type: 'document', source: { type: 'text', media_type: 'text/plain', data: text(150_000) } }),
    'Anthropic search result': anthropic({
      type: 'search_result',
      source: 'https://example.com',
      title: 't',
      content: [{ type: 'text', text: text(150_000) }],
    }),
    'Anthropic block of an unknown type': anthropic({ type: 'future_block', payload: text(150_000) }),
    'OpenAI file': openai({ type: 'file', file: { filename: 'a.pdf', file_data: `data:application/pdf;base64,${base64(200_000)}` } }),
    'OpenAI audio': openai({ type: 'input_audio', input_audio: { format: 'wav', data: base64(150_000) } }),
    'OpenAI part of an unknown type': openai({ type: 'future_part', payload: text(150_000) }),
  }
  // PDFs and files are held at the whole window (200,000 tokens, $0.20); inline content at its bytes.
  for (const [name, request] of Object.entries(KINDS)) {
    test(`${name}: 8 concurrent calls settle at most the balance plus one request's error`, async () => {
      const balanceMicros = 250_000
      const { charges, balance } = await burst(request, '0.25', 8)
      const settled = charges.reduce((a, b) => a + b, 0)
      // Each call really costs $0.0375–0.05 (its bytes / 4 in prompt tokens): eight would be $0.30–0.40 against $0.25.
      expect(charges.length).toBeGreaterThan(0)
      for (const charge of charges) expect(charge).toBeGreaterThan(37_000)
      // A request's estimation error: what it cost beyond what was held for it (none if the hold was an upper bound).
      const oneRequestsError = Math.max(0, ...charges.map((charge) => charge - holdOf(request)))
      expect(settled).toBeLessThanOrEqual(balanceMicros + oneRequestsError)
      // And here the estimate was an upper bound: no request cost more than its hold.
      expect(oneRequestsError).toBe(0)
      expect(balance).toBe(balanceMicros - settled)
      expect(balance).toBeGreaterThanOrEqual(-oneRequestsError)
    })
  }

  test("count_tokens answers the hold's prompt: the whole window for a PDF, never an unbounded number", async () => {
    const { key } = await hub.account({ balanceUsd: '1.00' })
    const pdf = anthropic({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: base64(1_000) } })
    const counted = (await (await post(hub, '/v1/messages/count_tokens', key, pdf.body)).json()) as { input_tokens: number }
    expect(counted.input_tokens).toBe(WINDOW)
  })
})
