// What reaches the upstream on /v1/responses, and what comes back: relayed as it came, or translated field by field.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { logRow, post, startHub, type TestHub } from '../../helpers'
import { serveMock, UPSTREAM_KEYS, type HttpMock } from '../../support/mock-http'
import { responsesHubConfig } from '../../support/responses-hub'

let http: HttpMock
let hub: TestHub
let key: string

beforeAll(async () => {
  http = serveMock()
  hub = await startHub({ config: responsesHubConfig(http.url) })
  key = (await hub.account({ balanceUsd: '5.00' })).key
})
afterAll(async () => {
  await hub.close()
  http.stop()
})

/** A body with fields token-hub does not model (and one no API has yet): a relay must not lose any of them. */
const RICH = {
  model: 'responses-chat',
  input: [
    { role: 'developer', content: 'Be terse.' },
    { role: 'user', content: [{ type: 'input_text', text: 'Hello there' }] },
  ],
  include: ['reasoning.encrypted_content'],
  metadata: { team: 'blue' },
  reasoning: { effort: 'low', summary: 'auto' },
  store: false,
  truncation: 'auto',
  service_tier: 'flex',
  prompt_cache_key: 'pck-1',
  text: { verbosity: 'low' },
  tools: [{ type: 'web_search' }, { type: 'file_search', vector_store_ids: ['vs_1'] }],
  future_field: { nested: [1, 2, 3] },
}

function events(text: string): EventSourceMessage[] {
  const out: EventSourceMessage[] = []
  const parser = createParser({ onEvent: (event) => out.push(event) })
  parser.feed(text)
  return out
}

/** The mock's own answer to a body, as a Responses upstream sends it. */
const upstreamAnswer = (body: unknown) =>
  http.mock.fetch(new Request(`${http.url}/v1/responses`, { method: 'POST', body: JSON.stringify(body) })).then((r) => r.text())

describe('relayed to an upstream serving the Responses API', () => {
  test('the body goes up as it came: only the model id and the held output ceiling change', async () => {
    const response = await post(hub, '/v1/responses', key, RICH)
    expect(response.status).toBe(200)
    const sent = http.mock.stats.lastBody!
    expect(sent).toEqual({ ...RICH, model: 'mock-responses', max_output_tokens: 4096 })
    expect(http.mock.stats.lastPath).toBe('/v1/responses')
    expect(http.mock.stats.lastAuthorization).toBe(`Bearer ${UPSTREAM_KEYS.openai}`)

    // The answer is the upstream's own object, the client's model id in it.
    const relayed = (await response.json()) as Record<string, unknown>
    const own = JSON.parse(await upstreamAnswer(sent)) as Record<string, unknown>
    expect(relayed).toEqual({ ...own, model: 'responses-chat' })
  })

  test("the client's own output ceiling is kept", async () => {
    await post(hub, '/v1/responses', key, { model: 'responses-chat', input: 'hi', max_output_tokens: 77 })
    expect(http.mock.stats.lastBody!.max_output_tokens).toBe(77)
  })

  test('the stream comes back event for event, the model id rewritten in the events that carry the Response', async () => {
    const response = await post(hub, '/v1/responses', key, { ...RICH, stream: true })
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const relayed = events(await response.text())
    const own = events(await upstreamAnswer(http.mock.stats.lastBody))
    expect(relayed.map((e) => e.event)).toEqual(own.map((e) => e.event))
    relayed.forEach((event, i) => {
      const theirs = own[i]!
      const data = JSON.parse(theirs.data) as { response?: { model: string } }
      if (data.response) {
        data.response.model = 'responses-chat'
        expect(JSON.parse(event.data)).toEqual(data)
      } else expect(event.data).toBe(theirs.data)
    })
    const row = await logRow(hub, response.headers.get('x-request-id')!)
    const usage = (JSON.parse(relayed.at(-1)!.data) as { response: { usage: { input_tokens: number; output_tokens: number } } }).response
      .usage
    expect(row.prompt_tokens).toBe(usage.input_tokens)
    expect(row.completion_tokens).toBe(usage.output_tokens)
    expect(row.cost_micros).toBe(usage.input_tokens + 2 * usage.output_tokens)
  })
})

