// OpenAI request body → shared request (validated; fields other formats cannot carry are noted).
import { GatewayError } from '../../errors'
import type { ChatRequest, ContentPart, EmbedRequest, ImageSource, Message, OpaqueContent, ToolChoice } from '../../providers/types'
import { extraFields, unknownContent } from '../opaque'
import { effortOf } from '../reasoning'
import { openAIResponseFormat } from '../response-format'
import { bodyValidator } from '../validate'
import { OpenAIChatBody, OpenAIEmbeddingBody, type OpenAIChatMessage, type OpenAIContentPart } from './schema'

const validateChat = bodyValidator(OpenAIChatBody)
const validateEmbedding = bodyValidator(OpenAIEmbeddingBody)

/** `data:image/png;base64,...` → base64 source; any other URL stays a URL. */
export function imageSourceFromUrl(url: string): ImageSource {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url)
  return match ? { kind: 'base64', mediaType: match[1]!, data: match[2]! } : { kind: 'url', url }
}

/** What the parse gathers besides the shared messages. */
interface Leftovers {
  untranslatable: string[]
  opaque: OpaqueContent[]
}

/**
 * A part the shared type cannot carry, bounded for the estimate: audio by its bytes (a second
 * of audio is ~10 tokens and far more bytes), files unbounded (a PDF's pages are rendered as
 * images; a file id's size is unknown), anything else by its bytes unless it names content elsewhere.
 */
function opaquePart(part: OpenAIContentPart, at: string): OpaqueContent {
  switch (part.type) {
    case 'input_audio':
      return { kind: 'inline', path: at, value: (part as { input_audio: unknown }).input_audio }
    case 'file':
      return { kind: 'unbounded', path: at }
    default:
      return unknownContent(part, at)
  }
}

function contentParts(content: OpenAIChatMessage['content'], path: string, left: Leftovers): ContentPart[] {
  if (content === undefined || content === null) return []
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }]
  const parts: ContentPart[] = []
  content.forEach((part, i) => {
    if (part.type === 'text') parts.push({ type: 'text', text: (part as { text: string }).text })
    else if (part.type === 'image_url')
      parts.push({ type: 'image', source: imageSourceFromUrl((part as { image_url: { url: string } }).image_url.url) })
    else {
      left.untranslatable.push(`${path}[${i}].type=${part.type}`)
      left.opaque.push(opaquePart(part, `${path}[${i}]`))
    }
  })
  return parts
}

/** Message fields the shared type models; any other (`name`, a legacy `function_call`, `refusal`) still reaches the upstream. */
const MESSAGE_FIELDS = ['role', 'content', 'tool_calls', 'tool_call_id'] as const

/**
 * Top-level fields whose content the upstream reads as prompt: schemas and legacy function
 * definitions by their bytes; web search adds pages the request does not carry.
 */
function opaqueFields(body: Record<string, unknown>): OpaqueContent[] {
  const out: OpaqueContent[] = []
  for (const field of ['response_format', 'functions'] as const) {
    if (body[field] !== undefined && body[field] !== null) out.push({ kind: 'inline', path: field, value: body[field] })
  }
  if (body.web_search_options !== undefined && body.web_search_options !== null) out.push({ kind: 'unbounded', path: 'web_search_options' })
  return out
}

/**
 * Reasoning an assistant turn carries back: `thinking_blocks` (Claude's blocks with their
 * signatures, as LiteLLM and token-hub hand them out) or else `reasoning_content` (DeepSeek, Kimi,
 * Qwen and GLM return it, and some want it back on the next turn).
 */
function assistantReasoning(message: Record<string, unknown>): ContentPart[] {
  const blocks = message.thinking_blocks
  if (Array.isArray(blocks)) {
    return blocks.flatMap((raw): ContentPart[] => {
      const block = raw as Record<string, unknown>
      if (block.type === 'thinking' && typeof block.thinking === 'string') {
        const signature = typeof block.signature === 'string' ? { signature: block.signature } : {}
        return [{ type: 'reasoning', text: block.thinking, ...signature, issuer: 'anthropic' }]
      }
      if (block.type === 'redacted_thinking' && typeof block.data === 'string')
        return [{ type: 'reasoning', text: '', redacted: block.data, issuer: 'anthropic' }]
      return []
    })
  }
  const text = message.reasoning_content
  return typeof text === 'string' && text !== '' ? [{ type: 'reasoning', text, issuer: 'openai' }] : []
}

const textOf = (parts: ContentPart[]) => parts.map((p) => (p.type === 'text' ? p.text : '')).join('')

/** Fields OpenAI-format upstreams understand and other formats have no equivalent for. */
const OPENAI_ONLY_FIELDS = [
  'n',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'presence_penalty',
  'frequency_penalty',
  'audio',
  'modalities',
  'prediction',
  'functions',
  'function_call',
  'web_search_options',
] as const

/**
 * Fields that steer how an answer is produced or kept but not what it says: dropped (and noted in
 * the log row) when the request is translated. `safety_identifier` still becomes the end-user id;
 * `prompt_cache_key` is carried (promptCacheKey) and the provider says whether it has a slot for it.
 */
const HINT_FIELDS = ['seed', 'service_tier', 'store', 'metadata', 'prompt_cache_retention', 'safety_identifier', 'verbosity'] as const

function hintFields(body: Record<string, unknown>): string[] {
  return HINT_FIELDS.filter((field) => body[field] !== undefined && body[field] !== null && body[field] !== false)
}

