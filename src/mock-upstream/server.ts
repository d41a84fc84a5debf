// The mock upstream as a fetch handler: served over HTTP by `token-hub mock-upstream`, or in-process.
import { faultOf, type FaultMode } from './faults'
import { openAIChat, openAIEmbeddings, openAIErrorResponse, openAIModels } from './openai'
import { never } from './respond'

export interface MockStats {
  /** Requests answered on model routes (chat, messages, embeddings), faults included. */
  calls: number
  /** The Authorization (or x-api-key / x-goog-api-key) header of the last call. */
  lastAuthorization: string | null
  /** The model of the last call. */
  lastModel: string | null
  /** The body of the last call, for tests that check what reached the upstream. */
  lastBody: Record<string, unknown> | null
}

export interface MockUpstream {
  fetch(request: Request): Promise<Response>
  readonly stats: MockStats
  resetStats(): void
}

type WireHandler = (body: Record<string, unknown>, fault: FaultMode, signal: AbortSignal) => Promise<Response>

interface Route {
  match: (method: string, path: string) => string | null
  format: 'openai'
  handle: WireHandler
}

const exact = (m: string, p: string) => (method: string, path: string) => (method === m && path === p ? p : null)

const ROUTES: Route[] = [
  { match: exact('POST', '/v1/chat/completions'), format: 'openai', handle: openAIChat },
  { match: exact('POST', '/v1/embeddings'), format: 'openai', handle: openAIEmbeddings },
]

/**
 * A deterministic provider speaking the OpenAI wire format (same request → same answer and usage),
 * with fault modes chosen per request (see faults.ts).
 *
 * @example
 * const mock = createMockUpstream()
 * Bun.serve({ port: 9000, fetch: (req) => mock.fetch(req) })
 */
export function createMockUpstream(options: { models?: string[] } = {}): MockUpstream {
  const stats: MockStats = { calls: 0, lastAuthorization: null, lastModel: null, lastBody: null }
  const models = options.models ?? ['mock-gpt', 'mock-claude', 'mock-embedding']
  return {
    stats,
    resetStats() {
      Object.assign(stats, { calls: 0, lastAuthorization: null, lastModel: null, lastBody: null })
    },
    async fetch(request) {
      const url = new URL(request.url)
      if (request.method === 'GET' && url.pathname === '/__mock/stats') return Response.json(stats)
      if (request.method === 'GET' && url.pathname === '/v1/models') return openAIModels(models)
      for (const route of ROUTES) {
        if (route.match(request.method, url.pathname) === null) continue
        let body: Record<string, unknown>
        try {
          body = (await request.json()) as Record<string, unknown>
        } catch {
          return Response.json({ error: { message: 'mock: body is not JSON', type: 'invalid_request_error' } }, { status: 400 })
        }
        const model = String(body.model ?? '')
        stats.calls++
        stats.lastModel = model
        stats.lastBody = body
        stats.lastAuthorization =
          request.headers.get('authorization') ?? request.headers.get('x-api-key') ?? request.headers.get('x-goog-api-key')
        const fault = faultOf(request.headers, body, model)
        if (fault.kind === 'status') return openAIErrorResponse(fault.status)
        if (fault.kind === 'timeout') return never(request.signal)
        return route.handle(body, fault, request.signal)
      }
      return Response.json({ error: { message: `mock: no route ${request.method} ${url.pathname}`, type: 'not_found' } }, { status: 404 })
    },
  }
}
