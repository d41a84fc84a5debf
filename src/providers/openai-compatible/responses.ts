// Relaying Responses API requests to an upstream that serves /v1/responses: body and answer as they came, usage read for billing.
import type { EventSourceMessage } from 'eventsource-parser'
import { GatewayError } from '../../errors'
import { postJson, readJson, type FetchLike } from '../http'
import { readSse } from '../sse-reader'
import { frameBatches, type StreamTranslator } from '../stream-batches'
import type { CallContext, ChatChunk, ChatRequest, ChatResponse, ContentPart, FinishReason, FrameBatch, Usage } from '../types'
import { classedUsage, tokenCount } from '../usage'
import type { ResponsesObject, ResponsesOutputItem, ResponsesStreamEvent, ResponsesUsage } from './responses-wire'

/**
 * The body sent upstream: the client's, with the upstream's model id and the output ceiling the
 * gateway held money for (the model's max_output_tokens when the client set none).
 */
export function toResponsesBody(request: ChatRequest, upstreamModel: string): Record<string, unknown> {
  const body: Record<string, unknown> = { ...request.source.body, model: upstreamModel }
  if (request.maxTokens !== null && body.max_output_tokens == null) body.max_output_tokens = request.maxTokens
  return body
}

/**
 * `input_tokens` INCLUDES `input_tokens_details.cached_tokens` (reads) and `cache_write_tokens`
 * (writes), as the shared count does; `output_tokens` includes `output_tokens_details.reasoning_tokens`.
 */
export function fromResponsesUsage(usage: ResponsesUsage | null | undefined): Usage | null {
  if (!usage || usage.input_tokens === undefined || usage.input_tokens === null) return null
  const problems: string[] = []
  const input = tokenCount(usage.input_tokens, 'input_tokens', problems)
  const output = tokenCount(usage.output_tokens, 'output_tokens', problems)
  const cached = tokenCount(usage.input_tokens_details?.cached_tokens, 'input_tokens_details.cached_tokens', problems)
  const written = tokenCount(usage.input_tokens_details?.cache_write_tokens, 'input_tokens_details.cache_write_tokens', problems)
  const reasoning = tokenCount(usage.output_tokens_details?.reasoning_tokens, 'output_tokens_details.reasoning_tokens', problems)
  return classedUsage({ input, cacheRead: cached, cacheWrite: written, cacheWrite1h: 0, output, reasoning }, problems, {
    input: 'input_tokens',
    output: 'output_tokens',
  })
}

const callName = (item: { name: string; namespace?: string }) => (item.namespace ? `${item.namespace}__${item.name}` : item.name)

/** What a Response said, for billing and the log (the client gets the object itself). */
function outputContent(output: ResponsesObject['output']): ContentPart[] {
  const content: ContentPart[] = []
  for (const item of output as ResponsesOutputItem[]) {
    if (item.type === 'message') {
      for (const part of item.content) if (part.type === 'output_text') content.push({ type: 'text', text: part.text })
    } else if (item.type === 'function_call') {
      content.push({ type: 'tool_call', id: item.call_id, name: callName(item), arguments: item.arguments })
    } else if (item.type === 'custom_tool_call') {
      content.push({ type: 'tool_call', id: item.call_id, name: callName(item), arguments: item.input })
    }
  }
  return content
}

function finishOf(response: ResponsesObject, calledTools: boolean): FinishReason | null {
  if (response.status === 'incomplete') return response.incomplete_details?.reason === 'content_filter' ? 'content_filter' : 'length'
  if (response.status !== 'completed') return null
  return calledTools ? 'tool_calls' : 'stop'
}

