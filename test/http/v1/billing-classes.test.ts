// Billing per token class end to end: the official SDKs → Claude and GPT models on the mock, cache reads and writes in each client's usage, the ledger to the micro-dollar.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { logRow, startHub, type TestHub } from '../../helpers'
import { GPT_5_1, SONNET_4_5, type PriceConfig } from '../../fixtures/usage/golden'
import { chargesFor, picosOf } from '../../support/exact-charges'
import { relayedOutputTokens } from '../../../src/tokens/estimate'
import { post } from '../../helpers'

let hub: TestHub

beforeAll(async () => {
  hub = await startHub({
    config: {
      limits: { key_rpm: 10_000, account_rpm: 10_000 },
      providers: { mock: { type: 'mock' }, 'mock-anthropic': { type: 'mock', wire: 'anthropic' } },
      models: [
        { id: 'claude-sonnet-4-5', provider: 'mock-anthropic', ...SONNET_4_5, context_window: 1_000_000, max_output_tokens: 64_000 },
        { id: 'gpt-5.1', provider: 'mock', ...GPT_5_1, context_window: 400_000, max_output_tokens: 128_000 },
        // Its stream stops halfway, before message_delta: no final usage.
        {
          id: 'claude-cut',
          provider: 'mock-anthropic',
          upstream_model: 'mock-fault-cut',
          ...SONNET_4_5,
          context_window: 1_000_000,
          max_output_tokens: 8_192,
        },
      ],
    },
  })
})
afterAll(() => hub.close())

/** Classes as a client of either format was told them: uncached input, reads, 5-minute and 1-hour writes, output. */
interface Told {
  input: number
  read: number
  write5m: number
  write1h: number
  output: number
}

/** The exact cost of what the client was told, from the price table alone (tiers not reached here). */
function exactOf(prices: PriceConfig, t: Told): bigint {
  const input = prices.input_usd_per_mtok
  const write = prices.cache_write_usd_per_mtok ?? input
  return (
    picosOf(t.input, input) +
    picosOf(t.read, prices.cache_read_usd_per_mtok ?? input) +
    picosOf(t.write5m, write) +
    picosOf(t.write1h, prices.cache_write_1h_usd_per_mtok ?? write) +
    picosOf(t.output, prices.output_usd_per_mtok)
  )
}

/** A fresh account's one charge (nothing carried before it), its log row, and the cost header. */
async function billed(accountId: string, requestId: string) {
  const row = await logRow(hub, requestId)
  const entries = (await hub.hub.store.ledger.list(accountId)).entries.filter((e) => e.requestId === requestId)
  return { row, charged: entries.reduce((sum, e) => sum - e.amountMicros, 0) }
}

// ~2,400 mock tokens of a stable system prompt and ~1,200 of conversation: long enough for every cache rule.
const SYSTEM = 'You are a careful coding agent. '.repeat(300)
const HISTORY = 'Earlier turn: read the file, then edit it. '.repeat(110)

const anthropicToldOf = (u: Anthropic.Usage): Told => ({
  input: u.input_tokens,
  read: u.cache_read_input_tokens ?? 0,
  write5m: u.cache_creation?.ephemeral_5m_input_tokens ?? u.cache_creation_input_tokens ?? 0,
  write1h: u.cache_creation?.ephemeral_1h_input_tokens ?? 0,
  output: u.output_tokens,
})

