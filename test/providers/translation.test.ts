// The translation table as pure-function tests: client body → shared → upstream wire, and upstream answer → client body.
import { describe, expect, test } from 'bun:test'
import { GatewayError } from '../../src/errors'
import { encodeAnthropicMessage } from '../../src/formats/anthropic/response'
import { parseAnthropicMessages } from '../../src/formats/anthropic/request'
import { encodeOpenAIChat } from '../../src/formats/openai/response'
import { parseOpenAIChat } from '../../src/formats/openai/request'
import { toAnthropicBody } from '../../src/providers/anthropic/request'
import { fromAnthropicMessage } from '../../src/providers/anthropic/response'
import { toGeminiBody } from '../../src/providers/gemini/request'
import { fromGeminiResponse } from '../../src/providers/gemini/response'
import { toOpenAIChatBody } from '../../src/providers/openai-compatible/request'
import { fromOpenAIChatCompletion } from '../../src/providers/openai-compatible/response'
import { fromCompletion, toCompletionsBody } from '../../src/providers/openai-compatible/completions'
import { fromResponsesObject, toResponsesBody } from '../../src/providers/openai-compatible/responses'
import type { ChatRequest, ChatResponse, WireFormat } from '../../src/providers/types'
import type { ClientFormat } from '../../src/formats/types'
import { REQUEST_CASES, RESPONSE_CASES } from './translation'

/** The model default the gateway puts in when a client sets no output ceiling. */
const MODEL_MAX_OUTPUT = 4096

const PARSE = { openai: parseOpenAIChat, anthropic: parseAnthropicMessages }
const BUILD: Record<WireFormat, (request: ChatRequest, model: string) => Record<string, unknown>> = {
  openai: (request, model) => toOpenAIChatBody(request, model),
  anthropic: (request, model) => toAnthropicBody(request, model, request.stream),
  gemini: (request, model) => toGeminiBody(request, model),
  responses: (request, model) => toResponsesBody(request, model),
  completions: (request, model) => toCompletionsBody(request, model),
}
const READ: Record<WireFormat, (body: Record<string, unknown>) => ChatResponse> = {
  openai: (body) => fromOpenAIChatCompletion('up', body),
  anthropic: (body) => fromAnthropicMessage('up', body),
  gemini: (body) => fromGeminiResponse('up', body),
  responses: (body) => fromResponsesObject('up', body),
  completions: (body) => fromCompletion('up', body),
}
const ENCODE: Record<'openai' | 'anthropic', ClientFormat['encodeChat']> = { openai: encodeOpenAIChat, anthropic: encodeAnthropicMessage }

/** What a provider receives from the gateway: the parsed request with the model's default ceiling. */
function upstreamBody(client: 'openai' | 'anthropic', upstream: WireFormat, body: Record<string, unknown>, model: string) {
  const request = PARSE[client](structuredClone(body))
  return BUILD[upstream]({ ...request, maxTokens: request.maxTokens ?? MODEL_MAX_OUTPUT }, model)
}

function refusal(run: () => unknown): GatewayError {
  try {
    run()
  } catch (error) {
    if (error instanceof GatewayError) return error
    throw error
  }
  throw new Error('expected the request to be refused')
}

describe('translation table: requests', () => {
  test('covers every feature in both directions (≥ 40 cases)', () => {
    expect(REQUEST_CASES.length + RESPONSE_CASES.length).toBeGreaterThanOrEqual(40)
    const pairs = new Set(REQUEST_CASES.map((c) => `${c.client}→${c.upstream}`))
    for (const pair of ['openai→anthropic', 'anthropic→openai', 'openai→gemini', 'anthropic→gemini']) expect(pairs).toContain(pair)
    const answers = new Set(RESPONSE_CASES.map((c) => `${c.upstream}→${c.client}`))
    for (const pair of ['anthropic→openai', 'openai→anthropic', 'gemini→openai', 'gemini→anthropic']) expect(answers).toContain(pair)
  })

  for (const c of REQUEST_CASES) {
    test(c.name, () => {
      const run = () => upstreamBody(c.client, c.upstream, c.body, c.upstreamModel ?? 'up-model')
      if (c.refuse !== undefined) {
        const error = refusal(run)
        expect(error.status).toBe(400)
        expect(error.code).toBe('invalid_body')
        expect(error.param).toBe(c.refuse)
        expect(error.message).toContain(c.refuse)
        return
      }
      const wire = run()
      if (c.wire) expect(wire).toMatchObject(c.wire)
      c.check?.(wire)
    })
  }
})

describe('translation table: answers', () => {
  for (const c of RESPONSE_CASES) {
    test(c.name, () => {
      const options = {
        request: PARSE[c.client]({ model: 'client-model', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] }),
        requestId: 'req_x',
      }
      const run = () =>
        JSON.parse(ENCODE[c.client](READ[c.upstream](structuredClone(c.answer)), 'client-model', options)) as Record<string, unknown>
      if (c.fails) {
        expect(refusal(run).code).toBe(c.fails as GatewayError['code'])
        return
      }
      const body = run()
      expect(body.model).toBe('client-model')
      expect(body).toMatchObject(c.expected!)
    })
  }
})
