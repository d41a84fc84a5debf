// Anthropic Messages SSE events → shared stream frames (the raw event kept for same-format relays).
import type { EventSourceMessage } from 'eventsource-parser'
import { GatewayError } from '../../errors'
import { frameBatches, type StreamTranslator } from '../stream-batches'
import type { ChatChunk, FrameBatch } from '../types'
import { fromAnthropicStopReason, fromAnthropicUsage } from './response'
import { promptUsageOf } from '../usage'
import type { AnthropicStreamEvent, AnthropicUsage } from './wire'

const malformed = (provider: string) => new GatewayError('upstream_error', `Upstream provider '${provider}' sent a malformed stream event.`)

/**
 * Only the non-null counters of a later usage replace earlier ones (message_delta totals are
 * cumulative). Whatever else a counter holds is kept, for fromAnthropicUsage to judge.
 */
function mergeUsage(base: AnthropicUsage | undefined, update: AnthropicUsage | undefined): AnthropicUsage {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(update ?? {})) {
    if (value !== null && value !== undefined) out[key] = value
  }
  return out as AnthropicUsage
}

/**
 * Reads an Anthropic event stream, ending at `message_stop`. Content blocks are numbered across
 * text and tools; the shared tool index counts tool_use blocks only. A stream that ends before
 * its `message_delta` is an upstream failure.
 */
export function anthropicTranslator(provider: string): StreamTranslator {
  const toolIndex = new Map<number, number>()
  let usage: AnthropicUsage | undefined
  let finished = false
  const translator: StreamTranslator = {
    done: false,
    event(message) {
      let event: AnthropicStreamEvent
      try {
        event = JSON.parse(message.data) as AnthropicStreamEvent
      } catch {
        throw malformed(provider)
      }
      if (typeof event !== 'object' || event === null) throw malformed(provider)
      const name = message.event ?? event.type
      if (name === 'error' || event.type === 'error') {
        const reason = (event as { error?: { type?: string; message?: string } }).error
        throw new GatewayError(
          'upstream_error',
          `Upstream provider '${provider}' failed mid-stream: ${reason?.message ?? reason?.type ?? 'error event'}`,
        )
      }
      const chunks: ChatChunk[] = []
      switch (event.type) {
        case 'message_start':
          usage = mergeUsage(undefined, event.message.usage)
          chunks.push({ type: 'start', id: event.message.id, model: event.message.model, ...promptUsageOf(fromAnthropicUsage(usage)) })
          break
        case 'content_block_start': {
          const block = event.content_block as { type: string; id?: string; name?: string; text?: string }
          if (block.type === 'tool_use') {
            const index = toolIndex.size
            toolIndex.set(event.index, index)
            chunks.push({ type: 'tool_call_start', index, id: block.id ?? '', name: block.name ?? '' })
          } else if (block.type === 'text' && block.text) chunks.push({ type: 'text', text: block.text })
          break
        }
        case 'content_block_delta': {
          const delta = event.delta as { type: string; text?: string; partial_json?: string }
          if (delta.type === 'text_delta' && delta.text) chunks.push({ type: 'text', text: delta.text })
          const index = toolIndex.get(event.index)
          if (delta.type === 'input_json_delta' && delta.partial_json && index !== undefined) {
            chunks.push({ type: 'tool_call_delta', index, arguments: delta.partial_json })
          }
          break
        }
        case 'message_delta': {
          finished = true
          const reason = fromAnthropicStopReason(event.delta?.stop_reason)
          if (reason) chunks.push({ type: 'finish', reason })
          usage = mergeUsage(usage, event.usage)
          const total = fromAnthropicUsage(usage)
          if (total) chunks.push({ type: 'usage', usage: total })
          break
        }
        case 'message_stop':
          translator.done = true
          break
      }
      // Every event is kept (pings included): a same-format client gets the stream as it came.
      return { chunks, raw: { format: 'anthropic', event: name, data: message.data } }
    },
    end() {
      if (!finished)
        throw new GatewayError('upstream_error', `Upstream provider '${provider}' ended the stream before the message finished.`)
      return []
    },
  }
  return translator
}

/** Batches of frames from an Anthropic event stream (see frameBatches). */
export const anthropicFrames = (provider: string, batches: AsyncIterable<EventSourceMessage[]>): AsyncGenerator<FrameBatch> =>
  frameBatches(batches, anthropicTranslator(provider))
