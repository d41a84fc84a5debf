// Shared stream frames → Anthropic's SSE event sequence, relaying Anthropic upstream events as they came.
import { errorBody, type GatewayError } from '../../errors'
import type { ChatChunk, FinishReason, StreamFrame, Usage } from '../../providers/types'
import { withModel } from '../model-field'
import { sseEvent } from '../sse'
import type { StreamEncoder, StreamEncoderOptions } from '../types'
import { anthropicMessageId, anthropicStopReason, anthropicUsage } from './response'

/**
 * Encodes `message_start`, then per content block `content_block_start` (the first one followed
 * by `ping`), its `content_block_delta`s and `content_block_stop`, then `message_delta` with the
 * stop reason and usage, then `message_stop` — the order Anthropic's own streams have.
 */
export function anthropicStreamEncoder(options: StreamEncoderOptions): StreamEncoder {
  const { clientModel } = options
  const event = (type: string, payload: Record<string, unknown> = {}) => sseEvent(type, JSON.stringify({ type, ...payload }))
  let started = false
  let relayed = false
  let open: 'text' | 'tool_use' | null = null
  let blockIndex = -1
  let pinged = false
  const toolBlocks = new Map<number, number>()
  let finish: FinishReason | null = null
  let usage: Usage | null = null

  const start = (): string => {
    if (started) return ''
    started = true
    const message = {
      id: anthropicMessageId(options.requestId),
      type: 'message',
      role: 'assistant',
      model: clientModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // The real counts are only known at the end; message_delta carries them.
      usage: { input_tokens: 0, output_tokens: 0 },
    }
    return event('message_start', { message })
  }
  const closeBlock = (): string => {
    if (open === null) return ''
    open = null
    return event('content_block_stop', { index: blockIndex })
  }
  const openBlock = (kind: 'text' | 'tool_use', block: Record<string, unknown>): string => {
    let out = closeBlock()
    open = kind
    blockIndex++
    out += event('content_block_start', { index: blockIndex, content_block: block })
    if (!pinged) {
      pinged = true
      out += event('ping')
    }
    return out
  }

  const encodeChunk = (c: ChatChunk): string => {
    switch (c.type) {
      case 'start':
        return ''
      case 'text':
        if (c.text === '') return ''
        return (
          (open === 'text' ? '' : openBlock('text', { type: 'text', text: '' })) +
          event('content_block_delta', { index: blockIndex, delta: { type: 'text_delta', text: c.text } })
        )
      case 'tool_call_start': {
        const out = openBlock('tool_use', { type: 'tool_use', id: c.id, name: c.name, input: {} })
        toolBlocks.set(c.index, blockIndex)
        return out
      }
      case 'tool_call_delta': {
        const index = toolBlocks.get(c.index)
        if (index === undefined || c.arguments === '') return ''
        return event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: c.arguments } })
      }
      case 'finish':
        finish = c.reason
        return ''
      case 'usage':
        usage = c.usage
        return ''
    }
  }

  return {
    frame(frame: StreamFrame) {
      if (frame.raw?.format === 'anthropic') {
        relayed = true
        const name = frame.raw.event ?? 'message'
        return sseEvent(name, name === 'message_start' ? withModel(frame.raw.data, clientModel) : frame.raw.data)
      }
      let out = start()
      for (const c of frame.chunks) out += encodeChunk(c)
      return out
    },
    end() {
      // A relayed Anthropic stream already carried its own message_delta and message_stop.
      if (relayed) return ''
      // message_delta's usage has no lifetime split (Anthropic's MessageDeltaUsage): the totals only.
      const { cache_creation: _split, ...counts } = anthropicUsage(usage) as ReturnType<typeof anthropicUsage> & {
        cache_creation?: unknown
      }
      return (
        start() +
        closeBlock() +
        event('message_delta', { delta: { stop_reason: anthropicStopReason(finish), stop_sequence: null }, usage: counts }) +
        event('message_stop')
      )
    },
    // Anthropic reports a failure inside a started stream as an `error` event.
    error: (error: GatewayError) => sseEvent('error', errorBody(error, 'anthropic')),
  }
}
