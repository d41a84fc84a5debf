// POST /v1/responses with the official openai SDK, for every model family: text, streams, tool round trips, JSON output, billing.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import type { FunctionTool, Response as OpenAIResponse, ResponseInputItem } from 'openai/resources/responses/responses'
import { logRow, startHub, type TestHub } from '../../helpers'
import { serveMock, type HttpMock } from '../../support/mock-http'
import { costOfUsage, FAMILIES, responsesHubConfig } from '../../support/responses-hub'

let http: HttpMock
let hub: TestHub
let client: OpenAI

beforeAll(async () => {
  http = serveMock()
  hub = await startHub({ config: responsesHubConfig(http.url) })
  const { key } = await hub.account({ balanceUsd: '5.00' })
  client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
})
afterAll(async () => {
  await hub.close()
  http.stop()
})

const WEATHER: FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city now',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
}

const REPORT = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    temperature_c: { type: 'number' },
    sunny: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['city', 'temperature_c', 'sunny', 'tags'],
  additionalProperties: false,
}

function expectUsage(response: OpenAIResponse) {
  const usage = response.usage!
  expect(usage.input_tokens).toBeGreaterThan(0)
  expect(usage.output_tokens).toBeGreaterThan(0)
  expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens)
  expect(usage.input_tokens_details.cached_tokens).toBeGreaterThanOrEqual(0)
  expect(usage.output_tokens_details.reasoning_tokens).toBeGreaterThanOrEqual(0)
}

/** What the request was charged, from its log row (a stream's bill is final only after its end). */
async function charged(requestId: string | null) {
  const row = await logRow(hub, requestId!)
  return row.cost_micros as number
}

