// The mock upstream as a fetch handler: served over HTTP by `token-hub mock-upstream`, or in-process.
import { tooDeepPath } from '../formats/json-depth'
import type { WireFormat } from '../providers/types'
import { anthropicErrorResponse, anthropicMessages } from './anthropic'
import { faultOf, type FaultMode } from './faults'
import { geminiEmbed, geminiErrorResponse, geminiGenerate } from './gemini'
import { openAIChat, openAIEmbeddings, openAIErrorResponse, openAIModels } from './openai'
import { never } from './respond'
import { openAICompletions } from './completions'
import { openAIResponses } from './responses'

export interface MockStats {
  /** Requests answered on model routes (chat, completions, responses, messages, embeddings), faults included. */
  calls: number
  /** The Authorization (or x-api-key / x-goog-api-key) header of the last call. */
  lastAuthorization: string | null
  /** The model of the last call (from the body, or the path for Gemini). */
  lastModel: string | null
  /** The body of the last call, for tests that check what reached the upstream. */
  lastBody: Record<string, unknown> | null
  /** The request headers of the last call (lower-case names). */
  lastHeaders: Record<string, string> | null
  /** The path of the last call. */
  lastPath: string | null
}

export interface MockUpstream {
  fetch(request: Request): Promise<Response>
  readonly stats: MockStats
  resetStats(): void
}

type WireHandler = (body: Record<string, unknown>, fault: FaultMode, signal: AbortSignal, model: string) => Promise<Response>

interface Route {
  /** null when the route does not match; else the model named in the path, if any. */
  match: (method: string, path: string) => { model?: string } | null
  format: WireFormat
  handle: WireHandler
}

const exact = (m: string, p: string) => (method: string, path: string) => (method === m && path === p ? {} : null)

/** `POST /v1beta/models/{model}:{method}` — Gemini names the model in the path. */
const gemini = (name: string) => (method: string, path: string) => {
  const match = /^\/v1beta\/models\/([^/:]+):([A-Za-z]+)$/.exec(path)
  return method === 'POST' && match?.[2] === name ? { model: decodeURIComponent(match[1]!) } : null
}

const ROUTES: Route[] = [
  { match: exact('POST', '/v1/chat/completions'), format: 'openai', handle: openAIChat },
  { match: exact('POST', '/v1/embeddings'), format: 'openai', handle: openAIEmbeddings },
  { match: exact('POST', '/v1/responses'), format: 'responses', handle: openAIResponses },
  { match: exact('POST', '/v1/completions'), format: 'completions', handle: openAICompletions },
  { match: exact('POST', '/v1/messages'), format: 'anthropic', handle: anthropicMessages },
  { match: gemini('generateContent'), format: 'gemini', handle: (b, f, s, m) => geminiGenerate(b, f, s, m, false) },
  { match: gemini('streamGenerateContent'), format: 'gemini', handle: (b, f, s, m) => geminiGenerate(b, f, s, m, true) },
  { match: gemini('embedContent'), format: 'gemini', handle: (b, f, s) => geminiEmbed(b, f, s, false) },
  { match: gemini('batchEmbedContents'), format: 'gemini', handle: (b, f, s) => geminiEmbed(b, f, s, true) },
]

/** Status faults answer in the error shape of the route's wire format. */
const ERROR_RESPONSES: Record<WireFormat, (status: number) => Response> = {
  openai: openAIErrorResponse,
  anthropic: anthropicErrorResponse,
  gemini: geminiErrorResponse,
  responses: openAIErrorResponse,
  completions: openAIErrorResponse,
}

const emptyStats = (): MockStats => ({
  calls: 0,
  lastAuthorization: null,
  lastModel: null,
  lastBody: null,
  lastHeaders: null,
  lastPath: null,
})

/**
 * A deterministic provider speaking the OpenAI (Chat Completions and Responses), Anthropic and Gemini wire formats (same request →
 * same answer and usage), with the same fault modes in each (see faults.ts).
 *
 * @example
 * const mock = createMockUpstream()
 * Bun.serve({ port: 9000, fetch: (req) => mock.fetch(req) })
 */
export function createMockUpstream(options: { models?: string[] } = {}): MockUpstream {
  const stats = emptyStats()
  const models = options.models ?? ['mock-gpt', 'mock-claude', 'mock-embedding']
  return {
    stats,
    resetStats() {
      Object.assign(stats, emptyStats())
    },
    async fetch(request) {
      const url = new URL(request.url)
      if (request.method === 'GET' && url.pathname === '/__mock/stats') return Response.json(stats)
      if (request.method === 'GET' && url.pathname === '/v1/models') return openAIModels(models)
      for (const route of ROUTES) {
        const matched = route.match(request.method, url.pathname)
        if (matched === null) continue
        let body: Record<string, unknown>
        try {
          const text = await request.text()
          // The handlers walk the body recursively: nesting beyond the gateway's own limit is refused first.
          if (tooDeepPath(text) !== null) return ERROR_RESPONSES[route.format](400)
          body = JSON.parse(text) as Record<string, unknown>
          if (typeof body !== 'object' || body === null || Array.isArray(body)) return ERROR_RESPONSES[route.format](400)
        } catch {
          return ERROR_RESPONSES[route.format](400)
        }
        const model = matched.model ?? String(body.model ?? '')
        stats.calls++
        stats.lastModel = model
        stats.lastBody = body
        stats.lastPath = url.pathname + url.search
        const headers: Record<string, string> = {}
        request.headers.forEach((value, key) => {
          headers[key] = value
        })
        stats.lastHeaders = headers
        stats.lastAuthorization =
          request.headers.get('authorization') ?? request.headers.get('x-api-key') ?? request.headers.get('x-goog-api-key')
        const fault = faultOf(request.headers, body, model)
        if (fault.kind === 'status') return ERROR_RESPONSES[route.format](fault.status)
        if (fault.kind === 'timeout') return never(request.signal)
        return route.handle(body, fault, request.signal, model)
      }
      return Response.json({ error: { message: `mock: no route ${request.method} ${url.pathname}`, type: 'not_found' } }, { status: 404 })
    },
  }
}
