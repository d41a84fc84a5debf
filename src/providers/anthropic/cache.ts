// Automatic prompt-cache breakpoints for requests translated to Claude, whose clients cannot mark them.

/** Anthropic allows at most four `cache_control` breakpoints per request. */
export const MAX_BREAKPOINTS = 4

/**
 * The shortest prefix Anthropic caches, in tokens, per model family (Anthropic's prompt-caching
 * docs): a shorter prefix is sent uncached (no error, no write charge), so a breakpoint there
 * would only clutter the request. Models not listed (newer ones) use 1,024.
 */
const MINIMUM_CACHEABLE: Array<[RegExp, number]> = [
  [/claude-(?:opus-4-[56]|haiku-4-5)/, 4096],
  [/claude-(?:3-5-haiku|3-haiku|haiku-3)/, 2048],
]
export const DEFAULT_MINIMUM_CACHEABLE = 1024

export function minimumCacheable(model: string): number {
  return MINIMUM_CACHEABLE.find(([pattern]) => pattern.test(model))?.[1] ?? DEFAULT_MINIMUM_CACHEABLE
}

/** A likely token count (UTF-8 bytes / 4): the floor only decides whether a breakpoint is worth placing. */
const tokensOf = (value: unknown) => Math.ceil(new TextEncoder().encode(JSON.stringify(value)).length / 4)

type Block = Record<string, unknown>
const EPHEMERAL = { type: 'ephemeral' }
/** Thinking blocks cannot carry a breakpoint themselves. */
const markable = (block: Block) => block.type !== 'thinking' && block.type !== 'redacted_thinking'

/**
 * Marks, in Anthropic's prefix order (tools, system, messages), the last tool, the last system
 * block, the end of the previous user turn and the end of the conversation, each only where the
 * prefix up to it reaches the model's minimum; at most four. A later request that repeats the
 * prefix then reads it at 0.1× the input price, after one write at 1.25×. Mutates `body`.
 */
export function addCacheBreakpoints(body: Record<string, unknown>, upstreamModel: string): void {
  const minimum = minimumCacheable(upstreamModel)
  const marks: Block[] = []
  let prefix = 0
  const consider = (block: Block | undefined, tokens: number) => {
    prefix += tokens
    if (block && prefix >= minimum) marks.push(block)
  }
  const tools = body.tools as Block[] | undefined
  if (tools?.length) consider(tools[tools.length - 1], tokensOf(tools))
  // A string system prompt becomes one block only if it gets the mark.
  const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : (body.system as Block[] | undefined)
  if (system?.length) consider(system[system.length - 1], tokensOf(system))
  const messages = (body.messages ?? []) as Array<{ role: string; content: Block[] }>
  const lastUser = messages.findLastIndex((m) => m.role === 'user')
  const previousUser = messages.slice(0, lastUser).findLastIndex((m) => m.role === 'user')
  messages.forEach((message, i) => {
    const last = message.content.findLast(markable)
    consider(i === previousUser || i === messages.length - 1 ? last : undefined, tokensOf(message.content))
  })
  // The later marks cover the longer prefixes: keep those when there are too many.
  for (const block of marks.slice(-MAX_BREAKPOINTS)) block.cache_control = { ...EPHEMERAL }
  if (system?.some((block) => block.cache_control)) body.system = system
}