for (const { model, family, relayed } of FAMILIES) {
  describe(`${model} (${family})`, () => {
    test('create: a Response with a message, usage in Responses shape, billed what the usage says', async () => {
      const { data, response } = await client.responses
        .create({ model, input: 'Hello there, how are you?', instructions: 'Answer briefly.' })
        .withResponse()
      expect(data.object).toBe('response')
      expect(data.id).toMatch(/^resp_/)
      expect(data.status).toBe('completed')
      expect(data.model).toBe(model)
      expect(data.output[0]!.type).toBe('message')
      expect(data.output_text.length).toBeGreaterThan(0)
      expectUsage(data)
      expect(Number(response.headers.get('x-token-hub-cost-usd')) * 1e6).toBeCloseTo(costOfUsage(data.usage!), 6)
      expect(await charged(response.headers.get('x-request-id'))).toBe(costOfUsage(data.usage!))
    })

    test('stream: the event sequence the SDK accumulates, numbered from 0, and the final usage billed', async () => {
      const stream = client.responses.stream({ model, input: 'Tell me something about ledgers.' })
      const events: Array<{ type: string; sequence_number: number }> = []
      for await (const event of stream) events.push(event)
      const final = await stream.finalResponse()
      const types = events.map((e) => e.type)
      expect(types.slice(0, 4)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
      ])
      expect(types.slice(-4)).toEqual([
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ])
      expect(types.filter((t) => t === 'response.output_text.delta').length).toBeGreaterThan(1)
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i))
      expect(final.status).toBe('completed')
      expect(final.model).toBe(model)
      expect(final.output_text.length).toBeGreaterThan(0)
      expectUsage(final)

      const { data, response } = await client.responses
        .create({ model, input: 'Tell me something about ledgers.', stream: true })
        .withResponse()
      let usage: OpenAIResponse['usage'] | undefined
      for await (const event of data) if (event.type === 'response.completed') usage = event.response.usage
      expect(usage).toEqual(final.usage!)
      expect(await charged(response.headers.get('x-request-id'))).toBe(costOfUsage(usage!))
    })

    test('function call round trip: call, then the output fed back answers in text', async () => {
      const question: ResponseInputItem = { role: 'user', content: 'What is the weather in Paris?' }
      const first = await client.responses.create({ model, input: [question], tools: [WEATHER] })
      const call = first.output.find((item) => item.type === 'function_call')
      if (call?.type !== 'function_call') throw new Error(`no function call in ${JSON.stringify(first.output)}`)
      expect(call.name).toBe('get_weather')
      expect(call.call_id.length).toBeGreaterThan(0)
      expect(call.id).toMatch(/^fc_/)
      expect(typeof JSON.parse(call.arguments)).toBe('object')
      expect(first.status).toBe('completed')
      const second = await client.responses.create({
        model,
        input: [
          question,
          ...(first.output as ResponseInputItem[]),
          { type: 'function_call_output', call_id: call.call_id, output: '{"temp_c":21}' },
        ],
        tools: [WEATHER],
      })
      expect(second.output.some((item) => item.type === 'function_call')).toBe(false)
      expect(second.output_text.length).toBeGreaterThan(0)
    })

    test('function call, streamed: argument deltas, then the call done with its arguments', async () => {
      const stream = client.responses.stream({ model, input: 'What is the weather in Tokyo?', tools: [WEATHER], tool_choice: 'required' })
      const types: string[] = []
      let deltas = ''
      let done: string | null = null
      for await (const event of stream) {
        types.push(event.type)
        if (event.type === 'response.function_call_arguments.delta') deltas += event.delta
        if (event.type === 'response.function_call_arguments.done') done = event.arguments
      }
      const final = await stream.finalResponse()
      const call = final.output.find((item) => item.type === 'function_call')
      if (call?.type !== 'function_call') throw new Error('no function call')
      expect(types).toContain('response.output_item.added')
      expect(deltas).toBe(call.arguments)
      expect(done!).toBe(call.arguments)
      expect(types.at(-1)).toBe('response.completed')
      expectUsage(final)
    })

    test('json_schema output: the text parses as the schema asked', async () => {
      const response = await client.responses.create({
        model,
        input: 'The weather in Paris, as a report.',
        text: { format: { type: 'json_schema', name: 'report', schema: REPORT, strict: true } },
      })
      const report = JSON.parse(response.output_text) as Record<string, unknown>
      expect(Object.keys(report).sort()).toEqual(['city', 'sunny', 'tags', 'temperature_c'])
      expect(typeof report.city).toBe('string')
      expect(typeof report.temperature_c).toBe('number')
      expect(typeof report.sunny).toBe('boolean')
      expect(Array.isArray(report.tags)).toBe(true)
    })

    test('hosted tools never fail a request: relayed upstreams get them, others leave them out and the log row says so', async () => {
      const { data, response } = await client.responses
        .create({ model, input: 'Search the news, then tell me.', tools: [{ type: 'web_search' }], store: true, metadata: { team: 'a' } })
        .withResponse()
      expect(data.status).toBe('completed')
      const row = await logRow(hub, response.headers.get('x-request-id')!)
      if (relayed) {
        expect(http.mock.stats.lastBody!.tools).toEqual([{ type: 'web_search' }])
        expect(row.notes).toBeNull()
      } else {
        expect(row.notes as string[]).toEqual([expect.stringContaining('tools[0] (web_search)')])
        // Nothing is stored: the Response says so.
        expect((data as unknown as { store: boolean }).store).toBe(false)
      }
    })

    test(
      relayed ? 'previous_response_id reaches the upstream' : 'previous_response_id is a 400 naming it: send the full input',
      async () => {
        const request = client.responses.create({ model, input: 'And then?', previous_response_id: 'resp_earlier' })
        if (relayed) {
          expect((await request).status).toBe('completed')
          expect(http.mock.stats.lastBody!.previous_response_id).toBe('resp_earlier')
          return
        }
        const error = (await request.catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>
        expect(error).toBeInstanceOf(OpenAI.BadRequestError)
        expect(error.status).toBe(400)
        expect(error.code).toBe('invalid_body')
        expect(error.param).toBe('previous_response_id')
        expect(error.message).toContain('send the full input')
      },
    )
  })
}
