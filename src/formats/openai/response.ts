// Shared answer → OpenAI chat.completion / embeddings bodies.
import type { ChatResponse, ContentPart, EmbedResponse, Usage } from '../../providers/types'

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

type Reasoning = Extract<ContentPart, { type: 'reasoning' }>

/**
 * The reasoning fields of an OpenAI-format message: the text as `reasoning_content` (DeepSeek's
 * field, which OpenAI-compatible clients read), and Claude's signed blocks as `thinking_blocks`
 * (LiteLLM's field), so a client that sends them back keeps Claude's thinking in a tool loop.
 */
export function reasoningFields(parts: Reasoning[]): Record<string, unknown> {
  if (parts.length === 0) return {}
  const text = parts.map((p) => p.text).join('')
  const signed = parts.filter((p) => p.issuer === 'anthropic' && (p.signature !== undefined || p.redacted !== undefined))
  const blocks = signed.map((p) =>
    p.redacted !== undefined
      ? { type: 'redacted_thinking', data: p.redacted }
      : { type: 'thinking', thinking: p.text, signature: p.signature },
  )
  return { ...(text !== '' ? { reasoning_content: text } : {}), ...(blocks.length > 0 ? { thinking_blocks: blocks } : {}) }
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
          ...reasoningFields(response.content.filter((p): p is Reasoning => p.type === 'reasoning')),
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
