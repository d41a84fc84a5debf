// OpenAI Chat Completions / Embeddings answer → shared answer.
import { classedUsage, tokenCount, unbelievableUsage } from '../usage'
import { GatewayError } from '../../errors'
import type { ChatResponse, ContentPart, EmbedResponse, FinishReason, Usage } from '../types'
import type { OpenAIChatCompletion, OpenAIEmbeddingResponse, OpenAIUsage } from './wire'

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
}

export function fromOpenAIFinish(reason: string | null | undefined): FinishReason | null {
  return reason ? (FINISH[reason] ?? 'stop') : null
}

/**
 * OpenAI's `prompt_tokens` INCLUDES `prompt_tokens_details.cached_tokens` (reads) and
 * `cache_write_tokens` (writes); `completion_tokens` includes `completion_tokens_details.reasoning_tokens`.
 * OpenAI-compatible vendors that count cache hits in their own field (`prompt_cache_hit_tokens`,
 * with `prompt_tokens` = hits + misses) are read the same way when `cached_tokens` is absent.
 */
export function fromOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage | null {
  if (!usage || usage.prompt_tokens === undefined || usage.prompt_tokens === null) return null
  const problems: string[] = []
  const prompt = tokenCount(usage.prompt_tokens, 'prompt_tokens', problems)
  const completion = tokenCount(usage.completion_tokens, 'completion_tokens', problems)
  const details = usage.prompt_tokens_details
  const cached =
    details?.cached_tokens !== undefined && details?.cached_tokens !== null
      ? tokenCount(details.cached_tokens, 'prompt_tokens_details.cached_tokens', problems)
      : tokenCount(usage.prompt_cache_hit_tokens, 'prompt_cache_hit_tokens', problems)
  const written = tokenCount(details?.cache_write_tokens, 'prompt_tokens_details.cache_write_tokens', problems)
  const reasoning = tokenCount(usage.completion_tokens_details?.reasoning_tokens, 'completion_tokens_details.reasoning_tokens', problems)
  return classedUsage({ input: prompt, cacheRead: cached, cacheWrite: written, cacheWrite1h: 0, output: completion, reasoning }, problems, {
    input: 'prompt_tokens',
    output: 'completion_tokens',
  })
}

export function fromOpenAIChatCompletion(provider: string, body: Record<string, unknown>): ChatResponse {
  const completion = body as unknown as OpenAIChatCompletion
  const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined
  if (!choice?.message) {
    throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent a completion without choices.`)
  }
  const content: ContentPart[] = []
  if (choice.message.content) content.push({ type: 'text', text: choice.message.content })
  for (const call of choice.message.tool_calls ?? []) {
    content.push({ type: 'tool_call', id: call.id, name: call.function.name, arguments: call.function.arguments })
  }
  return {
    id: completion.id,
    model: completion.model,
    created: completion.created,
    content,
    finishReason: fromOpenAIFinish(choice.finish_reason),
    usage: fromOpenAIUsage(completion.usage),
    raw: { format: 'openai', body },
  }
}

export function fromOpenAIEmbeddings(provider: string, body: Record<string, unknown>): EmbedResponse {
  const response = body as unknown as OpenAIEmbeddingResponse
  if (!Array.isArray(response.data)) {
    throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent embeddings without data.`)
  }
  const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding)
  const problems: string[] = []
  const inputTokens = tokenCount(response.usage?.prompt_tokens, 'prompt_tokens', problems)
  const usage = problems.length > 0 ? unbelievableUsage(problems) : { inputTokens, outputTokens: 0 }
  return { vectors, usage, raw: { format: 'openai', body } }
}
