// The OpenAI-compatible provider: OpenAI itself and every vendor speaking its wire format.
import type { ProviderType } from '../../config/schema'
import { postJson, readJson, type FetchLike } from '../http'
import { readSse } from '../sse-reader'
import type { ChatRequest, Provider } from '../types'
import { toOpenAIChatBody, toOpenAIEmbeddingBody } from './request'
import { fromOpenAIChatCompletion, fromOpenAIEmbeddings } from './response'
import { completionsRelay } from './completions'
import { responsesRelay } from './responses'
import { openAIFrames } from './stream'

export interface OpenAICompatibleOptions {
  name: string
  type?: ProviderType
  /** e.g. `https://api.openai.com/v1`; paths such as `/chat/completions` are appended. */
  baseUrl: string
  apiKey?: string
  /** Extra headers a vendor needs (organisation, project, …). */
  headers?: Record<string, string>
  /**
   * The upstream serves `/responses`: requests in the Responses format are relayed to it as they
   * came. (Legacy Completions are always relayed to `/completions`.)
   */
  responsesApi?: boolean
  fetch?: FetchLike
}

/**
 * One adapter for every OpenAI-compatible vendor, configured by base URL and headers. The
 * upstream key is the configured one; the client's key never leaves token-hub.
 *
 * @example
 * const deepseek = createOpenAICompatibleProvider({ name: 'deepseek', baseUrl: 'https://api.deepseek.com/v1', apiKey })
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleOptions): Provider {
  const { name } = options
  const base = options.baseUrl.replace(/\/+$/, '')
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init))
  const headers: Record<string, string> = { ...options.headers }
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`
  const responses = options.responsesApi ? responsesRelay({ name, url: `${base}/responses`, headers, fetch: fetchImpl }) : null
  // Legacy Completions are OpenAI's own format: every OpenAI-compatible server (vLLM, Ollama, DeepSeek…) serves them.
  const completions = completionsRelay({ name, url: `${base}/completions`, headers, fetch: fetchImpl })
  // What arrived in the Responses or Completions format goes to its own route; everything else is Chat Completions.
  const relayed = (request: ChatRequest) =>
    request.source.format === 'completions' ? completions : responses && request.source.format === 'responses' ? responses : null

  return {
    name,
    type: options.type ?? 'openai',
    format: 'openai',
    relays: responses ? (['completions', 'responses'] as const) : (['completions'] as const),
    async chat(request, context) {
      const relay = relayed(request)
      if (relay) return relay.chat(request, context)
      const body = JSON.stringify({ ...toOpenAIChatBody(request, context.upstreamModel), stream: false })
      const response = await postJson(fetchImpl, name, `${base}/chat/completions`, headers, body, context.signal)
      return fromOpenAIChatCompletion(name, await readJson(name, response, context))
    },
    async chatStream(request, context) {
      const relay = relayed(request)
      if (relay) return relay.chatStream(request, context)
      const body = JSON.stringify({ ...toOpenAIChatBody(request, context.upstreamModel), stream: true })
      const response = await postJson(fetchImpl, name, `${base}/chat/completions`, headers, body, context.signal)
      return openAIFrames(name, readSse(name, response.body!, context))
    },
    async embed(request, context) {
      const body = JSON.stringify(toOpenAIEmbeddingBody(request, context.upstreamModel))
      const response = await postJson(fetchImpl, name, `${base}/embeddings`, headers, body, context.signal)
      return fromOpenAIEmbeddings(name, await readJson(name, response, context))
    },
  }
}
