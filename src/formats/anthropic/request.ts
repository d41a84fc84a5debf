// Anthropic Messages request body → shared request (validated; fields other formats cannot carry are noted).
import type {
  ChatRequest,
  ContentPart,
  ImageSource,
  Message,
  OpaqueContent,
  ReasoningEffort,
  ToolChoice,
  ToolDefinition,
} from '../../providers/types'
import { extraFields, unknownContent } from '../opaque'
import { bodyValidator } from '../validate'
import { AnthropicMessagesBody, type AnthropicMessage, type ContentBlock } from './schema'

const validate = bodyValidator(AnthropicMessagesBody)

type Block = { type: string } & Record<string, unknown>

/**
 * Top-level fields only Anthropic upstreams understand. `cache_control` hints are not listed:
 * they change what a call costs, never what it answers, and other providers cache on their own.
 */
const ANTHROPIC_ONLY_FIELDS = [
  'thinking',
  'container',
  'mcp_servers',
  'context_management',
  'output_config',
  'output_format',
  'inference_geo',
  'speed',
  'service_tier',
] as const

/** Anthropic's `output_config.effort` as the shared effort (`max` is the most there is elsewhere: high). */
const EFFORTS: Record<string, ReasoningEffort> = { low: 'low', medium: 'medium', high: 'high', max: 'high' }

/** `output_config` holding only a known effort: it crosses as the shared reasoning effort. */
const effortOnly = (value: unknown): ReasoningEffort | null => {
  const config = value as Record<string, unknown>
  const keys = Object.keys(config)
  return keys.length === 1 && keys[0] === 'effort' && typeof config.effort === 'string' ? (EFFORTS[config.effort] ?? null) : null
}

function untranslatableFields(body: Record<string, unknown>): string[] {
  const out: string[] = []
  for (const field of ANTHROPIC_ONLY_FIELDS) {
    const value = body[field]
    if (value === undefined || value === null) continue
    // Defaults are harmless: thinking disabled, automatic service tier.
    if (field === 'thinking' && (value as { type?: string }).type === 'disabled') continue
    // Adaptive thinking leaves the depth to the model, as a model's default reasoning does.
    if (field === 'thinking' && (value as { type?: string }).type === 'adaptive') continue
    if (field === 'output_config' && effortOnly(value) !== null) continue
    // Server-side clearing of old tool results is a hint: a translated model gets the whole history (README).
    if (field === 'context_management') continue
    if (field === 'service_tier' && value === 'auto') continue
    out.push(field)
  }
  return out
}

/** Reasoning the client asked for: `output_config.effort` (Claude Code sends it beside adaptive thinking). */
function reasoningOf(body: Record<string, unknown>): ChatRequest['reasoning'] {
  const effort = body.output_config === undefined || body.output_config === null ? null : effortOnly(body.output_config)
  return effort === null ? undefined : { effort }
}

/** What the parse gathers besides the shared messages. */
interface Leftovers {
  untranslatable: string[]
  opaque: OpaqueContent[]
}

function imageSource(source: Block, path: string, left: Leftovers): ImageSource | null {
  if (source.type === 'base64') return { kind: 'base64', mediaType: source.media_type as string, data: source.data as string }
  if (source.type === 'url') return { kind: 'url', url: source.url as string }
  left.untranslatable.push(`${path}.source.type=${source.type}`)
  left.opaque.push({ kind: 'image', path })
  return null
}

/**
 * A block the shared type cannot carry, bounded for the estimate: a PDF (base64), or a document
 * by URL or file id, unbounded (pages are rendered as images, text is compressed, the size
 * unknown); a plain-text or content document, search results, thinking and unknown blocks by their bytes.
 */
function opaqueBlock(block: Block, at: string): OpaqueContent[] {
  if (block.type !== 'document') return [unknownContent(block, at)]
  const source = block.source as Block
  if (source.type === 'text') return [{ kind: 'inline', path: at, value: block }]
  if (source.type === 'content') {
    if (typeof source.content === 'string') return [{ kind: 'inline', path: at, value: block }]
    return (source.content as Block[]).map((inner, k) =>
      inner.type === 'image'
        ? { kind: 'image', path: `${at}.source.content[${k}]` }
        : { kind: 'inline', path: `${at}.source.content[${k}]`, value: inner },
    )
  }
  return [{ kind: 'unbounded', path: at }]
}

/**
 * The fields of each block type the shared parts carry. Any other field of a known block (a text
 * block's `citations` with their cited text, a tool's `input_examples`) still reaches an Anthropic
 * upstream, so the estimate bounds it by its bytes; `cache_control` is a hint, not prompt.
 */
const BLOCK_FIELDS: Record<string, readonly string[]> = {
  text: ['type', 'text', 'cache_control'],
  image: ['type', 'source', 'cache_control'],
  tool_use: ['type', 'id', 'name', 'input', 'cache_control'],
  tool_result: ['type', 'tool_use_id', 'content', 'is_error', 'cache_control'],
  tool: ['type', 'name', 'description', 'input_schema', 'cache_control'],
}

function keepExtras(object: Record<string, unknown>, kind: keyof typeof BLOCK_FIELDS, path: string, left: Leftovers) {
  for (const extra of extraFields(object, BLOCK_FIELDS[kind]!, path)) left.opaque.push(extra)
}

/** Text and image blocks (message content, tool results); anything else is noted as untranslatable. */
function mediaPart(block: Block, path: string, left: Leftovers): ContentPart | null {
  if (block.type === 'text' || block.type === 'image') keepExtras(block, block.type, path, left)
  if (block.type === 'text') return { type: 'text', text: block.text as string }
  if (block.type === 'image') {
    const source = imageSource(block.source as Block, path, left)
    return source ? { type: 'image', source } : null
  }
  left.untranslatable.push(`${path}.type=${block.type}`)
  for (const item of opaqueBlock(block, path)) left.opaque.push(item)
  return null
}

