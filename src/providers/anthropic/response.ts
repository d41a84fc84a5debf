// Anthropic Message answer → shared answer.
import { tokenCount, unbelievableUsage } from '../usage'
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

/** Anthropic's `input_tokens` excludes cache reads and writes; the shared count includes them. */
export function fromAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage | null {
  if (!usage || usage.input_tokens === undefined || usage.input_tokens === null) return null
  const problems: string[] = []
  const input = tokenCount(usage.input_tokens, 'input_tokens', problems)
  const read = tokenCount(usage.cache_read_input_tokens, 'cache_read_input_tokens', problems)
  const write = tokenCount(usage.cache_creation_input_tokens, 'cache_creation_input_tokens', problems)
  const output = tokenCount(usage.output_tokens, 'output_tokens', problems)
  const thinking = tokenCount(usage.output_tokens_details?.thinking_tokens, 'output_tokens_details.thinking_tokens', problems)
  if (problems.length > 0) return unbelievableUsage(problems)
  const out: Usage = { inputTokens: input + read + write, outputTokens: output }
  if (read) out.cacheReadTokens = read
  if (write) out.cacheWriteTokens = write
  if (thinking) out.reasoningTokens = thinking
  return out
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
    } else if (block.type === 'thinking') {
      const thinking = block as { thinking: string; signature?: string }
      content.push({ type: 'reasoning', text: thinking.thinking, signature: thinking.signature, issuer: 'anthropic' })
    } else if (block.type === 'redacted_thinking') {
      content.push({ type: 'reasoning', text: '', redacted: (block as { data: string }).data, issuer: 'anthropic' })
    }
    // server-tool blocks reach Anthropic clients through `raw` only.
  }
  return {
    id: message.id,
    model: message.model,
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason: fromAnthropicStopReason(message.stop_reason),
    ...(message.stop_reason === 'stop_sequence' && message.stop_sequence ? { stopSequence: message.stop_sequence } : {}),
    usage: fromAnthropicUsage(message.usage),
    raw: { format: 'anthropic', body },
  }
}
