// Codex's remote compaction on /v1/responses: a trailing compaction_trigger answered with one compaction item, for every model family.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { COMPACTION_PROMPT, COMPACTION_SUMMARY_HEADING, compactionSummary } from '../../../src/formats/responses/compaction'
import { logRow, post, startHub, type TestHub } from '../../helpers'
import { serveMock, type HttpMock } from '../../support/mock-http'
import { FAMILIES, responsesHubConfig } from '../../support/responses-hub'

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

const TOOLS = [{ type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } }]

/** A conversation that ran a tool, then the trigger Codex appends when the context is full. */
const compacting = (model: string, stream: boolean) => ({
  model,
  stream,
  store: false,
  tools: TOOLS,
  input: [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files.' }] },
    { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'notes.txt' },
    { type: 'compaction_trigger' },
  ],
})

type Item = { type: string; id?: string; encrypted_content?: string }

/** The output items of a streamed Response, from the events that finish them, and the final Response's. */
function streamed(text: string): { done: Item[]; final: Item[]; types: string[] } {
  const events = text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { type: string; item?: Item; response?: { output: Item[] } })
  const last = events.at(-1)!
  return {
    done: events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item!),
    final: last.response?.output ?? [],
    types: events.map((e) => e.type),
  }
}

describe('remote compaction (compaction_trigger)', () => {
  for (const { model, family, relayed } of FAMILIES) {
    test(`${family}: one compaction item, streamed and not`, async () => {
      const plain = await post(hub, '/v1/responses', key, compacting(model, false))
      expect(plain.status).toBe(200)
      const output = ((await plain.json()) as { output: Item[] }).output
      expect(output).toHaveLength(1)
      const encrypted = output[0]!.encrypted_content
      expect(output[0]!.type).toBe('compaction')
      expect(typeof encrypted).toBe('string')

      const stream = await post(hub, '/v1/responses', key, compacting(model, true))
      expect(stream.status).toBe(200)
      const events = streamed(await stream.text())
      expect(events.done.map((i) => i.type)).toEqual(['compaction'])
      expect(events.final.map((i) => i.type)).toEqual(['compaction'])
      expect(events.types).not.toContain('response.output_text.delta')
      expect(events.types.at(-1)).toBe('response.completed')
      if (!relayed) {
        // Translated: the model was asked for a summary with no tool to call, and the item carries it.
        const stats = model === 'mock-chat' ? hub.mock.stats : http.mock.stats
        expect(JSON.stringify(stats.lastBody)).toContain(COMPACTION_PROMPT)
        expect(typeof compactionSummary(encrypted)).toBe('string')
      }
    })
  }

  for (const { model, family } of FAMILIES) {
    test(`POST /v1/responses/compact, ${family}: the user messages and one compaction item, billed and logged`, async () => {
      const { stream: _, ...body } = compacting(model, false)
      body.input = body.input.slice(0, -1)
      const response = await post(hub, '/v1/responses/compact', key, body)
      expect(response.status).toBe(200)
      const answer = (await response.json()) as { object: string; output: Item[]; usage: { input_tokens: number } }
      expect(answer.object).toBe('response.compaction')
      expect(answer.output.map((i) => i.type)).toEqual(['message', 'compaction'])
      expect(answer.output[0]).toEqual(body.input[0] as never)
      expect(answer.usage.input_tokens).toBeGreaterThan(0)
      const row = await logRow(hub, response.headers.get('x-request-id')!)
      expect(row).toMatchObject({ route: '/v1/responses/compact', model, status: 200 })
      expect(Number(row.cost_micros)).toBeGreaterThan(0)
    })
  }

  test('POST /v1/responses/compact refuses as /v1/responses does, in its error shape', async () => {
    const response = await post(hub, '/v1/responses/compact', key, { model: 'nope', input: 'hi' })
    expect(response.status).toBe(404)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('model_not_found')
  })

  test('translated: token-hub reads its own compaction item back as the summary; another backend’s is left out and noted', async () => {
    const model = 'anthropic-chat'
    const first = (await (await post(hub, '/v1/responses', key, compacting(model, false))).json()) as { output: Item[] }
    const summary = compactionSummary(first.output[0]!.encrypted_content)!
    const later = await post(hub, '/v1/responses', key, {
      model,
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files.' }] },
        first.output[0],
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Go on.' }] },
      ],
    })
    expect(later.status).toBe(200)
    expect(JSON.stringify(http.mock.stats.lastBody)).toContain(JSON.stringify(COMPACTION_SUMMARY_HEADING + summary).slice(1, -1))

    const foreign = await post(hub, '/v1/responses', key, {
      model,
      input: [
        { type: 'compaction', id: 'cmp_1', encrypted_content: 'gAAAAB-openai-encrypted' },
        { type: 'message', role: 'user', content: 'Go on.' },
      ],
    })
    expect(foreign.status).toBe(200)
    expect(JSON.stringify(http.mock.stats.lastBody)).not.toContain('gAAAAB')
    const row = await logRow(hub, foreign.headers.get('x-request-id')!)
    expect(String(row.notes)).toContain('input[0] (compaction)')
  })
})
