// Anthropic Message answer → shared answer.
import { classedUsage, tokenCount } from '../usage'
import { GatewayError } from '../../errors'
import type { ChatResponse, ContentPart, FinishReason, Usage } from '../types'
import type { AnthropicMessageResponse, AnthropicUsage } from './wire'

const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
}

export function fromAnthropicStopReason(reason: string | null | undefined): FinishReason | null {
  return reason ? (FINISH[reason] ?? 'stop') : null
}

/**
 * Anthropic's `input_tokens` EXCLUDES cache reads and writes; the shared count includes them.
 * Cache writes are split by lifetime in `cache_creation` (`ephemeral_5m_input_tokens`,
 * `ephemeral_1h_input_tokens`); without it every write is a 5-minute one (the default TTL).
 * `output_tokens` includes thinking (`output_tokens_details.thinking_tokens`).
 */
export function fromAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage | null {
  if (!usage || usage.input_tokens === undefined || usage.input_tokens === null) return null
  const problems: string[] = []
  const uncached = tokenCount(usage.input_tokens, 'input_tokens', problems)
  const read = tokenCount(usage.cache_read_input_tokens, 'cache_read_input_tokens', problems)
  const written = tokenCount(usage.cache_creation_input_tokens, 'cache_creation_input_tokens', problems)
  const hour = tokenCount(usage.cache_creation?.ephemeral_1h_input_tokens, 'cache_creation.ephemeral_1h_input_tokens', problems)
  const fiveMinutes = tokenCount(usage.cache_creation?.ephemeral_5m_input_tokens, 'cache_creation.ephemeral_5m_input_tokens', problems)
  const output = tokenCount(usage.output_tokens, 'output_tokens', problems)
  const thinking = tokenCount(usage.output_tokens_details?.thinking_tokens, 'output_tokens_details.thinking_tokens', problems)
  // The split by lifetime is a breakdown of cache_creation_input_tokens: it may not say more.
  if (hour + fiveMinutes > written && problems.length === 0) {
    problems.push(`cache_creation (${fiveMinutes} + ${hour}) above cache_creation_input_tokens = ${written}`)
  }
  return classedUsage(
    { input: uncached + read + written, cacheRead: read, cacheWrite: written - hour, cacheWrite1h: hour, output, reasoning: thinking },
    problems,
    { input: 'input tokens', output: 'output_tokens' },
  )
}

export function fromAnthropicMessage(provider: string, body: Record<string, unknown>): ChatResponse {
  const message = body as unknown as AnthropicMessageResponse
  if (!Array.isArray(message.content)) {
    throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent a message without content.`)
  }
  const content: ContentPart[] = []
  for (const block of message.content) {
    if (block.type === 'text') content.push({ type: 'text', text: (block as { text: string }).text })
    else if (block.type === 'tool_use') {
      const call = block as { id: string; name: string; input: unknown }
      content.push({ type: 'tool_call', id: call.id, name: call.name, arguments: JSON.stringify(call.input ?? {}) })
    }
    // thinking and server-tool blocks reach Anthropic clients through `raw` only.
  }
  return {
    id: message.id,
    model: message.model,
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason: fromAnthropicStopReason(message.stop_reason),
    usage: fromAnthropicUsage(message.usage),
    raw: { format: 'anthropic', body },
  }
}
