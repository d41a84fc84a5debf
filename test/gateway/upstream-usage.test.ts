// Usage an upstream reports is believed only as token counts the request could have used: an
// upstream claiming 1e12, −5, 1e308, "abc" or a fraction is billed as if it reported nothing
// (counted, never above the hold), logged as upstream_usage_invalid and counted in /metrics.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { ADMIN_TOKEN, logRow, post, startHub, type TestHub } from '../helpers'

/** What the evil upstream reports as usage, per wire format, for the next answers. */
let reported: Record<string, unknown> = {}
const answers = {
  openai: (stream: boolean) =>
    stream
      ? `${sse([
          {
            id: 'c1',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'x',
            choices: [{ index: 0, delta: { role: 'assistant', content: 'hello' } }],
          },
          { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'x', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
          { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'x', choices: [], usage: reported },
        ])}data: [DONE]\n\n`
      : {
          id: 'c1',
          object: 'chat.completion',
          created: 1,
          model: 'x',
          choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
          usage: reported,
        },
  anthropic: (stream: boolean) =>
    stream
      ? sse([
          { type: 'message_start', message: { id: 'm1', type: 'message', role: 'assistant', model: 'x', content: [], usage: reported } },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hello' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: reported.output_tokens ?? 1 } },
          { type: 'message_stop' },
        ])
      : {
          id: 'm1',
          type: 'message',
          role: 'assistant',
          model: 'x',
          content: [{ type: 'text', text: 'hello' }],
          stop_reason: 'end_turn',
          usage: reported,
        },
  gemini: (stream: boolean) => {
    const body = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'hello' }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: reported,
    }
    return stream ? sse([body]) : body
  },
}
const sse = (events: unknown[]) => events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')

let upstream: ReturnType<typeof Bun.serve>
let hub: TestHub
let key: string
let accountId: string
beforeAll(async () => {
  upstream = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const url = new URL(request.url)
      const body = (await request.json()) as { stream?: boolean }
      const wire = url.pathname.startsWith('/openai') ? 'openai' : url.pathname.startsWith('/anthropic') ? 'anthropic' : 'gemini'
      const stream = wire === 'gemini' ? url.pathname.includes('streamGenerateContent') : body.stream === true
      const answer = answers[wire](stream)
      return typeof answer === 'string' ? new Response(answer, { headers: { 'content-type': 'text/event-stream' } }) : Response.json(answer)
    },
  })
  const base = `http://127.0.0.1:${upstream.port}`
  const price = { input_usd_per_mtok: 1, output_usd_per_mtok: 2, context_window: 100_000, max_output_tokens: 1_000 }
  hub = await startHub({
    config: {
      providers: {
        openai: { type: 'openai', base_url: `${base}/openai/v1`, api_key: 'sk-upstream' },
        anthropic: { type: 'anthropic', base_url: `${base}/anthropic`, api_key: 'sk-ant-upstream' },
        gemini: { type: 'gemini', base_url: `${base}/gemini/v1beta`, api_key: 'AIza-upstream' },
      },
      models: [
        { id: 'evil-openai', provider: 'openai', upstream_model: 'x', ...price },
        { id: 'evil-anthropic', provider: 'anthropic', upstream_model: 'x', ...price },
        { id: 'evil-gemini', provider: 'gemini', upstream_model: 'x', ...price },
      ],
      limits: { key_rpm: 100_000, account_rpm: 100_000 },
    },
  })
  ;({ key, accountId } = await hub.account({ balanceUsd: '10.00', key: { rpm: 100_000 } }))
})
afterAll(async () => {
  await hub.close()
  upstream.stop(true)
})

/** Usage of each wire with every counter set to `value` (where the wire has it). */
const everywhere = (value: unknown): Record<keyof typeof answers, Record<string, unknown>> => ({
  openai: { prompt_tokens: value, completion_tokens: value, total_tokens: value },
  anthropic: { input_tokens: value, output_tokens: value },
  gemini: { promptTokenCount: value, candidatesTokenCount: value, totalTokenCount: value },
})

