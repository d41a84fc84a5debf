// Conservative prompt-token estimates, cheap enough for the hot path (no tokenizer pass).
import type { ChatRequest, ContentPart } from '../providers/types'

/** Tokens one image may cost at most (Anthropic's ~1,600 for a full-size image; OpenAI's high detail is less). */
export const IMAGE_TOKENS = 1600
/** Role markers and separators each message costs (OpenAI documents 3–4). */
export const MESSAGE_OVERHEAD_TOKENS = 4

/**
 * Upper-bound token count of a text without tokenizing it. Latin text runs ~4 characters per
 * token in GPT/Claude tokenizers, CJK ~0.6–1.2 tokens per character; we count 1 token per 3
 * ASCII characters and 1.5 per non-ASCII character. Both counts come from native calls
 * (`length`, `Buffer.byteLength`), so a 1 MB prompt costs well under a millisecond.
 */
export function estimateTextTokens(text: string): number {
  if (text.length === 0) return 0
  const bytes = Buffer.byteLength(text, 'utf8')
  // Each non-ASCII UTF-16 unit takes 2–3 UTF-8 bytes (surrogate pairs: 4 bytes for 2 units):
  // (bytes − length) / 1 over-counts 2-byte letters and 3-byte CJK alike, which is the safe side.
  const nonAscii = Math.min(text.length, bytes - text.length)
  const ascii = text.length - nonAscii
  return Math.ceil(ascii / 3 + nonAscii * 1.5)
}

function partTokens(part: ContentPart): number {
  switch (part.type) {
    case 'text':
      return estimateTextTokens(part.text)
    case 'image':
      return IMAGE_TOKENS
    case 'tool_call':
      return estimateTextTokens(part.name) + estimateTextTokens(part.arguments)
    case 'tool_result':
      return typeof part.content === 'string' ? estimateTextTokens(part.content) : part.content.reduce((n, p) => n + partTokens(p), 0)
  }
}

/** Estimated prompt tokens of a chat request: system, messages, tool definitions. */
export function estimatePromptTokens(request: ChatRequest): number {
  let tokens = 0
  for (const text of request.system) tokens += estimateTextTokens(text) + MESSAGE_OVERHEAD_TOKENS
  for (const message of request.messages) {
    tokens += MESSAGE_OVERHEAD_TOKENS
    for (const part of message.content) tokens += partTokens(part)
  }
  for (const tool of request.tools ?? []) {
    tokens += estimateTextTokens(tool.name) + estimateTextTokens(tool.description ?? '') + estimateTextTokens(JSON.stringify(tool.parameters))
  }
  return tokens
}

/** Estimated tokens of embedding inputs (token arrays count exactly). */
export function estimateEmbeddingTokens(input: string[] | number[][]): number {
  let tokens = 0
  for (const item of input) tokens += typeof item === 'string' ? estimateTextTokens(item) : item.length
  return tokens
}
