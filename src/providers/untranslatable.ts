// Refusing, with a 400 naming them, fields that cannot cross from the client's format to another.
import { GatewayError } from '../errors'
import type { ChatRequest, ContentPart, WireFormat } from './types'

/** Fields that name state kept upstream: a translated request cannot carry them, whatever the target, and why. */
const STATEFUL: Record<string, string> = {
  previous_response_id:
    'token-hub keeps no conversation content, and this model does not serve the Responses API: send the full input instead of previous_response_id',
  conversation: 'token-hub keeps no conversations, and this model does not serve the Responses API: send the full input instead',
}

/** Throws 400 `invalid_body` when a request must be translated and carries fields that would be lost. */
export function refuseUntranslatable(request: ChatRequest, target: WireFormat): void {
  if (request.source.format === target || request.untranslatable.length === 0) return
  const stateful = request.untranslatable.find((field) => STATEFUL[field])
  if (stateful) throw new GatewayError('invalid_body', `${STATEFUL[stateful]}.`, { param: stateful })
  const fields = request.untranslatable.join(', ')
  throw new GatewayError(
    'invalid_body',
    `This model is served in the ${target} format, which cannot carry: ${fields}. Remove ${request.untranslatable.length > 1 ? 'them' : 'it'} or use a model of the ${request.source.format} format.`,
    { param: request.untranslatable[0]!.split('=')[0]! },
  )
}

/** Shared fields some targets cannot carry, and their name in each client format. */
const FIELD_PARAMS = {
  topK: { openai: 'top_k', anthropic: 'top_k', gemini: 'generationConfig.topK', responses: 'top_k', completions: 'top_k' },
  parallelToolCalls: {
    openai: 'parallel_tool_calls',
    anthropic: 'tool_choice.disable_parallel_tool_use',
    gemini: 'toolConfig',
    responses: 'parallel_tool_calls',
    completions: 'parallel_tool_calls',
  },
} as const satisfies Record<string, Record<WireFormat, string>>

/** Throws 400 `invalid_body` naming `field` as the client spelled it, when `target` has no equivalent. */
export function refuseField(request: ChatRequest, target: WireFormat, field: keyof typeof FIELD_PARAMS): never {
  const param = FIELD_PARAMS[field][request.source.format]
  throw new GatewayError(
    'invalid_body',
    `This model is served in the ${target} format, which cannot carry: ${param}. Remove it or use a model of the ${request.source.format} format.`,
    { param },
  )
}

/**
 * The text of a system message in the conversation (Anthropic's mid-conversation system role):
 * every target carries instructions as text only, so anything else in it is a 400 naming it.
 */
export function systemMessageText(parts: ContentPart[], at: string, target: WireFormat): string {
  return parts
    .map((part, j) => {
      if (part.type === 'text') return part.text
      throw new GatewayError(
        'invalid_body',
        `${at}.content[${j}]: a system message can carry only text to a model of the ${target} format.`,
        {
          param: `${at}.content[${j}]`,
        },
      )
    })
    .join('\n')
}
