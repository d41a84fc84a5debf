// The mock's deterministic "model": the same prompt always gives the same words and the same usage.
import { jsonPieces, mockJson } from './json'

const VOCABULARY = (
  'the gateway answers every request with care and the ledger keeps each cent where it belongs ' +
  'tokens flow through streams while limits watch the window and keys open only their own doors ' +
  'mock replies are short honest and repeatable so tests can count on them'
).split(' ')

/** The mock's tokenizer: one token per 4 UTF-8 bytes, at least one for non-empty text. */
export function mockTokenCount(text: string): number {
  if (text.length === 0) return 0
  return Math.max(1, Math.ceil(Buffer.byteLength(text, 'utf8') / 4))
}

export interface MockReply {
  /** Each piece is one output token and one stream chunk. */
  pieces: string[]
  finish: 'stop' | 'length'
}

/**
 * A reply of 6–25 words chosen by a hash of the prompt, cut at `maxTokens` (finish `length`).
 * Every piece counts as exactly one completion token.
 */
export function mockReply(prompt: string, maxTokens: number | null): MockReply {
  let seed = Number(Bun.hash.wyhash(prompt, 7n) & 0xffffffffn)
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed
  }
  const length = 6 + (next() % 20)
  const pieces: string[] = []
  for (let i = 0; i < length; i++) {
    const word = VOCABULARY[next() % VOCABULARY.length]!
    pieces.push(i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : ` ${word}`)
  }
  pieces[pieces.length - 1] += '.'
  if (maxTokens !== null && maxTokens < pieces.length) return { pieces: pieces.slice(0, maxTokens), finish: 'length' }
  return { pieces, finish: 'stop' }
}

/** A deterministic unit vector of `dimensions` floats for an embedding input. */
export function mockEmbedding(input: string, dimensions: number): number[] {
  let seed = Number(Bun.hash.wyhash(input, 11n) & 0xffffffffn)
  const vector: number[] = []
  let norm = 0
  for (let i = 0; i < dimensions; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    const value = (seed / 0xffffffff) * 2 - 1
    vector.push(value)
    norm += value * value
  }
  const scale = 1 / Math.sqrt(norm || 1)
  return vector.map((v) => Math.round(v * scale * 1e6) / 1e6)
}

/** A stable id derived from the prompt, so identical requests get identical answers. */
export function mockId(prefix: string, prompt: string): string {
  return `${prefix}${(Bun.hash.wyhash(prompt, 3n) & 0xffffffffffffn).toString(36)}`
}

export interface MockToolCall {
  id: string
  name: string
  /** JSON text, split into the pieces a stream sends. */
  argumentPieces: string[]
}

export interface MockAnswer {
  /** Text pieces (one token each); empty when the answer is a tool call. */
  pieces: string[]
  toolCall: MockToolCall | null
  finish: 'stop' | 'length' | 'tool_calls'
  promptTokens: number
  /** Prompt tokens the mock reports as served from its cache (see `MOCK_CACHE_PREFIX`, `withCacheBreakpoints`). */
  cachedTokens: number
  /** Prompt tokens the mock reports as written to its cache with a 5-minute lifetime. */
  cacheWriteTokens: number
  /** … with a 1-hour lifetime. */
  cacheWrite1hTokens: number
  completionTokens: number
}

/** Prompts this long report their first 1,024 tokens as cached, like OpenAI's prompt caching. */
export const MOCK_CACHE_PREFIX = 1024

/** OpenAI caches prompts in 128-token increments past the first 1,024. */
export const MOCK_CACHE_BLOCK = 128

/**
 * A request with OpenAI's `prompt_cache_key` also writes what it did not read: the prompt past
 * the 1,024-token read, in whole 128-token blocks (`cache_write_tokens`).
 */
export function withPromptCacheKey(answer: MockAnswer, key: unknown): MockAnswer {
  if (typeof key !== 'string' || key === '' || answer.promptTokens <= MOCK_CACHE_PREFIX) return answer
  const rest = answer.promptTokens - answer.cachedTokens
  return { ...answer, cacheWriteTokens: Math.floor(rest / MOCK_CACHE_BLOCK) * MOCK_CACHE_BLOCK }
}

/** A `cache_control` breakpoint: the prompt tokens up to the end of the marked block, and its lifetime. */
export interface CacheBreakpoint {
  tokens: number
  ttl: '5m' | '1h'
}

/**
 * Anthropic's explicit caching, deterministically: with breakpoints b1 < … < bk, the prompt up to
 * the one before the last (b(k−1)) is read from the cache, as an earlier turn of the same
 * conversation would have written it, and the part from there to the last breakpoint (bk) is
 * written with the last breakpoint's lifetime; the rest is uncached. One breakpoint: all of the
 * prefix is written (a first turn). This is how Claude Code marks its turns. Breakpoints replace
 * the automatic 1,024-token read.
 */
