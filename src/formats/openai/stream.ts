// Shared stream frames → OpenAI chat.completion.chunk SSE, relaying OpenAI upstream events as they came.
import { errorBody, type GatewayError } from '../../errors'
import type { ChatChunk, StreamFrame } from '../../providers/types'
import { withModel } from '../model-field'
import { sseData, SSE_DONE } from '../sse'
import type { StreamEncoder, StreamEncoderOptions } from '../types'
import { openAIUsage } from './response'

/** True for the final usage-only chunk (`"choices":[]`), which only clients that asked for it get. */
const isUsageOnly = (frame: StreamFrame) => frame.chunks.length > 0 && frame.chunks.every((c) => c.type === 'usage')

export function openAIStreamEncoder(options: StreamEncoderOptions): StreamEncoder {
  const { clientModel, request } = options
  const id = `chatcmpl-${options.requestId}`
  const created = Math.floor(Date.now() / 1000)
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    sseData(
      JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: clientModel,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      }),
    )
  let started = false
  /** The reasoning text of the block under way, for the whole block its signature closes. */
  let thinking = ''

  const encodeChunk = (c: ChatChunk): string => {
    switch (c.type) {
      case 'start':
        started = true
        return chunk({ role: 'assistant', content: '' }, null)
      case 'text':
        return chunk({ content: c.text }, null)
      case 'reasoning': {
        let out = c.text === '' ? '' : chunk({ reasoning_content: c.text }, null)
        thinking += c.text
        // Claude's signed block closes with its signature: handed out whole, as the non-streamed answer has it.
        if (c.issuer === 'anthropic' && (c.signature !== undefined || c.redacted !== undefined)) {
          const block =
            c.redacted !== undefined
              ? { type: 'redacted_thinking', data: c.redacted }
              : { type: 'thinking', thinking, signature: c.signature }
          out += chunk({ thinking_blocks: [block] }, null)
          thinking = ''
        }
        return out
      }
      case 'tool_call_start':
        return chunk({ tool_calls: [{ index: c.index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }, null)
      case 'tool_call_delta':
        return chunk({ tool_calls: [{ index: c.index, function: { arguments: c.arguments } }] }, null)
      case 'finish':
        return chunk({}, c.reason)
      case 'usage':
        if (!request.includeUsage) return ''
        return sseData(
          JSON.stringify({ id, object: 'chat.completion.chunk', created, model: clientModel, choices: [], usage: openAIUsage(c.usage) }),
        )
    }
  }

  return {
    frame(frame) {
      if (frame.raw?.format === 'openai') {
        if (isUsageOnly(frame) && !request.includeUsage) return ''
        return sseData(withModel(frame.raw.data, clientModel))
      }
      let out = ''
      for (const c of frame.chunks) {
        if (!started && c.type !== 'start') out += encodeChunk({ type: 'start', id, model: clientModel })
        out += encodeChunk(c)
      }
      return out
    },
    end: () => SSE_DONE,
    // OpenAI reports a failure inside a started stream as a data frame carrying `error`.
    error: (error: GatewayError) => sseData(errorBody(error, 'openai')),
  }
}