describe('billing per token class, end to end', () => {
  test('Anthropic SDK → Claude model: cache_control breakpoints read the earlier prefix and write the new part, 5-minute', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '50.00' })
    const client = new Anthropic({ apiKey: key, baseURL: hub.url, maxRetries: 0 })
    const { data, response } = await client.messages
      .create({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: [{ type: 'text', text: HISTORY, cache_control: { type: 'ephemeral' } }] }],
      })
      .withResponse()
    const told = anthropicToldOf(data.usage)
    // The system prompt (before the last breakpoint) was read; the conversation up to the last one written.
    expect(told.read).toBeGreaterThan(2_000)
    expect(told.write5m).toBeGreaterThan(1_000)
    expect(data.usage.cache_creation_input_tokens).toBe(told.write5m)
    expect(told.write1h).toBe(0)
    const exact = exactOf(SONNET_4_5, told)
    const [expected] = chargesFor([exact])
    const { row, charged } = await billed(accountId, response.headers.get('x-request-id')!)
    expect(charged).toBe(expected!)
    expect(Math.round(Number(response.headers.get('x-token-hub-cost-usd')) * 1e6)).toBe(expected!)
    expect(row).toMatchObject({
      prompt_tokens: told.input + told.read + told.write5m,
      cache_read_tokens: told.read,
      cache_write_tokens: told.write5m,
      cache_write_1h_tokens: 0,
      completion_tokens: told.output,
      cost_micros: expected,
    })
    const breakdown = row.cost_breakdown as Record<string, string>
    expect(breakdown.cache_read_usd).toBe(`0.${String(picosOf(told.read, 0.3)).padStart(12, '0')}`)
    expect(breakdown.total_usd).toBe(`0.${String(exact).padStart(12, '0')}`)
  })

  test('Anthropic SDK → Claude model, streamed: a 1-hour breakpoint bills 1-hour writes, the SDK sees every class', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '50.00' })
    const client = new Anthropic({ apiKey: key, baseURL: hub.url, maxRetries: 0 })
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: HISTORY, cache_control: { type: 'ephemeral', ttl: '1h' } }] }],
    })
    const message = await stream.finalMessage()
    const requestId = (await stream.withResponse()).response.headers.get('x-request-id')!
    const told = anthropicToldOf(message.usage)
    expect(told.read).toBeGreaterThan(2_000)
    expect(told.write1h).toBeGreaterThan(1_000)
    expect(told.write5m).toBe(0)
    const [expected] = chargesFor([exactOf(SONNET_4_5, told)])
    await Bun.sleep(0)
    const { row, charged } = await billed(accountId, requestId)
    expect(charged).toBe(expected!)
    expect(row).toMatchObject({ stream: true, cache_read_tokens: told.read, cache_write_tokens: 0, cache_write_1h_tokens: told.write1h })
  })

  test('OpenAI SDK → Claude model: prompt_tokens counts every prompt token, cached_tokens the cache reads', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '50.00' })
    const client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    const { data, response } = await client.chat.completions
      .create({
        model: 'claude-sonnet-4-5',
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: HISTORY },
        ],
      })
      .withResponse()
    const usage = data.usage!
    const read = usage.prompt_tokens_details?.cached_tokens ?? 0
    // An OpenAI client cannot mark breakpoints: Anthropic's mock reads its automatic 1,024-token prefix.
    expect(read).toBe(1024)
    const told: Told = { input: usage.prompt_tokens - read, read, write5m: 0, write1h: 0, output: usage.completion_tokens }
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens)
    const [expected] = chargesFor([exactOf(SONNET_4_5, told)])
    const { row, charged } = await billed(accountId, response.headers.get('x-request-id')!)
    expect(charged).toBe(expected!)
    expect(row).toMatchObject({ prompt_tokens: usage.prompt_tokens, cache_read_tokens: 1024, cost_micros: expected })
  })

  test('OpenAI SDK → GPT model with prompt_cache_key: reads and writes in prompt_tokens_details, streamed usage too', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '50.00' })
    const client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    const body = {
      model: 'gpt-5.1',
      prompt_cache_key: 'session-42',
      messages: [
        { role: 'system' as const, content: SYSTEM },
        { role: 'user' as const, content: HISTORY },
      ],
    }
    const { data, response } = await client.chat.completions.create(body).withResponse()
    const details = data.usage!.prompt_tokens_details as { cached_tokens: number; cache_write_tokens?: number }
    expect(details.cached_tokens).toBe(1024)
    expect(details.cache_write_tokens! % 128).toBe(0)
    expect(details.cache_write_tokens).toBeGreaterThan(2_000)
    const told: Told = {
      input: data.usage!.prompt_tokens - details.cached_tokens - details.cache_write_tokens!,
      read: details.cached_tokens,
      write5m: details.cache_write_tokens!,
      write1h: 0,
      output: data.usage!.completion_tokens,
    }
    const [expected] = chargesFor([exactOf(GPT_5_1, told)])
    const { charged } = await billed(accountId, response.headers.get('x-request-id')!)
    expect(charged).toBe(expected!)

    // The same request streamed: the usage chunk carries the same classes, and the carry goes on.
    const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }).withResponse()
    let streamed: OpenAI.CompletionUsage | undefined
    for await (const chunk of stream.data) if (chunk.usage) streamed = chunk.usage
    expect(streamed).toEqual(data.usage!)
    const requestId = stream.response.headers.get('x-request-id')!
    const second = chargesFor([exactOf(GPT_5_1, told), exactOf(GPT_5_1, told)])[1]!
    await hub.hub.log.flush()
    expect((await billed(accountId, requestId)).charged).toBe(second)
  })

  test('Anthropic SDK → GPT model: input_tokens without the cache, cache_read_input_tokens apart', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '50.00' })
    const client = new Anthropic({ apiKey: key, baseURL: hub.url, maxRetries: 0 })
    const { data, response } = await client.messages
      .create({
        model: 'gpt-5.1',
        max_tokens: 1024,
        system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: HISTORY }],
      })
      .withResponse()
    const told = anthropicToldOf(data.usage)
    // Translated to Chat Completions (cache_control is a hint OpenAI has no field for): OpenAI's automatic read.
    expect(told.read).toBe(1024)
    expect(data.usage.cache_creation_input_tokens).toBe(0)
    expect(told.input).toBeGreaterThan(2_000)
    const [expected] = chargesFor([exactOf(GPT_5_1, told)])
    const { row, charged } = await billed(accountId, response.headers.get('x-request-id')!)
    expect(charged).toBe(expected!)
    expect(row).toMatchObject({ prompt_tokens: told.input + told.read, cache_read_tokens: 1024, cost_micros: expected })
  })

  test('streams too: an OpenAI client of a Claude model and an Anthropic client of a GPT model get every class at the end', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '50.00' })
    const openai = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    const stream = await openai.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: HISTORY },
      ],
      stream: true,
      stream_options: { include_usage: true },
    })
    let usage: OpenAI.CompletionUsage | undefined
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage
    expect(usage!.prompt_tokens_details?.cached_tokens).toBe(1024)
    expect(usage!.prompt_tokens).toBeGreaterThan(3_000)

    const anthropic = new Anthropic({ apiKey: key, baseURL: hub.url, maxRetries: 0 })
    const message = await anthropic.messages
      .stream({ model: 'gpt-5.1', max_tokens: 1024, system: SYSTEM, messages: [{ role: 'user', content: HISTORY }] })
      .finalMessage()
    expect(message.usage.cache_read_input_tokens).toBe(1024)
    expect(message.usage.input_tokens).toBeGreaterThan(2_000)
    // Both were charged their classes: the second at GPT prices, carried on from the first.
    const first = exactOf(SONNET_4_5, {
      input: usage!.prompt_tokens - 1024,
      read: 1024,
      write5m: 0,
      write1h: 0,
      output: usage!.completion_tokens,
    })
    const second = exactOf(GPT_5_1, {
      input: message.usage.input_tokens,
      read: 1024,
      write5m: 0,
      write1h: 0,
      output: message.usage.output_tokens,
    })
    await hub.hub.log.flush()
    const deadline = Date.now() + 3_000
    let charges: number[] = []
    while (Date.now() < deadline) {
      charges = (await hub.hub.store.ledger.list(accountId)).entries
        .filter((e) => e.type === 'charge')
        .map((e) => -e.amountMicros)
        .reverse()
      if (charges.length === 2) break
      await Bun.sleep(10)
    }
    expect(charges).toEqual(chargesFor([first, second]))
  })

  test('a Claude stream cut before its usage bills the prompt classes message_start told, and the output relayed', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '50.00' })
    const body = {
      model: 'claude-cut',
      max_tokens: 1024,
      stream: true,
      system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: HISTORY, cache_control: { type: 'ephemeral', ttl: '1h' } }] }],
    }
    const response = await post(hub, '/v1/messages', key, body)
    const events = (await response.text()).split('\n\n').flatMap((e) => {
      const data = e.split('\n').find((l) => l.startsWith('data: '))
      return data ? [JSON.parse(data.slice(6)) as Record<string, unknown>] : []
    })
    const start = events.find((e) => e.type === 'message_start') as { message: { usage: Anthropic.Usage } }
    expect(events.some((e) => e.type === 'message_delta')).toBe(false)
    const relayed = events.flatMap((e) => ((e.delta as { text?: string } | undefined)?.text ? [(e.delta as { text: string }).text] : []))
    const told = { ...anthropicToldOf(start.message.usage), output: relayedOutputTokens(relayed) }
    expect(told.read).toBeGreaterThan(2_000)
    expect(told.write1h).toBeGreaterThan(1_000)
    // Before: the whole prompt estimate at the input price; now each class at its own.
    const [expected] = chargesFor([exactOf(SONNET_4_5, told)])
    const { row, charged } = await billed(accountId, response.headers.get('x-request-id')!)
    expect(charged).toBe(expected!)
    expect(row).toMatchObject({ cache_read_tokens: told.read, cache_write_1h_tokens: told.write1h, completion_tokens: told.output })
  })

  test('Responses client → Claude model: input_tokens_details carries reads and writes', async () => {
    const { key } = await hub.account({ balanceUsd: '50.00' })
    const client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    const response = await client.responses.create({ model: 'claude-sonnet-4-5', instructions: SYSTEM, input: HISTORY })
    expect(response.usage!.input_tokens_details.cached_tokens).toBe(1024)
    expect(response.usage!.input_tokens).toBeGreaterThan(1024)
    expect(response.usage!.output_tokens_details.reasoning_tokens).toBe(0)
  })

  test('/metrics counts the tokens by model and class', async () => {
    await hub.hub.log.flush()
    const text = await (await hub.admin('GET', '/metrics')).text()
    expect(text).toMatch(/token_hub_tokens_total\{model="claude-sonnet-4-5",class="cache_read"\} [1-9]\d*/)
    expect(text).toMatch(/token_hub_tokens_total\{model="claude-sonnet-4-5",class="cache_write_1h"\} [1-9]\d*/)
    expect(text).toMatch(/token_hub_tokens_total\{model="gpt-5.1",class="cache_write"\} [1-9]\d*/)
  })
})