const CASES: Array<[string, Record<keyof typeof answers, Record<string, unknown>>]> = [
  ['a trillion tokens', everywhere(1e12)],
  ['negative tokens', everywhere(-5000)],
  ['1e308 tokens', everywhere(1e308)],
  ['text', everywhere('abc')],
  ['a fraction', everywhere(2.5)],
  [
    'a cache count as a string, or above the prompt',
    {
      openai: { prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 11 } },
      anthropic: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: '999999' },
      gemini: { promptTokenCount: 10, candidatesTokenCount: 2, cachedContentTokenCount: 11 },
    },
  ],
  [
    'output beyond what the request allowed',
    {
      openai: { prompt_tokens: 10, completion_tokens: 1_001 },
      anthropic: { input_tokens: 10, output_tokens: 1_001 },
      gemini: { promptTokenCount: 10, candidatesTokenCount: 1_001 },
    },
  ],
]

const chargesOf = async () => (await hub.hub.store.ledger.list(accountId, { limit: 500 })).entries.filter((e) => e.type === 'charge')

async function invalidCount(provider: string): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text()
  const line = text.split('\n').find((l) => l.startsWith(`token_hub_upstream_usage_invalid_total{provider="${provider}"}`))
  return line ? Number(line.split(' ')[1]) : 0
}

for (const [name, usages] of CASES) {
  for (const wire of ['openai', 'anthropic', 'gemini'] as const) {
    for (const stream of [false, true]) {
      test(`${wire}${stream ? ', streamed' : ''}: ${name} is not believed`, async () => {
        reported = usages[wire]
        const before = (await hub.hub.store.accounts.get(accountId))!.balanceMicros
        const chargesBefore = (await chargesOf()).length
        const invalidBefore = await invalidCount(wire)
        const response = await post(hub, '/v1/chat/completions', key, {
          model: `evil-${wire}`,
          max_tokens: 50,
          stream,
          messages: [{ role: 'user', content: 'hi' }],
        })
        expect(response.status).toBe(200)
        const text = await response.text()
        expect(text).toContain('hello')
        const row = await logRow(hub, response.headers.get('x-request-id')!)
        expect(row.error_code).toBe('upstream_usage_invalid')
        // Counted as if no usage came: a few prompt tokens and "hello", never above the hold
        // (at most ~8 prompt tokens at 1 µUSD and 50 output tokens at 2 µUSD here).
        const charges = await chargesOf()
        expect(charges.length).toBe(chargesBefore + 1)
        const charge = charges[0]!
        expect(Number.isSafeInteger(charge.amountMicros)).toBe(true)
        expect(charge.amountMicros).toBeLessThan(0)
        expect(-charge.amountMicros).toBeLessThanOrEqual(200)
        const after = (await hub.hub.store.accounts.get(accountId))!
        expect(Number.isSafeInteger(after.balanceMicros)).toBe(true)
        expect(after.balanceMicros).toBe(before + charge.amountMicros)
        expect(Number.isSafeInteger(after.availableMicros)).toBe(true)
        expect(await hub.hub.store.ledger.sum(accountId)).toBe(after.balanceMicros)
        expect(await invalidCount(wire)).toBe(invalidBefore + 1)
      })
    }
  }
}

test('believable usage is billed as reported, and not flagged', async () => {
  reported = { prompt_tokens: 7, completion_tokens: 3 }
  const response = await post(hub, '/v1/chat/completions', key, {
    model: 'evil-openai',
    max_tokens: 50,
    messages: [{ role: 'user', content: 'hi' }],
  })
  expect(response.status).toBe(200)
  expect(response.headers.get('x-token-hub-cost-usd')).toBe('0.000013')
  const row = await logRow(hub, response.headers.get('x-request-id')!)
  expect(row.error_code).toBeNull()
  expect(row.prompt_tokens).toBe(7)
})
