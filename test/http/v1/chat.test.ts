// /v1/chat/completions through the official OpenAI SDK: plain, streamed, usage, billing, log row.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { chatBody, logRow, post, startHub, type TestHub } from '../../helpers'
import { chargesFor, picosOf } from '../../support/exact-charges'

let hub: TestHub
let key: string
let accountId: string
let client: OpenAI

beforeAll(async () => {
  hub = await startHub()
  ;({ key, accountId } = await hub.account({ balanceUsd: '5.00' }))
  client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
})
afterAll(() => hub.close())

describe('chat completions via the openai SDK', () => {
  test('non-streaming answer carries the client model id, usage and the cost header', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }] })
      .withResponse()
    expect(data.object).toBe('chat.completion')
    expect(data.model).toBe('gpt-4o-mini')
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0)
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0)
    expect(data.usage!.completion_tokens).toBeGreaterThan(0)
    // Exact in pico-USD; the account charges whole micro-USD and carries the rest (first call: nothing carried yet).
    const exact = picosOf(data.usage!.prompt_tokens, 0.15) + picosOf(data.usage!.completion_tokens, 0.6)
    expect(Math.round(Number(response.headers.get('x-token-hub-cost-usd')) * 1e6)).toBe(chargesFor([exact])[0]!)
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9A-Za-z]{24}$/)
    expect(response.headers.get('server-timing')).toContain('gateway-pre;dur=')
  })

  test('the same request gets the same answer (deterministic mock)', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'repeat me' }] }
    const a = await client.chat.completions.create(body)
    const b = await client.chat.completions.create(body)
    expect(a.choices[0]!.message.content).toBe(b.choices[0]!.message.content)
    expect(a.usage).toEqual(b.usage)
  })

  test('streaming relays chunks, ends with [DONE], and passes usage only when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    let usage: OpenAI.CompletionUsage | null | undefined
    let finish: string | null = null
    for await (const chunk of stream) {
      expect(chunk.model).toBe('gpt-4o-mini')
      text += chunk.choices[0]?.delta?.content ?? ''
      finish = chunk.choices[0]?.finish_reason ?? finish
      if (chunk.usage) usage = chunk.usage
    }
    expect(text.length).toBeGreaterThan(0)
    expect(finish).toBe('stop')
    expect(usage!.completion_tokens).toBeGreaterThan(0)

    const raw = await (await post(hub, '/v1/chat/completions', key, chatBody('stream please', { stream: true }))).text()
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true)
    expect(raw).not.toContain('"prompt_tokens"')
  })

  test('the upstream receives the configured upstream key, never the client key', async () => {
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'who am i' }] })
    expect(hub.mock.stats.lastAuthorization).toBe('Bearer mock-upstream-key')
    expect(hub.mock.stats.lastAuthorization).not.toContain(key)
  })

  test('a successful call is charged once in the ledger and logged with its cost', async () => {
    const before = await (await hub.admin('GET', `/admin/accounts/${accountId}`)).json()
    const response = await post(hub, '/v1/chat/completions', key, chatBody('bill me'))
    expect(response.status).toBe(200)
    const requestId = response.headers.get('x-request-id')!
    const cost = Number(response.headers.get('x-token-hub-cost-usd'))
    const ledger = (await (await hub.admin('GET', `/admin/accounts/${accountId}/ledger`)).json()) as {
      data: Array<{ type: string; request_id: string; amount_micros: number }>
    }
    const charges = ledger.data.filter((e) => e.request_id === requestId)
    expect(charges).toHaveLength(1)
    expect(charges[0]!.type).toBe('charge')
    expect(charges[0]!.amount_micros).toBe(-Math.round(cost * 1e6))
    const after = await (await hub.admin('GET', `/admin/accounts/${accountId}`)).json()
    expect(Math.abs(Number(before.balance_usd) - Number(after.balance_usd) - cost)).toBeLessThanOrEqual(0.0001)

    const row = await logRow(hub, requestId)
    expect(row).toMatchObject({
      request_id: requestId,
      account_id: accountId,
      model: 'gpt-4o-mini',
      provider: 'mock',
      status: 200,
      stream: false,
    })
    expect(row.cost_micros).toBe(Math.round(cost * 1e6))
    expect(row.prompt_tokens).toBeGreaterThan(0)
  })

  test('a streamed call is settled and logged when the stream ends', async () => {
    const response = await post(hub, '/v1/chat/completions', key, chatBody('stream bill', { stream: true }))
    const requestId = response.headers.get('x-request-id')!
    await response.text()
    const row = await logRow(hub, requestId)
    expect(row).toMatchObject({ status: 200, stream: true, model: 'gpt-4o-mini' })
    expect(row.cost_micros).toBeGreaterThan(0)
    expect(row.ttfb_ms).toBeGreaterThan(0)
  })
})