describe('translated for a model without the Responses API', () => {
  test('Anthropic gets instructions as system, function tools, tool history, structured output and thinking; hosted tools and state stay behind', async () => {
    const body = {
      model: 'anthropic-chat',
      instructions: 'You are a weather bot.',
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '{"temp_c":21}' },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAA-opaque' },
      ],
      tools: [
        { type: 'web_search' },
        { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
      ],
      text: { format: { type: 'json_schema', name: 'report', schema: { type: 'object', properties: { temp_c: { type: 'number' } } } } },
      reasoning: { effort: 'low' },
      store: true,
      metadata: { team: 'blue' },
      max_output_tokens: 3000,
      temperature: 0.5,
      user: 'end-user-7',
    }
    const response = await post(hub, '/v1/responses', key, body)
    expect(response.status).toBe(200)
    expect(http.mock.stats.lastPath).toBe('/v1/messages')
    expect(http.mock.stats.lastBody).toEqual({
      model: 'mock-anthropic',
      system: 'You are a weather bot.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '{"temp_c":21}' }] },
      ],
      max_tokens: 3000,
      stream: false,
      temperature: 0.5,
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      metadata: { user_id: 'end-user-7' },
      output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { temp_c: { type: 'number' } } } } },
      // No `thinking`: the input ends in a tool loop whose calling turn has no signed Claude thinking
      // block (the reasoning item was OpenAI's), and Claude refuses thinking there.
    })
    const answer = (await response.json()) as { store: boolean; metadata: unknown; reasoning: unknown; max_output_tokens: number }
    // The Response echoes what the client asked, and says that nothing was stored.
    expect(answer).toMatchObject({ store: false, metadata: { team: 'blue' }, reasoning: { effort: 'low' }, max_output_tokens: 3000 })
    // Outside a tool loop the effort becomes a thinking budget.
    const fresh = await post(hub, '/v1/responses', key, { ...body, input: 'Weather in Paris?' })
    expect(fresh.status).toBe(200)
    expect((http.mock.stats.lastBody as { thinking?: unknown }).thinking).toEqual({ type: 'enabled', budget_tokens: 2048 })
  })

  test('Chat Completions gets messages, response_format and reasoning_effort; namespaced and custom tools are functions', async () => {
    const body = {
      model: 'openai-chat',
      input: 'Look it up',
      tools: [
        {
          type: 'namespace',
          name: 'crm',
          description: 'CRM',
          tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }],
        },
        { type: 'custom', name: 'sql', description: 'Runs SQL' },
      ],
      tool_choice: { type: 'function', name: 'lookup' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_object' } },
      reasoning: { effort: 'high' },
    }
    const response = await post(hub, '/v1/responses', key, body)
    expect(response.status).toBe(200)
    const sent = http.mock.stats.lastBody!
    expect(sent).toMatchObject({
      model: 'mock-openai',
      messages: [{ role: 'user', content: 'Look it up' }],
      tool_choice: { type: 'function', function: { name: 'crm__lookup' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_object' },
      reasoning_effort: 'high',
      max_tokens: 4096,
    })
    expect((sent.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(['crm__lookup', 'sql'])
    // The call comes back under the client's own names: the namespace apart.
    const answer = (await response.json()) as { output: Array<{ type: string; name: string; namespace?: string }> }
    // The mock reasons when asked (as DeepSeek-style models do): its reasoning_content is a reasoning item first, as OpenAI's own are.
    expect(answer.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text' }] })
    expect(answer.output[1]).toMatchObject({ type: 'function_call', name: 'lookup', namespace: 'crm' })
  })

  test('a custom tool call comes back as custom_tool_call with its free text', async () => {
    const response = await post(hub, '/v1/responses', key, {
      model: 'anthropic-chat',
      input: 'select everything',
      tools: [{ type: 'custom', name: 'sql' }],
    })
    const answer = (await response.json()) as { output: Array<Record<string, unknown>> }
    expect(answer.output[0]).toMatchObject({ type: 'custom_tool_call', name: 'sql', status: 'completed' })
    expect(typeof answer.output[0]!.input).toBe('string')
  })

  test('fields only the Responses API itself can serve are a 400 naming them', async () => {
    for (const [field, value] of [
      ['conversation', 'conv_1'],
      ['prompt', { id: 'pmpt_1' }],
      ['background', true],
    ] as const) {
      const response = await post(hub, '/v1/responses', key, { model: 'gemini-chat', input: 'hi', [field]: value })
      expect(response.status).toBe(400)
      const { error } = (await response.json()) as { error: { code: string; param: string } }
      expect(error).toMatchObject({ code: 'invalid_body', param: field })
    }
    const files = await post(hub, '/v1/responses', key, {
      model: 'anthropic-chat',
      input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }],
    })
    expect(files.status).toBe(400)
    expect(((await files.json()) as { error: { param: string } }).error.param).toBe('input[0].content[0].type')
  })
})

describe('the in-process mock as a Responses upstream', () => {
  test('a mock provider with responses_api relays to the mock’s own /v1/responses', async () => {
    const local = await startHub({ config: { providers: { mock: { type: 'mock', responses_api: true } } } })
    try {
      const { key: localKey } = await local.account()
      const response = await post(local, '/v1/responses', localKey, { model: 'gpt-4o-mini', input: 'hi', stream: true })
      expect(await response.text()).toContain('event: response.completed')
      expect(local.mock.stats.lastPath).toBe('/v1/responses')
      expect(local.mock.stats.lastBody).toEqual({ model: 'gpt-4o-mini', input: 'hi', stream: true, max_output_tokens: 16384 })
    } finally {
      await local.close()
    }
  })
})