function untranslatableFields(body: Record<string, unknown>): string[] {
  const out: string[] = []
  for (const field of OPENAI_ONLY_FIELDS) {
    const value = body[field]
    if (value === undefined || value === null) continue
    // Defaults are harmless: n=1, zero penalties, text responses, no logprobs.
    if (field === 'n' && value === 1) continue
    if ((field === 'presence_penalty' || field === 'frequency_penalty') && value === 0) continue
    if (field === 'logprobs' && value === false) continue
    out.push(field)
  }
  // Mapped when their shape is OpenAI's; anything else only an OpenAI-format upstream can judge.
  if (openAIResponseFormat(body.response_format) === null) out.push('response_format')
  if (body.reasoning_effort != null && effortOf(body.reasoning_effort) === undefined) out.push('reasoning_effort')
  return out
}

export function parseOpenAIChat(raw: Record<string, unknown>): ChatRequest {
  const body = validateChat(raw)
  const untranslatable = untranslatableFields(raw)
  const left: Leftovers = { untranslatable, opaque: opaqueFields(raw) }
  const system: string[] = []
  const messages: Message[] = []
  body.messages.forEach((message, i) => {
    const path = `messages[${i}].content`
    const parts = contentParts(message.content, path, left)
    const extras = extraFields(message as Record<string, unknown>, MESSAGE_FIELDS, `messages[${i}]`)
    // An assistant's `audio` names an earlier spoken answer, billed again as audio tokens of unknown count.
    for (const extra of extras) left.opaque.push(extra.path.endsWith('.audio') ? { kind: 'unbounded', path: extra.path } : extra)
    switch (message.role) {
      case 'system':
      case 'developer':
        if (parts.some((p) => p.type !== 'text')) {
          throw new GatewayError('invalid_body', 'System messages may only contain text.', { param: path })
        }
        system.push(textOf(parts))
        return
      case 'user':
        messages.push({ role: 'user', content: parts })
        return
      case 'assistant':
        parts.unshift(...assistantReasoning(message as Record<string, unknown>))
        for (const call of message.tool_calls ?? []) {
          parts.push({ type: 'tool_call', id: call.id, name: call.function.name, arguments: call.function.arguments })
        }
        messages.push({ role: 'assistant', content: parts })
        return
      case 'tool': {
        if (!message.tool_call_id) {
          throw new GatewayError('invalid_body', "Tool messages need 'tool_call_id'.", { param: `messages[${i}].tool_call_id` })
        }
        // Only the text crosses to other formats; an image an OpenAI-format upstream reads is still held for.
        parts.forEach((p, j) => {
          if (p.type !== 'text') left.opaque.push({ kind: 'image', path: `${path}[${j}]` })
        })
        const result: ContentPart = { type: 'tool_result', toolCallId: message.tool_call_id, content: textOf(parts) }
        const previous = messages[messages.length - 1]
        // Consecutive tool results answer one assistant turn: keep them in one user turn.
        if (previous?.role === 'user' && previous.content.every((p) => p.type === 'tool_result')) previous.content.push(result)
        else messages.push({ role: 'user', content: [result] })
        return
      }
    }
  })
  const responseFormat = openAIResponseFormat(raw.response_format) ?? undefined
  const effort = effortOf(raw.reasoning_effort)
  const user = body.user ?? (typeof raw.safety_identifier === 'string' ? raw.safety_identifier : undefined)
  const hints = hintFields(raw)
  const stop = body.stop === undefined || body.stop === null ? undefined : typeof body.stop === 'string' ? [body.stop] : body.stop
  return {
    model: body.model,
    system,
    messages,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    stop,
    tools: body.tools?.map((tool) => ({
      name: tool.function.name,
      description: tool.function.description,
      parameters: tool.function.parameters ?? { type: 'object', properties: {} },
    })),
    toolChoice: toolChoiceOf(body.tool_choice),
    // `top_k` is not OpenAI's, but vLLM-style servers and OpenAI-format clients of them send it.
    ...(typeof raw.top_k === 'number' ? { topK: raw.top_k } : {}),
    ...(body.parallel_tool_calls === false ? { parallelToolCalls: false } : {}),
    ...(user ? { user } : {}),
    ...(responseFormat ? { responseFormat } : {}),
    // Reasoning models of OpenAI-compatible vendors return their reasoning text: ask the same of others.
    ...(effort ? { reasoning: { effort, summary: effort !== 'none' } } : {}),
    ...(typeof raw.prompt_cache_key === 'string' ? { promptCacheKey: raw.prompt_cache_key } : {}),
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    source: { format: 'openai', body: raw },
    untranslatable,
    opaque: left.opaque,
    ...(hints.length > 0 ? { leftOut: hints } : {}),
  }
}

function toolChoiceOf(choice: OpenAIChatBody['tool_choice']): ToolChoice | undefined {
  if (choice === undefined) return undefined
  if (typeof choice === 'object') return { type: 'tool', name: choice.function.name }
  return { type: choice }
}

export function parseOpenAIEmbedding(raw: Record<string, unknown>): EmbedRequest {
  const body = validateEmbedding(raw)
  const input = body.input
  const normalized: string[] | number[][] =
    typeof input === 'string' ? [input] : typeof input[0] === 'number' ? [input as number[]] : (input as string[] | number[][])
  return {
    model: body.model,
    input: normalized,
    dimensions: body.dimensions,
    encodingFormat: body.encoding_format,
    source: { format: 'openai', body: raw },
  }
}
