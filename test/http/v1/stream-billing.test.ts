// Streams are billed what the upstream reports, even after the client left; cut streams the tokens relayed, within the hold.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { planChatHold } from '../../../src/money/hold-plan'
import { estimatePrompt, relayedOutputTokens } from '../../../src/tokens/estimate'
import { parseOpenAIChat } from '../../../src/formats/openai/request'
import { chatBody, logRow, post, startHub, type TestHub } from '../../helpers'
import { paceUpstream } from '../../support/paced-upstream'
import { capAt, carriedPicos, chargesFor, microsAround, picosOf } from '../../support/exact-charges'

let hub: TestHub
beforeAll(async () => {
  hub = await startHub({ config: { limits: { key_rpm: 1_000_000, account_rpm: 1_000_000 } } })
})
afterAll(() => hub.close())

const PRICE = { 'gpt-4o-mini': { input: 0.15, output: 0.6 }, 'broken-cut': { input: 1, output: 1 } }

/** The mock's usage for a request, asked of the mock directly (deterministic: same request, same usage). */
async function upstreamUsage(body: Record<string, unknown>): Promise<{ prompt_tokens: number; completion_tokens: number }> {
  const response = await hub.mock.fetch(
    new Request('http://mock.invalid/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ ...body, model: 'mock-gpt', stream: false, metadata: undefined, max_tokens: body.max_tokens ?? 16384 }),
    }),
  )
  return ((await response.json()) as { usage: { prompt_tokens: number; completion_tokens: number } }).usage
}

const chargesOf = async (accountId: string, requestId: string) =>
  (await hub.hub.store.ledger.list(accountId, { limit: 500 })).entries.filter((e) => e.requestId === requestId)

/** Waits until every hold is resolved and its charge written; returns the holds still open. */
async function waitForNoOpenHolds(withinMs: number): Promise<number> {
  const deadline = performance.now() + withinMs
  while (performance.now() < deadline) {
    if ((await hub.hub.store.holds.countOpen()) === 0 && hub.hub.store.holdBook.pendingWrites === 0) return 0
    await Bun.sleep(20)
  }
  return hub.hub.store.holds.countOpen()
}

/** Reads SSE `data:` events from a response body until `stopAfter` content chunks, then aborts. */
async function readThenAbort(response: Response, controller: AbortController, stopAfter: number): Promise<number> {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  let contentChunks = 0
  while (contentChunks < stopAfter) {
    const { done, value } = await reader.read()
    if (done) break
    buffered += decoder.decode(value, { stream: true })
    const events = buffered.split('\n\n')
    buffered = events.pop()!
    for (const event of events) if (event.includes('"content":"') && !event.includes('"content":""')) contentChunks++
  }
  controller.abort()
  await reader.cancel().catch(() => {})
  return contentChunks
}

