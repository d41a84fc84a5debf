// The Gemini provider: generateContent, streamGenerateContent (SSE) and embeddings, natively.
import { tokenCount, unbelievableUsage } from '../usage'
import { estimateText } from '../../tokens/estimate'
import { postJson, readJson, type FetchLike } from '../http'
import { readSse } from '../sse-reader'
import { userParam } from '../untranslatable'
import type { Provider } from '../types'
import { geminiEmbedInputs, toGeminiBody, toGeminiEmbedBody } from './request'
import { fromGeminiEmbeddings, fromGeminiResponse } from './response'
import { geminiFrames } from './stream'

export interface GeminiOptions {
  name: string
  /** e.g. `https://generativelanguage.googleapis.com/v1beta`; `/models/{model}:method` is appended. */
  baseUrl: string
  apiKey?: string
  headers?: Record<string, string>
  fetch?: FetchLike
}

/** Float vectors as OpenAI's base64 encoding: little-endian float32. */
const toBase64 = (vector: number[]) => Buffer.from(new Float32Array(vector).buffer).toString('base64')

/**
 * Speaks the Gemini API with the configured key in `x-goog-api-key` (never in the URL, where it
 * would end up in access logs).
 *
 * @example
 * const google = createGeminiProvider({ name: 'google', baseUrl: 'https://generativelanguage.googleapis.com/v1beta', apiKey })
 */
export function createGeminiProvider(options: GeminiOptions): Provider {
  const { name } = options
  const base = options.baseUrl.replace(/\/+$/, '')
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init))
  const headers: Record<string, string> = { ...options.headers }
  if (options.apiKey) headers['x-goog-api-key'] = options.apiKey
  const url = (model: string, method: string) => `${base}/models/${model.replace(/^models\//, '')}:${method}`

  return {
    name,
    type: 'gemini',
    format: 'gemini',
    // Gemini has neither an end-user id nor a cache key (it caches implicitly).
    droppedHints: (request) => [...(request.user ? [userParam(request)] : []), ...(request.promptCacheKey ? ['prompt_cache_key'] : [])],
    async chat(request, context) {
      const body = JSON.stringify(toGeminiBody(request, context.upstreamModel))
      const response = await postJson(fetchImpl, name, url(context.upstreamModel, 'generateContent'), headers, body, context.signal)
      return fromGeminiResponse(name, await readJson(name, response, context))
    },
    async chatStream(request, context) {
      const body = JSON.stringify(toGeminiBody(request, context.upstreamModel))
      const target = `${url(context.upstreamModel, 'streamGenerateContent')}?alt=sse`
      const response = await postJson(fetchImpl, name, target, headers, body, context.signal)
      return geminiFrames(name, readSse(name, response.body!, context))
    },
    async embed(request, context) {
      const texts = geminiEmbedInputs(request)
      const method = texts.length === 1 ? 'embedContent' : 'batchEmbedContents'
      const body = JSON.stringify(toGeminiEmbedBody(texts, request, context.upstreamModel.replace(/^models\//, '')))
      const response = await postJson(fetchImpl, name, url(context.upstreamModel, method), headers, body, context.signal)
      const answer = await readJson(name, response, context)
      const vectors = fromGeminiEmbeddings(name, answer)
      const reported = (answer as { usageMetadata?: { promptTokenCount?: unknown } }).usageMetadata?.promptTokenCount
      const problems: string[] = []
      const counted = tokenCount(reported, 'usageMetadata.promptTokenCount', problems)
      // Gemini's embedding answers may not count tokens; the estimate (an upper bound) bills them then.
      const inputTokens = reported === undefined || reported === null ? texts.reduce((n, text) => n + estimateText(text).high, 0) : counted
      return {
        vectors: request.encodingFormat === 'base64' ? vectors.map(toBase64) : vectors,
        usage: problems.length > 0 ? unbelievableUsage(problems) : { inputTokens },
      }
    },
  }
}
