// Relaying legacy Completions requests to an OpenAI-type upstream's /completions: body and answer as they came, usage read for billing.
import type { EventSourceMessage } from 'eventsource-parser'
import { GatewayError } from '../../errors'
import { postJson, readJson, upstreamReason, type FetchLike } from '../http'
import { readSse } from '../sse-reader'
import { frameBatches, type StreamTranslator } from '../stream-batches'
import type { CallContext, ChatChunk, ChatRequest, ChatResponse, FrameBatch } from '../types'
import { fromOpenAIFinish, fromOpenAIUsage } from './response'
import type { OpenAIUsage } from './wire'

/** A `text_completion` object, streamed or not (openai-node `Completion`). */
interface CompletionObject {
  id?: string
  model?: string
  created?: number
  choices?: Array<{ text?: string; index?: number; finish_reason?: string | null }>
  usage?: OpenAIUsage | null
  error?: unknown
}

/**
 * The body sent upstream: the client's, with the upstream's model id, the output ceiling the
 * gateway held money for (OpenAI's default of 16 when the client set none), and on streams
 * `stream_options.include_usage` so the stream can be billed.
 */
export function toCompletionsBody(request: ChatRequest, upstreamModel: string): Record<string, unknown> {
  const body: Record<string, unknown> = { ...request.source.body, model: upstreamModel }
  if (body.max_tokens == null && request.maxTokens !== null) body.max_tokens = request.maxTokens
  if (request.stream) body.stream_options = { ...(body.stream_options as object | undefined), include_usage: true }
  return body
}

/** Every choice's text (several prompts, `n`): what is counted when the upstream reports no usage. */
const choiceTexts = (completion: CompletionObject) => (completion.choices ?? []).flatMap((c) => (c.text ? [c.text] : []))

export function fromCompletion(provider: string, body: Record<string, unknown>): ChatResponse {
  const completion = body as CompletionObject
  if (!Array.isArray(completion.choices) || completion.choices.length === 0) {
    throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent a completion without choices.`)
  }
  return {
    id: String(completion.id ?? ''),
    model: String(completion.model ?? ''),
    created: typeof completion.created === 'number' ? completion.created : Math.floor(Date.now() / 1000),
    content: choiceTexts(completion).map((text) => ({ type: 'text', text })),
    finishReason: fromOpenAIFinish(completion.choices[0]?.finish_reason),
    usage: fromOpenAIUsage(completion.usage),
    raw: { format: 'completions', body },
  }
}

/**
 * Reads a Completions SSE stream, ending at `[DONE]` (or, for vendors that omit it, at the end of
 * a body that carried a finish reason). Every chunk is kept raw for the client.
 */
export function completionsTranslator(provider: string): StreamTranslator {
  let started = false
  let finished = false
  const translator: StreamTranslator = {
    done: false,
    event(message) {
      if (message.data === '[DONE]') {
        translator.done = true
        return null
      }
      let completion: CompletionObject
      try {
        completion = JSON.parse(message.data) as CompletionObject
      } catch {
        throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent a malformed stream event.`)
      }
      if (typeof completion !== 'object' || completion === null) {
        throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent a malformed stream event.`)
      }
      if (completion.error) {
        throw new GatewayError(
          'upstream_error',
          `Upstream provider '${provider}' failed mid-stream: ${upstreamReason(message.data).message}`,
        )
      }
      const chunks: ChatChunk[] = []
      if (!started) {
        started = true
        chunks.push({ type: 'start', id: String(completion.id ?? ''), model: String(completion.model ?? '') })
      }
      for (const text of choiceTexts(completion)) chunks.push({ type: 'text', text })
      for (const choice of completion.choices ?? []) {
        const finish = fromOpenAIFinish(choice.finish_reason)
        if (finish) {
          finished = true
          chunks.push({ type: 'finish', reason: finish })
        }
      }
      const usage = fromOpenAIUsage(completion.usage)
      if (usage) chunks.push({ type: 'usage', usage })
      return { chunks, raw: { format: 'completions', data: message.data } }
    },
    end() {
      if (!finished) {
        throw new GatewayError('upstream_error', `Upstream provider '${provider}' ended the stream before the completion finished.`)
      }
      return []
    },
  }
  return translator
}

export const completionsFrames = (provider: string, batches: AsyncIterable<EventSourceMessage[]>): AsyncGenerator<FrameBatch> =>
  frameBatches(batches, completionsTranslator(provider))

/** `chat` and `chatStream` over an upstream's `/completions`, for requests that arrived in the Completions format. */
export function completionsRelay(options: { name: string; url: string; headers: Record<string, string>; fetch: FetchLike }) {
  const { name, url, headers } = options
  return {
    async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
      const body = JSON.stringify({ ...toCompletionsBody(request, context.upstreamModel), stream: false })
      const response = await postJson(options.fetch, name, url, headers, body, context.signal)
      return fromCompletion(name, await readJson(name, response, context))
    },
    async chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<FrameBatch>> {
      const body = JSON.stringify({ ...toCompletionsBody(request, context.upstreamModel), stream: true })
      const response = await postJson(options.fetch, name, url, headers, body, context.signal)
      return completionsFrames(name, readSse(name, response.body!, context))
    },
  }
}
