// Shared request → Anthropic Messages request body.
import { GatewayError } from '../../errors'
import { MAX_JSON_DEPTH, tooDeepPath } from '../../formats/json-depth'
import { withTopLevelField } from '../../formats/json-text'
import { refuseUntranslatable } from '../untranslatable'
import type { ChatRequest, ContentPart, ImageSource, ReasoningEffort, ToolChoice } from '../types'
import type { AnthropicContentBlock, AnthropicImageBlock, AnthropicMessage, AnthropicTextBlock } from './wire'

/** Anthropic's fallback when a request somehow reaches it without a ceiling (the gateway always sets one). */
const DEFAULT_MAX_TOKENS = 4096

/**
 * The body sent upstream. A request that arrived in Anthropic format is forwarded as it came
 * (thinking, cache_control, server tools… all reach the upstream), with the upstream's model id
 * and, when the client left it out, `max_tokens` from the model's configuration.
 */
export function toAnthropicBody(request: ChatRequest, upstreamModel: string, stream: boolean): Record<string, unknown> {
  if (request.source.format === 'anthropic') {
    const body: Record<string, unknown> = { ...request.source.body, model: upstreamModel, stream }
    if (body.max_tokens === undefined || body.max_tokens === null) body.max_tokens = request.maxTokens ?? DEFAULT_MAX_TOKENS
    return body
  }
  return translate(request, upstreamModel, stream)
}

/**
 * The body's text sent upstream. A request that arrived in Anthropic format with its text is
 * forwarded byte for byte (thinking signatures, `cache_control`, system messages in the
 * conversation, fields no version of token-hub knows), with only the fields the gateway must set
 * edited in place: the upstream's model id, `stream`, and `max_tokens` when the client left it out.
 */
export function toAnthropicBodyText(request: ChatRequest, upstreamModel: string, stream: boolean): string {
  const { source } = request
  if (source.format !== 'anthropic' || source.text === undefined) return JSON.stringify(toAnthropicBody(request, upstreamModel, stream))
  let text = source.text
  if (source.body.model !== upstreamModel) text = withTopLevelField(text, 'model', JSON.stringify(upstreamModel))
  // An absent `stream` is Anthropic's false: left as it came.
  if ((source.body.stream === true) !== stream) text = withTopLevelField(text, 'stream', String(stream))
  if (source.body.max_tokens === undefined || source.body.max_tokens === null) {
    text = withTopLevelField(text, 'max_tokens', String(request.maxTokens ?? DEFAULT_MAX_TOKENS))
  }
  return text
}

function translate(request: ChatRequest, upstreamModel: string, stream: boolean): Record<string, unknown> {
  refuseUntranslatable(request, 'anthropic')
  const body: Record<string, unknown> = {
    model: upstreamModel,
    messages: toAnthropicMessages(request),
    max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
    stream,
  }
  const system = request.system.filter((text) => text !== '')
  // Anthropic has no JSON mode (only schemas): the model is told instead.
  if (request.responseFormat?.type === 'json_object') system.push(JSON_MODE_INSTRUCTION)
  if (system.length === 1) body.system = system[0]
  else if (system.length > 1) body.system = system.map((text) => ({ type: 'text', text }))
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.topP !== undefined) body.top_p = request.topP
  if (request.topK !== undefined) body.top_k = request.topK
  if (request.stop?.length) body.stop_sequences = request.stop
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      input_schema: tool.parameters,
    }))
  }
  const choice = toAnthropicToolChoice(request.toolChoice, request.parallelToolCalls === false)
  if (choice && request.tools?.length) body.tool_choice = choice
  if (request.user) body.metadata = { user_id: request.user }
  if (request.responseFormat?.type === 'json_schema') {
    body.output_config = { format: { type: 'json_schema', schema: request.responseFormat.schema } }
  }
  const budget = request.reasoning?.effort ? thinkingBudget(request.reasoning.effort, body.max_tokens as number) : null
  if (budget !== null) body.thinking = { type: 'enabled', budget_tokens: budget }
  return body
}

