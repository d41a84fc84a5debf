// Shared answer → a `text_completion` body (an OpenAI upstream's own Completions body is relayed as it came).
import type { ChatResponse, FinishReason } from '../../providers/types'
import type { EncodeOptions } from '../types'
import { openAIUsage } from '../openai/response'

/** Completions know no tool calls: a model that tried one stopped. */
export const completionFinish = (reason: FinishReason | null): string =>
  reason === 'length' ? 'length' : reason === 'content_filter' ? 'content_filter' : 'stop'

export const completionId = (requestId: string) => `cmpl-${requestId}`

export function encodeCompletion(response: ChatResponse, clientModel: string, options: EncodeOptions): string {
  if (response.raw?.format === 'completions') return JSON.stringify({ ...response.raw.body, model: clientModel })
  const text = response.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('')
  return JSON.stringify({
    id: completionId(options.requestId),
    object: 'text_completion',
    created: response.created,
    model: clientModel,
    choices: [{ text, index: 0, logprobs: null, finish_reason: completionFinish(response.finishReason) }],
    usage: openAIUsage(response.usage) ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  })
}
