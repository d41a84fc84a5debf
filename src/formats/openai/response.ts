// Shared answer → OpenAI chat.completion / embeddings bodies.
import type { ChatResponse, EmbedResponse, Usage } from '../../providers/types'

/**
 * OpenAI's usage: `prompt_tokens` counts every prompt token (cache reads and writes included, as
 * the shared count does), with reads as `prompt_tokens_details.cached_tokens` and writes (both
 * lifetimes) as `cache_write_tokens`; reasoning is part of `completion_tokens`.
 */
export function openAIUsage(usage: Usage | null) {
  if (!usage) return undefined
  const read = usage.cacheReadTokens ?? 0
  const written = (usage.cacheWriteTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0)
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(read || written ? { prompt_tokens_details: { cached_tokens: read, ...(written ? { cache_write_tokens: written } : {}) } } : {}),
    ...(usage.reasoningTokens ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } } : {}),
  }
}

/** A completion body; an OpenAI upstream's own body is relayed with only the model id changed. */
export function encodeOpenAIChat(response: ChatResponse, clientModel: string): string {
  if (response.raw?.format === 'openai') return JSON.stringify({ ...response.raw.body, model: clientModel })
  const text = response.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('')
  const toolCalls = response.content.flatMap((p) =>
    p.type === 'tool_call' ? [{ id: p.id, type: 'function', function: { name: p.name, arguments: p.arguments } }] : [],
  )
  return JSON.stringify({
    id: response.id.startsWith('chatcmpl') ? response.id : `chatcmpl-${response.id}`,
    object: 'chat.completion',
    created: response.created,
    model: clientModel,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: response.finishReason ?? 'stop',
      },
    ],
    usage: openAIUsage(response.usage),
  })
}

export function encodeOpenAIEmbeddings(response: EmbedResponse, clientModel: string): string {
  if (response.raw?.format === 'openai') return JSON.stringify({ ...response.raw.body, model: clientModel })
  return JSON.stringify({
    object: 'list',
    data: response.vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: clientModel,
    usage: { prompt_tokens: response.usage.inputTokens, total_tokens: response.usage.inputTokens },
  })
}
