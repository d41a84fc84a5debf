// The Vercel AI SDK's default OpenAI provider (which speaks the Responses API) against the gateway, for every model family.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createOpenAI } from '@ai-sdk/openai'
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai'
import { z } from 'zod'
import { startHub, type TestHub } from '../../helpers'
import { serveMock, type HttpMock } from '../../support/mock-http'
import { FAMILIES, responsesHubConfig } from '../../support/responses-hub'

let http: HttpMock
let hub: TestHub
let openai: ReturnType<typeof createOpenAI>

beforeAll(async () => {
  http = serveMock()
  hub = await startHub({ config: responsesHubConfig(http.url) })
  const { key } = await hub.account({ balanceUsd: '5.00' })
  openai = createOpenAI({ baseURL: `${hub.url}/v1`, apiKey: key })
})
afterAll(async () => {
  await hub.close()
  http.stop()
})

/**
 * The routes of the log's rows so far. A row is pushed after its response was sent, so this polls
 * (as `logRow` does) until the first one is written.
 */
async function routes(): Promise<string[]> {
  for (let i = 0; i < 300; i++) {
    await hub.hub.log.flush()
    const { rows } = await hub.hub.store.requestLog.list({ limit: 500 })
    if (rows.length > 0) return rows.map((r) => r.route)
    await Bun.sleep(10)
  }
  return []
}

for (const { model, family } of FAMILIES) {
  describe(`${model} (${family}) with the AI SDK`, () => {
    test('generateText: text and usage, over /v1/responses', async () => {
      const result = await generateText({ model: openai(model), prompt: 'Say hello.', maxRetries: 0 })
      expect(result.text.length).toBeGreaterThan(0)
      expect(result.finishReason).toBe('stop')
      expect(result.usage.inputTokens).toBeGreaterThan(0)
      expect(result.usage.outputTokens).toBeGreaterThan(0)
      expect(new Set(await routes())).toEqual(new Set(['/v1/responses']))
    })

    test('streamText with a tool: the call, its execution, then the answer', async () => {
      const calls: Array<{ city: string }> = []
      const result = streamText({
        model: openai(model),
        prompt: 'What is the weather in Paris?',
        tools: {
          get_weather: tool({
            description: 'The weather in a city now',
            inputSchema: z.object({ query: z.string() }),
            execute: async (input) => {
              calls.push({ city: input.query })
              return { temp_c: 21 }
            },
          }),
        },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      })
      let text = ''
      for await (const delta of result.textStream) text += delta
      const steps = await result.steps
      expect(steps[0]!.toolCalls.map((c) => c.toolName)).toEqual(['get_weather'])
      expect(calls).toHaveLength(1)
      expect(steps.at(-1)!.finishReason).toBe('stop')
      expect(text.length).toBeGreaterThan(0)
      expect((await result.totalUsage).outputTokens).toBeGreaterThan(0)
    })

    test('generateObject: an object of the schema', async () => {
      const { object } = await generateObject({
        model: openai(model),
        schema: z.object({ city: z.string(), temperature_c: z.number(), sunny: z.boolean() }),
        prompt: 'The weather in Paris.',
        maxRetries: 0,
      })
      expect(typeof object.city).toBe('string')
      expect(typeof object.temperature_c).toBe('number')
      expect(typeof object.sunny).toBe('boolean')
    })
  })
}
