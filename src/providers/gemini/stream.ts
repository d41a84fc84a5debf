// Gemini streamGenerateContent (alt=sse) events → shared stream frames.
import type { EventSourceMessage } from 'eventsource-parser'
import { GatewayError } from '../../errors'
import { upstreamReason } from '../http'
import { frameBatches, type StreamTranslator } from '../stream-batches'
import type { ChatChunk, FrameBatch } from '../types'
import { fromGeminiFinish, fromGeminiUsage, partChunks, toolIdFactory } from './response'
import { promptUsageOf } from '../usage'
import type { GeminiResponse, GeminiUsageMetadata } from './wire'

/**
 * Reads a Gemini SSE stream. Each event is a whole GenerateContentResponse; there is no
 * terminator, so the finish reason and the last usage are sent once the body ends. A body that
 * ends without a finish reason is an upstream failure. Gemini sends each function call whole:
 * it becomes a tool_call_start and one tool_call_delta.
 */
export function geminiTranslator(provider: string): StreamTranslator {
  let toolId: ReturnType<typeof toolIdFactory> | undefined
  let tools = 0
  let finish: string | undefined
  let usage: GeminiUsageMetadata | undefined
  return {
    done: false,
    event(event) {
      let body: GeminiResponse & { error?: unknown }
      try {
        body = JSON.parse(event.data) as GeminiResponse & { error?: unknown }
      } catch {
        throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent a malformed stream event.`)
      }
      if (typeof body !== 'object' || body === null) {
        throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent a malformed stream event.`)
      }
      if (body.error)
        throw new GatewayError('upstream_error', `Upstream provider '${provider}' failed mid-stream: ${upstreamReason(event.data).message}`)
      const chunks: ChatChunk[] = []
      if (!toolId) {
        toolId = toolIdFactory(body.responseId)
        chunks.push({
          type: 'start',
          id: body.responseId ?? '',
          model: body.modelVersion ?? '',
          ...promptUsageOf(fromGeminiUsage(body.usageMetadata)),
        })
      }
      const candidate = body.candidates?.[0]
      chunks.push(...partChunks(candidate?.content?.parts ?? [], () => tools++, toolId))
      if (candidate?.finishReason) finish = candidate.finishReason
      if (body.promptFeedback?.blockReason) finish = 'SAFETY'
      if (body.usageMetadata) usage = body.usageMetadata
      return chunks.length > 0 ? { chunks } : null
    },
    end() {
      if (!finish) throw new GatewayError('upstream_error', `Upstream provider '${provider}' ended the stream before the answer finished.`)
      const tail: ChatChunk[] = [{ type: 'finish', reason: fromGeminiFinish(finish, tools > 0) }]
      const total = fromGeminiUsage(usage)
      if (total) tail.push({ type: 'usage', usage: total })
      return [{ chunks: tail }]
    },
  }
}

/** Batches of frames from a Gemini SSE stream (see frameBatches). */
export const geminiFrames = (provider: string, batches: AsyncIterable<EventSourceMessage[]>): AsyncGenerator<FrameBatch> =>
  frameBatches(batches, geminiTranslator(provider))