export function withCacheBreakpoints(answer: MockAnswer, breakpoints: CacheBreakpoint[]): MockAnswer {
  if (breakpoints.length === 0) return answer
  const at = breakpoints.map((b) => Math.min(b.tokens, answer.promptTokens)).sort((a, b) => a - b)
  const last = at[at.length - 1]!
  const read = at.length > 1 ? at[at.length - 2]! : 0
  const written = last - read
  const hour = breakpoints.reduce((a, b) => (b.tokens >= a.tokens ? b : a)).ttl === '1h'
  return { ...answer, cachedTokens: read, cacheWriteTokens: hour ? 0 : written, cacheWrite1hTokens: hour ? written : 0 }
}

/** The longest echo of a tool result, in pieces (tokens): enough for a file's first lines. */
export const MOCK_ECHO_PIECES = 200

/**
 * Directives a prompt may carry so that a real client (Claude Code, Codex) gets a sensible turn
 * from the mock, in every wire format. Only the last user turn is read, the last directive wins:
 *
 * - `[[mock-reply TEXT]]`: answer exactly TEXT, even when tools are offered.
 * - `[[mock-tool NAME {JSON}]]`: call the offered tool NAME with these arguments; once the
 *   conversation ends on that tool's result, the answer echoes the result's text.
 *
 * A conversation with a directive anywhere is directed: where its last user turn has none (a
 * client added a turn of its own, such as a summary after compaction), the answer is text.
 */
export type MockDirective = { kind: 'reply'; text: string } | { kind: 'tool'; name: string; args: string }

const DIRECTIVE = /\[\[mock-(reply|tool) ([\s\S]*?)\]\]/g

/** The last directive in a text, or null. A tool directive whose arguments are not a JSON object is ignored. */
export function mockDirective(text: string): MockDirective | null {
  let found: MockDirective | null = null
  for (const match of text.matchAll(DIRECTIVE)) {
    const body = match[2]!
    if (match[1] === 'reply') {
      found = { kind: 'reply', text: body }
      continue
    }
    const space = body.search(/\s/)
    if (space <= 0) continue
    const args = body.slice(space).trim()
    try {
      const parsed: unknown = JSON.parse(args)
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) continue
    } catch {
      continue
    }
    found = { kind: 'tool', name: body.slice(0, space), args }
  }
  return found
}

/** Text as pieces of one word each (leading whitespace kept), so each is one token and one chunk. */
const wordPieces = (text: string): string[] => text.match(/\s*\S+\s*$|\s*\S+/g) ?? []

/**
 * What the mock answers, independent of wire format: a tool call when tools are offered, allowed,
 * and the conversation ends on a user turn (not a tool result); text otherwise. A directive in
 * the last user turn (see `MockDirective`) picks the reply or the tool call instead.
 *
 * @param promptText every text of the request, joined (system, messages, tool results)
 * @param extraPromptTokens per-message and per-image overhead the wire handler counted
 */
export function mockAnswer(options: {
  promptText: string
  extraPromptTokens: number
  maxTokens: number | null
  tool: { name: string } | null
  lastUserText: string
  /** Structured output asked for: the answer is JSON of this schema. */
  schema?: unknown
  /** Every tool offered by name: a tool directive may call any of them. */
  toolNames?: string[]
  /** The text of the tool result the conversation ends on, when it ends on one. */
  toolResult?: string | null
}): MockAnswer {
  const promptTokens = mockTokenCount(options.promptText) + options.extraPromptTokens
  const cachedTokens = promptTokens > MOCK_CACHE_PREFIX ? MOCK_CACHE_PREFIX : 0
  const text = (pieces: string[]): MockAnswer => {
    const cut = options.maxTokens !== null && options.maxTokens < pieces.length
    const kept = cut ? pieces.slice(0, options.maxTokens!) : pieces
    return {
      pieces: kept,
      toolCall: null,
      finish: cut ? 'length' : 'stop',
      promptTokens,
      cachedTokens,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      completionTokens: kept.length,
    }
  }
  const call = (name: string, args: string): MockAnswer => {
    const cut = Math.ceil(args.length / 2)
    return {
      pieces: [],
      toolCall: { id: mockId('call_', options.promptText), name, argumentPieces: [args.slice(0, cut), args.slice(cut)] },
      finish: 'tool_calls',
      promptTokens,
      cachedTokens,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      completionTokens: mockTokenCount(name) + mockTokenCount(args),
    }
  }
  const directive = mockDirective(options.lastUserText)
  if (directive?.kind === 'reply') return text(wordPieces(directive.text))
  if (directive?.kind === 'tool' && options.tool && (options.toolNames ?? [options.tool.name]).includes(directive.name)) {
    return call(directive.name, directive.args)
  }
  // The result of a directed call: echo it, so a test sees the tool's output in the client's answer.
  if (options.toolResult != null && mockDirective(options.promptText)?.kind === 'tool') {
    return text(wordPieces(options.toolResult).slice(0, MOCK_ECHO_PIECES))
  }
  // A directed conversation is answered only as its directives say: no call of the first tool on a later turn.
  const directed = mockDirective(options.promptText) !== null
  if (options.tool && !directed) return call(options.tool.name, JSON.stringify({ query: options.lastUserText.slice(0, 40) }))
  if (options.schema !== undefined) return text(jsonPieces(mockJson(options.schema, options.promptText)))
  return text(mockReply(options.promptText, null).pieces)
}
