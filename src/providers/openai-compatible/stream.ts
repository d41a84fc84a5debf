// OpenAI Chat Completions SSE events → shared stream frames (the raw event kept for same-format relays).
import type { EventSourceMessage } from 'eventsource-parser'
import { GatewayError } from '../../errors'
import { frameBatches, type StreamTranslator } from '../stream-batches'
import type { ChatChunk, FrameBatch, StreamFrame } from '../types'
import { upstreamReason } from '../http'
import { fromOpenAIFinish, fromOpenAIUsage, reasoningText, stopSequenceOf } from './response'
import type { OpenAIChatChunk } from './wire'

/** Turns one `data:` payload into a frame; null for the `[DONE]` terminator. */
export function openAIFrame(provider: string, data: string): StreamFrame | null {
  if (data === '[DONE]') return null
  let chunk: OpenAIChatChunk
  try {
    chunk = JSON.parse(data) as OpenAIChatChunk
  } catch {
    throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent a malformed stream event.`)
  }
  if (chunk.error) {
    throw new GatewayError('upstream_error', `Upstream provider '${provider}' failed mid-stream: ${upstreamReason(data).message}`)
  }
  const chunks: ChatChunk[] = []
  const choice = chunk.choices?.[0]
  if (choice) {
    const delta = choice.delta ?? {}
    if (delta.role) chunks.push({ type: 'start', id: chunk.id, model: chunk.model })
    const reasoning = reasoningText(delta)
    if (reasoning) chunks.push({ type: 'reasoning', text: reasoning, issuer: 'openai' })
    if (delta.content) chunks.push({ type: 'text', text: delta.content })
    for (const call of delta.tool_calls ?? []) {
      if (call.id && call.function?.name !== undefined) {
        chunks.push({ type: 'tool_call_start', index: call.index, id: call.id, name: call.function.name })
      }
      if (call.function?.arguments) chunks.push({ type: 'tool_call_delta', index: call.index, arguments: call.function.arguments })
    }
    const finish = fromOpenAIFinish(choice.finish_reason)
    if (finish) chunks.push({ type: 'finish', reason: finish, ...stopSequenceOf(choice) })
  }
  const usage = fromOpenAIUsage(chunk.usage)
  if (usage) chunks.push({ type: 'usage', usage })
  return { chunks, raw: { format: 'openai', data } }
}

/**
 * Reads an OpenAI-format SSE event stream, ending at `[DONE]`. Some vendors omit `[DONE]`, so a
 * body that ends after a finish reason is complete too; one that ends before is cut.
 */
export function openAITranslator(provider: string): StreamTranslator {
  let finished = false
  const translator: StreamTranslator = {
    done: false,
    event(message) {
      const frame = openAIFrame(provider, message.data)
      if (frame === null) {
        translator.done = true
        return null
      }
      if (!finished && frame.chunks.some((c) => c.type === 'finish')) finished = true
      return frame
    },
    end() {
      if (!finished)
        throw new GatewayError('upstream_error', `Upstream provider '${provider}' ended the stream before the answer finished.`)
      return []
    },
  }
  return translator
}

/** Batches of frames from an OpenAI-format SSE event stream (see frameBatches). */
export const openAIFrames = (provider: string, batches: AsyncIterable<EventSourceMessage[]>): AsyncGenerator<FrameBatch> =>
  frameBatches(batches, openAITranslator(provider))