export const JSON_MODE_INSTRUCTION = 'Answer with a single JSON object and nothing else.'

/** Thinking tokens per effort level; Anthropic wants at least 1,024 and fewer than `max_tokens`. */
const THINKING_BUDGETS: Record<ReasoningEffort, number> = { minimal: 1024, low: 2048, medium: 8192, high: 24576 }

/** The budget for `effort` within `maxTokens`, or null when not even the minimum fits (then no thinking). */
export function thinkingBudget(effort: ReasoningEffort, maxTokens: number): number | null {
  const budget = Math.min(THINKING_BUDGETS[effort], maxTokens - 1)
  return budget >= 1024 ? budget : null
}

export function toAnthropicToolChoice(choice: ToolChoice | undefined, noParallel: boolean): Record<string, unknown> | undefined {
  const parallel = noParallel ? { disable_parallel_tool_use: true } : {}
  if (!choice) return noParallel ? { type: 'auto', ...parallel } : undefined
  switch (choice.type) {
    case 'none':
      return { type: 'none' }
    case 'auto':
      return { type: 'auto', ...parallel }
    case 'required':
      return { type: 'any', ...parallel }
    case 'tool':
      return { type: 'tool', name: choice.name, ...parallel }
  }
}

/** Anthropic tool ids must match `^[a-zA-Z0-9_-]+$`; some vendors' ids (`functions.f:0`) do not. */
export const anthropicToolId = (id: string) => id.replace(/[^a-zA-Z0-9_-]/g, '_')

function imageBlock(source: ImageSource): AnthropicImageBlock {
  return {
    type: 'image',
    source: source.kind === 'url' ? { type: 'url', url: source.url } : { type: 'base64', media_type: source.mediaType, data: source.data },
  }
}

function toolInput(args: string, at: string): Record<string, unknown> {
  if (args.trim() === '') return {}
  // Arguments are JSON inside a string: the body's depth check never saw their nesting.
  if (tooDeepPath(args) !== null) {
    throw new GatewayError('invalid_body', `${at}: tool call arguments nest deeper than ${MAX_JSON_DEPTH} levels.`, { param: at })
  }
  try {
    const input: unknown = JSON.parse(args)
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input as Record<string, unknown>
  } catch {
    // reported below
  }
  throw new GatewayError('invalid_body', `${at}: tool call arguments must be a JSON object to reach an Anthropic model.`, { param: at })
}

function toBlock(part: ContentPart, at: string): AnthropicContentBlock {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text }
    case 'image':
      return imageBlock(part.source)
    case 'tool_call':
      return { type: 'tool_use', id: anthropicToolId(part.id), name: part.name, input: toolInput(part.arguments, at) }
    case 'tool_result': {
      const content: string | Array<AnthropicTextBlock | AnthropicImageBlock> =
        typeof part.content === 'string'
          ? part.content
          : part.content.flatMap(
              (p): Array<AnthropicTextBlock | AnthropicImageBlock> =>
                p.type === 'text' ? [{ type: 'text', text: p.text }] : p.type === 'image' ? [imageBlock(p.source)] : [],
            )
      return { type: 'tool_result', tool_use_id: anthropicToolId(part.toolCallId), content, ...(part.isError ? { is_error: true } : {}) }
    }
  }
}

/** Empty turns are skipped and consecutive turns of one role merged, as Anthropic expects. */
function toAnthropicMessages(request: ChatRequest): AnthropicMessage[] {
  const out: AnthropicMessage[] = []
  request.messages.forEach((message, i) => {
    const blocks = message.content.filter((part) => part.type !== 'text' || part.text !== '').map((part) => toBlock(part, `messages[${i}]`))
    if (blocks.length === 0) return
    const previous = out[out.length - 1]
    if (previous?.role === message.role) previous.content.push(...blocks)
    else out.push({ role: message.role, content: blocks })
  })
  return out
}
