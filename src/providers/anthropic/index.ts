// The Anthropic provider: Claude through the native Messages API, streamed and not.
import { GatewayError } from '../../errors'
import { postJson, readJson, type FetchLike } from '../http'
import { readSse } from '../sse-reader'
import type { CallContext, ChatRequest, Provider } from '../types'
import { toAnthropicBodyText } from './request'
import { fromAnthropicMessage } from './response'
import { anthropicFrames } from './stream'

export interface AnthropicOptions {
  name: string
  /** e.g. `https://api.anthropic.com` (a trailing `/v1` is accepted too). */
  baseUrl: string
  apiKey?: string
  headers?: Record<string, string>
  fetch?: FetchLike
}

/** The API version sent when the client did not name one. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01'

/**
 * Speaks Anthropic's Messages API with the configured key (`x-api-key`). The client's
 * `anthropic-version` and `anthropic-beta` headers are forwarded, so beta features a client
 * opts into reach the upstream.
 *
 * @example
 * const claude = createAnthropicProvider({ name: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey })
 */
export function createAnthropicProvider(options: AnthropicOptions): Provider {
  const { name } = options
  const base = options.baseUrl.replace(/\/+$/, '')
  const url = base.endsWith('/v1') ? `${base}/messages` : `${base}/v1/messages`
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init))

  const headersFor = (context: CallContext): Record<string, string> => {
    const headers: Record<string, string> = { 'anthropic-version': DEFAULT_ANTHROPIC_VERSION, ...options.headers }
    if (options.apiKey) headers['x-api-key'] = options.apiKey
    for (const header of ['anthropic-version', 'anthropic-beta']) {
      const value = context.clientHeaders.get(header)
      if (value) headers[header] = value
    }
    return headers
  }

  // A client of the same format reaches the same URL it asked for: Claude Code's `?beta=true` included.
  const urlFor = (request: ChatRequest, context: CallContext) =>
    request.source.format === 'anthropic' && context.clientQuery ? url + context.clientQuery : url

  return {
    name,
    type: 'anthropic',
    format: 'anthropic',
    async chat(request, context) {
      const body = toAnthropicBodyText(request, context.upstreamModel, false)
      const response = await postJson(fetchImpl, name, urlFor(request, context), headersFor(context), body, context.signal)
      return fromAnthropicMessage(name, await readJson(name, response, context))
    },
    async chatStream(request, context) {
      const body = toAnthropicBodyText(request, context.upstreamModel, true)
      const response = await postJson(fetchImpl, name, urlFor(request, context), headersFor(context), body, context.signal)
      return anthropicFrames(name, readSse(name, response.body!, context))
    },
    async embed() {
      throw new GatewayError('invalid_body', `Provider '${name}' speaks Anthropic's Messages API, which has no embeddings.`, {
        param: 'model',
      })
    },
  }
}
