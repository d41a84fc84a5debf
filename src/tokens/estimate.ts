// Token estimates of whole requests (prompt, tools, images) and of what a stream relayed.
import type { ChatRequest, ContentPart, OpaqueContent } from '../providers/types'
import { promptCount } from '../formats/completions/request'
import { estimateText, type TokenEstimate } from './token-count'

export { estimateText, type TokenEstimate } from './token-count'

/** Tokens one image may cost at most (Anthropic's ~1,600 for a full-size image; OpenAI's high detail is less). */
export const IMAGE_TOKENS = 1600
/** The least an image costs (OpenAI's low detail: 85). */
export const IMAGE_TOKENS_LOW = 85
/** Role markers and separators each message costs (OpenAI documents 3–4). */
export const MESSAGE_OVERHEAD_TOKENS = 4
/**
 * The system prompt an upstream adds when a request offers tools: Anthropic documents 159–530
 * tokens by model and tool choice; OpenAI's wrapping of function definitions is smaller.
 */
export const TOOLS_OVERHEAD_TOKENS = 600

const ZERO: TokenEstimate = { high: 0, low: 0 }
const add = (a: TokenEstimate, b: TokenEstimate): TokenEstimate => ({ high: a.high + b.high, low: a.low + b.low })

function partTokens(part: ContentPart): TokenEstimate {
  switch (part.type) {
    case 'text':
      return estimateText(part.text)
    case 'image':
      return { high: IMAGE_TOKENS, low: IMAGE_TOKENS_LOW }
    case 'tool_call':
      return add(estimateText(part.name), estimateText(part.arguments))
    case 'tool_result':
      return typeof part.content === 'string' ? estimateText(part.content) : part.content.reduce((n, p) => add(n, partTokens(p)), ZERO)
  }
}

/** UTF-8 bytes of a value's JSON: text never has fewer bytes than tokens, and the JSON around it only adds bytes. */
const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '')

/** Content outside the shared messages: no lower estimate, an upper bound by its kind. */
function opaqueTokens(content: OpaqueContent): TokenEstimate {
  switch (content.kind) {
    case 'inline':
      return { high: jsonBytes(content.value), low: 0 }
    case 'image':
      return { high: IMAGE_TOKENS, low: 0 }
    case 'unbounded':
      return { high: Number.POSITIVE_INFINITY, low: 0 }
  }
}

/**
 * Estimated prompt tokens of a chat request: system, messages, tool definitions, and what
 * reaches a same-format upstream outside them. `high` is infinite when the request carries
 * content nothing in it bounds (a PDF, a file id, server tools): the hold then takes the whole
 * context window, the most an upstream bills for one prompt.
 */
export function estimatePrompt(request: ChatRequest): TokenEstimate {
  let tokens = ZERO
  const overhead = { high: MESSAGE_OVERHEAD_TOKENS, low: 0 }
  for (const text of request.system) tokens = add(tokens, add(estimateText(text), overhead))
  for (const message of request.messages) {
    tokens = add(tokens, overhead)
    for (const part of message.content) tokens = add(tokens, partTokens(part))
  }
  for (const tool of request.tools ?? []) {
    tokens = add(tokens, estimateText(tool.name))
    tokens = add(tokens, estimateText(tool.description ?? ''))
    tokens = add(tokens, estimateText(JSON.stringify(tool.parameters)))
  }
  if (request.tools?.length) tokens = add(tokens, { high: TOOLS_OVERHEAD_TOKENS, low: 0 })
  for (const content of request.opaque ?? []) tokens = add(tokens, opaqueTokens(content))
  return tokens
}

/** Estimated tokens of embedding inputs (token arrays count exactly). */
export function estimateEmbeddingTokens(input: string[] | number[][]): number {
  let tokens = 0
  for (const item of input) tokens += typeof item === 'string' ? estimateText(item).high : item.length
  return tokens
}

/**
 * How many answers the upstream generates: OpenAI's `n` (each one bills its own completion
 * tokens), and for legacy Completions `best_of` per prompt. Other formats always ask for one.
 */
export function choicesOf(request: ChatRequest): number {
  const { format, body } = request.source
  if (format === 'openai') return count(body.n)
  // Legacy Completions: each prompt generates `best_of` candidates (billed, `n` of them returned).
  if (format === 'completions') return Math.max(count(body.n), count(body.best_of)) * promptCount(body)
  return 1
}

const count = (n: unknown) => (typeof n === 'number' && Number.isInteger(n) && n > 1 ? n : 1)

/** Output tokens counted from relayed text, when the upstream never reported usage. */
export function relayedOutputTokens(relayed: string[]): number {
  // Pieces are joined first: a stream splits words anywhere, and each piece rounded up alone would
  // count a token per fragment.
  return estimateText(relayed.join('')).high
}
