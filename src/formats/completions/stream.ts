// Shared stream frames → `text_completion` SSE chunks ending in `data: [DONE]`, relaying OpenAI upstream chunks as they came.
import { errorBody, type GatewayError } from '../../errors'
import type { ChatChunk, StreamFrame } from '../../providers/types'
import { withModel } from '../model-field'
import { openAIUsage } from '../openai/response'
import { sseData, SSE_DONE } from '../sse'
import type { StreamEncoder, StreamEncoderOptions } from '../types'
import { completionFinish, completionId } from './response'

const isUsageOnly = (frame: StreamFrame) => frame.chunks.length > 0 && frame.chunks.every((c) => c.type === 'usage')

/**
 * Every chunk is a whole `text_completion` object (the streamed and non-streamed shapes are one,
 * unlike chat): text in `choices[0].text`, the finish reason on a last empty-text chunk, and the
 * usage on a chunk with no choices for clients that asked `stream_options.include_usage`.
 */
export function completionsStreamEncoder(options: StreamEncoderOptions): StreamEncoder {
  const { clientModel, request } = options
  const id = completionId(options.requestId)
  const created = Math.floor(Date.now() / 1000)
  const chunk = (rest: Record<string, unknown>) =>
    sseData(JSON.stringify({ id, object: 'text_completion', created, model: clientModel, ...rest }))
  const choice = (text: string, finish: string | null) => chunk({ choices: [{ text, index: 0, logprobs: null, finish_reason: finish }] })

  const encodeChunk = (c: ChatChunk): string => {
    switch (c.type) {
      case 'text':
        return c.text === '' ? '' : choice(c.text, null)
      case 'finish':
        return choice('', completionFinish(c.reason))
      case 'usage':
        return request.includeUsage ? chunk({ choices: [], usage: openAIUsage(c.usage) }) : ''
      default:
        // No tools in Completions; `start` carries nothing a text_completion chunk shows.
        return ''
    }
  }

  return {
    frame(frame) {
      if (frame.raw?.format === 'completions') {
        if (isUsageOnly(frame) && !request.includeUsage) return ''
        return sseData(withModel(frame.raw.data, clientModel))
      }
      let out = ''
      for (const c of frame.chunks) out += encodeChunk(c)
      return out
    },
    end: () => SSE_DONE,
    error: (error: GatewayError) => sseData(errorBody(error, 'openai')),
  }
}