function contentParts(content: AnthropicMessage['content'], path: string, left: Leftovers): ContentPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }]
  const parts: ContentPart[] = []
  content.forEach((raw: ContentBlock, j) => {
    const block = raw as Block
    const at = `${path}[${j}]`
    if (block.type === 'tool_use') {
      keepExtras(block, 'tool_use', at, left)
      parts.push({ type: 'tool_call', id: block.id as string, name: block.name as string, arguments: JSON.stringify(block.input ?? {}) })
    } else if (block.type === 'tool_result') {
      keepExtras(block, 'tool_result', at, left)
      const result = block.content as string | Block[] | undefined
      const inner =
        result === undefined
          ? ''
          : typeof result === 'string'
            ? result
            : result.flatMap((b, k) => mediaPart(b, `${at}.content[${k}]`, left) ?? [])
      parts.push({
        type: 'tool_result',
        toolCallId: block.tool_use_id as string,
        content: inner,
        ...(block.is_error ? { isError: true } : {}),
      })
    } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      // A model's own reasoning means nothing to another one: dropped when translated (an Anthropic
      // upstream gets the body's bytes), and bounded by its bytes for the estimate.
      left.opaque.push(unknownContent(block, at))
    } else {
      const part = mediaPart(block, at, left)
      if (part) parts.push(part)
    }
  })
  return parts
}

function tools(body: AnthropicMessagesBody, left: Leftovers): ToolDefinition[] | undefined {
  if (!body.tools) return undefined
  const out: ToolDefinition[] = []
  body.tools.forEach((tool, i) => {
    if (tool.type !== undefined && tool.type !== 'custom') {
      left.untranslatable.push(`tools[${i}].type=${tool.type}`)
      // Anthropic's own tools bring their own prompts, and its server tools add what they search,
      // fetch or run to the input: nothing in the request bounds that.
      left.opaque.push({ kind: 'unbounded', path: `tools[${i}]` })
      return
    }
    keepExtras(tool as Record<string, unknown>, 'tool', `tools[${i}]`, left)
    const custom = tool as { name: string; description?: string; input_schema: Record<string, unknown> }
    out.push({ name: custom.name, description: custom.description, parameters: custom.input_schema })
  })
  return out
}

function toolChoice(choice: AnthropicMessagesBody['tool_choice']): ToolChoice | undefined {
  if (!choice) return undefined
  if (choice.type === 'tool') return { type: 'tool', name: choice.name }
  if (choice.type === 'any') return { type: 'required' }
  return { type: choice.type }
}

/**
 * Top-level fields whose content the upstream reads as prompt: output schemas by their bytes;
 * MCP servers and containers (skills) bring tools and files the request does not carry.
 */
function opaqueFields(body: Record<string, unknown>): OpaqueContent[] {
  const out: OpaqueContent[] = []
  for (const field of ['output_format', 'output_config'] as const) {
    if (body[field] !== undefined && body[field] !== null) out.push({ kind: 'inline', path: field, value: body[field] })
  }
  for (const field of ['mcp_servers', 'container'] as const) {
    if (body[field] !== undefined && body[field] !== null) out.push({ kind: 'unbounded', path: field })
  }
  return out
}

const KNOWN_ROLES = new Set(['user', 'assistant', 'system'])

/** `text`, the body as it came, lets an Anthropic upstream receive it byte for byte (see toAnthropicBodyText). */
export function parseAnthropicMessages(raw: Record<string, unknown>, text?: string): ChatRequest {
  const body = validate(raw)
  const untranslatable = untranslatableFields(raw)
  const left: Leftovers = { untranslatable, opaque: opaqueFields(raw) }
  const system =
    body.system === undefined
      ? []
      : typeof body.system === 'string'
        ? body.system === ''
          ? []
          : [body.system]
        : body.system.map((b, i) => {
            keepExtras(b, 'text', `system[${i}]`, left)
            return b.text
          })
  const messages: Message[] = []
  body.messages.forEach((message, i) => {
    const at = `messages[${i}]`
    if (!KNOWN_ROLES.has(message.role)) {
      // Only an Anthropic upstream knows what it means; the estimate bounds it by its bytes (or its reference).
      left.untranslatable.push(`${at}.role=${message.role}`)
      left.opaque.push(unknownContent(message, at))
      return
    }
    for (const extra of extraFields(message as Record<string, unknown>, ['role', 'content'], at)) left.opaque.push(extra)
    messages.push({ role: message.role as Message['role'], content: contentParts(message.content, `${at}.content`, left) })
  })
  const choice = body.tool_choice as { disable_parallel_tool_use?: boolean } | undefined
  const userId = body.metadata?.user_id
  const reasoning = reasoningOf(raw)
  return {
    model: body.model,
    system,
    messages,
    maxTokens: body.max_tokens ?? null,
    temperature: body.temperature,
    topP: body.top_p,
    topK: body.top_k,
    stop: body.stop_sequences?.length ? body.stop_sequences : undefined,
    tools: tools(body, left),
    toolChoice: toolChoice(body.tool_choice),
    ...(choice?.disable_parallel_tool_use ? { parallelToolCalls: false } : {}),
    ...(userId ? { user: userId } : {}),
    ...(reasoning ? { reasoning } : {}),
    stream: body.stream === true,
    // Anthropic streams always end with their usage (message_delta).
    includeUsage: true,
    source: { format: 'anthropic', body: raw, ...(text === undefined ? {} : { text }) },
    untranslatable,
    opaque: left.opaque,
  }
}