describe('stream billing', () => {
  test('client abort after k of n chunks (100 trials): one settlement each, equal to the upstream usage; no open holds', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '50.00' })
    const trials = Array.from({ length: 100 }, (_, i) => i)
    const outcomes: Array<{ requestId: string; expected: bigint; k: number }> = []
    let midStream = 0
    // The upstream holds each trial's stream after its k-th content chunk until that client has left,
    // so every abort is mid-stream however fast or slow the machine relays (frame 0 is the role).
    const clientLeft = new Map<number, { k: number; gone: Promise<void> }>()
    const restore = paceUpstream(hub.mock, {
      beforeChunk: async (index, { body }) => {
        const left = clientLeft.get((body.metadata as { trial?: number } | undefined)?.trial ?? -1)
        if (left && index > left.k) await left.gone
      },
    })
    const started = performance.now()
    for (let batch = 0; batch < trials.length; batch += 25) {
      await Promise.all(
        trials.slice(batch, batch + 25).map(async (i) => {
          const body = chatBody(`abort trial ${i}: tell me about the ledger`, {
            stream: true,
            metadata: { mock_fault: 'drip-4', trial: i },
          })
          const usage = await upstreamUsage(body)
          const n = usage.completion_tokens // one content chunk per token in the mock
          const k = 1 + ((i * 7919) % (n - 1)) // 1 ≤ k < n: always mid-stream
          const gone = Promise.withResolvers<void>()
          // Should the gate be wrong, the stream goes on after 10 s and the counts below say so.
          const giveUp = setTimeout(() => gone.resolve(), 10_000)
          clientLeft.set(i, { k, gone: gone.promise })
          const controller = new AbortController()
          const response = await fetch(`${hub.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: controller.signal,
          })
          expect(response.status).toBe(200)
          const read = await readThenAbort(response, controller, k)
          gone.resolve()
          clearTimeout(giveUp)
          expect(read).toBe(k)
          if (read < n) midStream++
          const expected =
            picosOf(usage.prompt_tokens, PRICE['gpt-4o-mini'].input) + picosOf(usage.completion_tokens, PRICE['gpt-4o-mini'].output)
          outcomes.push({ requestId: response.headers.get('x-request-id')!, expected, k })
        }),
      )
    }
    restore()
    const open = await waitForNoOpenHolds(5_000)
    console.log(
      `client aborts: 100 trials (${midStream} left before the last token) in ${(performance.now() - started).toFixed(0)} ms, open holds afterwards: ${open}`,
    )
    expect(open).toBe(0)
    expect(midStream).toBe(100)
    // Settled in whatever order the streams ended: each charge is its exact cost's micro-dollars,
    // plus one when the account's carried remainder passed a micro-dollar; together they are the
    // exact sum to the pico-USD, with what the account carries.
    let charged = 0n
    for (const { requestId, expected } of outcomes) {
      const charges = await chargesOf(accountId, requestId)
      expect(charges).toHaveLength(1)
      expect(microsAround(expected)).toContain(-charges[0]!.amountMicros)
      charged += BigInt(-charges[0]!.amountMicros) * 1_000_000n
    }
    const exactSum = outcomes.reduce((sum, o) => sum + o.expected, 0n)
    expect(charged + BigInt(carriedPicos(hub.hub.store, accountId))).toBe(exactSum)
    const account = (await hub.hub.store.accounts.get(accountId))!
    expect(account.heldMicros).toBe(0)
    expect(await hub.hub.store.ledger.sum(accountId)).toBe(account.balanceMicros)
    const row = await logRow(hub, outcomes[0]!.requestId)
    expect(row).toMatchObject({ stream: true, error_code: 'client_disconnected' })
    expect(microsAround(outcomes[0]!.expected)).toContain(row.cost_micros as number)
  })

  for (const [label, model, fault] of [
    ['cut stream (no usage, no [DONE])', 'broken-cut', null],
    ['stream without a usage chunk', 'gpt-4o-mini', 'nousage'],
  ] as const) {
    test(`${label}: billed the relayed tokens, never more than the hold`, async () => {
      const { accountId, key } = await hub.account({ balanceUsd: '5.00' })
      const counted: bigint[] = []
      for (const maxTokens of [2, 40]) {
        const body = chatBody(`count what was relayed ${maxTokens}`, {
          model,
          stream: true,
          max_tokens: maxTokens,
          stream_options: { include_usage: true },
          ...(fault ? { metadata: { mock_fault: fault } } : {}),
        })
        const response = await post(hub, '/v1/chat/completions', key, body)
        const text = await response.text()
        expect(text).not.toContain('"prompt_tokens"')
        const relayed = text
          .split('\n\n')
          .filter((e) => e.startsWith('data: {'))
          .map((e) => (JSON.parse(e.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content ?? '')
        expect(relayed.join('').length).toBeGreaterThan(0)
        await waitForNoOpenHolds(5_000)
        const catalogModel = hub.hub.catalog.get(model)!
        const plan = planChatHold(parseOpenAIChat(body), [catalogModel])
        const price = PRICE[model]
        counted.push(
          capAt(
            picosOf(estimatePrompt(parseOpenAIChat(body)).high, price.input) +
              picosOf(Math.min(relayedOutputTokens(relayed), maxTokens), price.output),
            plan.holdMicros,
          ),
        )
        const charges = await chargesOf(accountId, response.headers.get('x-request-id')!)
        expect(charges.length).toBeLessThanOrEqual(1)
        // This account's calls settle one after another: the carry model says each charge exactly.
        expect(-(charges[0]?.amountMicros ?? 0)).toBe(chargesFor(counted).at(-1)!)
        expect(-charges[0]!.amountMicros).toBeLessThanOrEqual(plan.holdMicros)
      }
    })
  }

  test('a non-streamed answer without usage is billed its counted tokens within the hold', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '5.00' })
    const body = chatBody('no usage here', { metadata: { mock_fault: 'nousage' } })
    const response = await post(hub, '/v1/chat/completions', key, body)
    const answer = (await response.json()) as { choices: Array<{ message: { content: string } }>; usage?: unknown }
    expect(answer.usage).toBeUndefined()
    const request = parseOpenAIChat(body)
    const exact = picosOf(estimatePrompt(request).high, 0.15) + picosOf(relayedOutputTokens([answer.choices[0]!.message.content]), 0.6)
    const [counted] = chargesFor([exact])
    const charges = await chargesOf(accountId, response.headers.get('x-request-id')!)
    expect(charges.map((c) => -c.amountMicros)).toEqual([counted!])
    expect(Number(response.headers.get('x-token-hub-cost-usd')) * 1e6).toBeCloseTo(counted!, 3)
  })
})