export function fromResponsesObject(provider: string, body: Record<string, unknown>): ChatResponse {
  const response = body as unknown as ResponsesObject
  if (!Array.isArray(response.output)) {
    throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent a response without output.`)
  }
  const content = outputContent(response.output)
  return {
    id: String(response.id),
    model: String(response.model),
    created: typeof response.created_at === 'number' ? response.created_at : Math.floor(Date.now() / 1000),
    content,
    finishReason: finishOf(
      response,
      content.some((p) => p.type === 'tool_call'),
    ),
    usage: fromResponsesUsage(response.usage),
    raw: { format: 'responses', body },
  }
}

const malformed = (provider: string) => new GatewayError('upstream_error', `Upstream provider '${provider}' sent a malformed stream event.`)

/**
 * Reads a Responses event stream, ending at `response.completed` or `response.incomplete`. Every
 * event is kept raw for the client; the chunks only say what to bill. A `response.failed` or
 * `error` event is relayed too, and the stream then ends as an upstream failure.
 */
export function responsesTranslator(provider: string): StreamTranslator {
  const calls = new Map<string, number>()
  let failure: GatewayError | null = null
  let created = false
  const translator: StreamTranslator = {
    done: false,
    event(message) {
      let event: ResponsesStreamEvent
      try {
        event = JSON.parse(message.data) as ResponsesStreamEvent
      } catch {
        throw malformed(provider)
      }
      if (typeof event !== 'object' || event === null) throw malformed(provider)
      const chunks: ChatChunk[] = []
      const type = event.type ?? message.event
      switch (type) {
        case 'response.created':
          created = true
          if (event.response) chunks.push({ type: 'start', id: String(event.response.id), model: String(event.response.model) })
          break
        case 'response.output_item.added': {
          const item = event.item as ResponsesOutputItem | undefined
          if (item && (item.type === 'function_call' || item.type === 'custom_tool_call')) {
            calls.set(item.id, calls.size)
            chunks.push({ type: 'tool_call_start', index: calls.size - 1, id: item.call_id, name: callName(item) })
          }
          break
        }
        case 'response.function_call_arguments.delta':
        case 'response.custom_tool_call_input.delta': {
          const index = calls.get(event.item_id ?? '')
          if (index !== undefined && event.delta) chunks.push({ type: 'tool_call_delta', index, arguments: event.delta })
          break
        }
        case 'response.output_text.delta':
          if (event.delta) chunks.push({ type: 'text', text: event.delta })
          break
        case 'response.completed':
        case 'response.incomplete': {
          translator.done = true
          const response = event.response
          if (!response) break
          const finish = finishOf(response, calls.size > 0)
          if (finish) chunks.push({ type: 'finish', reason: finish })
          const usage = fromResponsesUsage(response.usage)
          if (usage) chunks.push({ type: 'usage', usage })
          break
        }
        case 'response.failed':
        case 'error': {
          const reason = event.response?.error?.message ?? event.message ?? event.code ?? 'the response failed'
          failure = new GatewayError('upstream_error', `Upstream provider '${provider}' failed mid-stream: ${reason}`)
          // Before the Response started nothing has reached the client: a plain error answer (or a fallback) is still possible.
          if (!created) throw failure
          const usage = fromResponsesUsage(event.response?.usage)
          if (usage) chunks.push({ type: 'usage', usage })
          break
        }
      }
      return { chunks, raw: { format: 'responses', ...(message.event ? { event: message.event } : {}), data: message.data } }
    },
    end() {
      if (failure) throw failure
      throw new GatewayError('upstream_error', `Upstream provider '${provider}' ended the stream before the response finished.`)
    },
  }
  return translator
}

/** Batches of frames from a Responses event stream (see frameBatches). */
export const responsesFrames = (provider: string, batches: AsyncIterable<EventSourceMessage[]>): AsyncGenerator<FrameBatch> =>
  frameBatches(batches, responsesTranslator(provider))

/** `chat` and `chatStream` over an upstream's `/responses`, for requests that arrived in the Responses format. */
export function responsesRelay(options: { name: string; url: string; headers: Record<string, string>; fetch: FetchLike }) {
  const { name, url, headers } = options
  return {
    async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
      const body = JSON.stringify(toResponsesBody(request, context.upstreamModel))
      const response = await postJson(options.fetch, name, url, headers, body, context.signal)
      return fromResponsesObject(name, await readJson(name, response, context))
    },
    async chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<FrameBatch>> {
      const body = JSON.stringify(toResponsesBody(request, context.upstreamModel))
      const response = await postJson(options.fetch, name, url, headers, body, context.signal)
      return responsesFrames(name, readSse(name, response.body!, context))
    },
  }
}
