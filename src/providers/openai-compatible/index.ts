// The OpenAI-compatible provider: OpenAI itself and every vendor speaking its wire format.
import type { ProviderType } from '../../config/schema'
import { postJson, readJson, type FetchLike } from '../http'
import { readSse } from '../sse-reader'
import type { Provider } from '../types'
import { toOpenAIChatBody, toOpenAIEmbeddingBody } from './request'
import { fromOpenAIChatCompletion, fromOpenAIEmbeddings } from './response'
import { openAIFrames } from './stream'

export interface OpenAICompatibleOptions {
  name: string
  type?: ProviderType
  /** e.g. `https://api.openai.com/v1`; paths such as `/chat/completions` are appended. */
  baseUrl: string
  apiKey?: string
  /** Extra headers a vendor needs (organisation, project, …). */
  headers?: Record<string, string>
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

  return {
    name,
    type: options.type ?? 'openai',
    format: 'openai',
    async chat(request, context) {
      const body = JSON.stringify({ ...toOpenAIChatBody(request, context.upstreamModel), stream: false })
      const response = await postJson(fetchImpl, name, `${base}/chat/completions`, headers, body, context.signal)
      return fromOpenAIChatCompletion(name, await readJson(name, response, context))
    },
    async chatStream(request, context) {
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
