// Shared answer → Anthropic Message body (an Anthropic upstream's own body is relayed as it came).
import { GatewayError } from '../../errors'
import { MAX_JSON_DEPTH, tooDeepPath } from '../json-depth'
import type { ChatResponse, FinishReason, Usage } from '../../providers/types'

const STOP_REASONS: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
}

export const anthropicStopReason = (reason: FinishReason | null): string => STOP_REASONS[reason ?? 'stop']

/**
 * Anthropic counts cache reads and writes apart from `input_tokens` (the shared count includes
 * them), with writes split by lifetime in `cache_creation` when there are any.
 */
export function anthropicUsage(usage: Usage | null) {
  if (!usage) return { input_tokens: 0, output_tokens: 0 }
  const read = usage.cacheReadTokens ?? 0
  const fiveMinutes = usage.cacheWriteTokens ?? 0
  const hour = usage.cacheWrite1hTokens ?? 0
  return {
    input_tokens: Math.max(0, usage.inputTokens - read - fiveMinutes - hour),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: fiveMinutes + hour,
    cache_read_input_tokens: read,
    ...(fiveMinutes || hour ? { cache_creation: { ephemeral_5m_input_tokens: fiveMinutes, ephemeral_1h_input_tokens: hour } } : {}),
  }
}

/** Tool-call arguments (JSON text) as Anthropic's `input` object. */
export function toolInput(args: string, name: string): Record<string, unknown> {
  if (args.trim() === '') return {}
  if (tooDeepPath(args) !== null) {
    throw new GatewayError(
      'upstream_error',
      `The upstream model called tool '${name}' with arguments nested deeper than ${MAX_JSON_DEPTH} levels.`,
    )
  }
  try {
    const input: unknown = JSON.parse(args)
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input as Record<string, unknown>
  } catch {
    // reported below
  }
  throw new GatewayError('upstream_error', `The upstream model called tool '${name}' with arguments that are not a JSON object.`)
}

export const anthropicMessageId = (id: string) => (id.startsWith('msg_') ? id : `msg_${id}`)

export function encodeAnthropicMessage(response: ChatResponse, clientModel: string): string {
  if (response.raw?.format === 'anthropic') return JSON.stringify({ ...response.raw.body, model: clientModel })
  const content = response.content.flatMap((part): Array<Record<string, unknown>> => {
    if (part.type === 'text') return part.text === '' ? [] : [{ type: 'text', text: part.text }]
    if (part.type === 'tool_call') return [{ type: 'tool_use', id: part.id, name: part.name, input: toolInput(part.arguments, part.name) }]
    return []
  })
  return JSON.stringify({
    id: anthropicMessageId(response.id),
    type: 'message',
    role: 'assistant',
    model: clientModel,
    content,
    stop_reason: anthropicStopReason(response.finishReason),
    stop_sequence: null,
    usage: anthropicUsage(response.usage),
  })
}
