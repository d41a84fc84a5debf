// Legacy Completions request body → shared request: the prompt becomes one user turn of a chat.
import type { ChatRequest, Message, OpaqueContent } from '../../providers/types'
import { bodyValidator } from '../validate'
import { CompletionsBody } from './schema'

const validate = bodyValidator(CompletionsBody)

/** OpenAI's default `max_tokens` for Completions: a client that sets none gets what OpenAI would answer. */
export const COMPLETIONS_DEFAULT_MAX_TOKENS = 16

/**
 * Fields a chat model has no equivalent for: they reach OpenAI-type upstreams (which serve
 * Completions themselves) and are refused, named, by any other. Defaults are harmless.
 */
function untranslatableFields(body: CompletionsBody): string[] {
  const out: string[] = []
  if ((body.n ?? 1) > 1) out.push('n')
  if ((body.best_of ?? 1) > 1) out.push('best_of')
  if (body.logprobs !== undefined && body.logprobs !== null) out.push('logprobs')
  if (body.echo === true) out.push('echo')
  if (body.suffix) out.push('suffix')
  if (body.presence_penalty) out.push('presence_penalty')
  if (body.frequency_penalty) out.push('frequency_penalty')
  if (body.logit_bias && Object.keys(body.logit_bias).length > 0) out.push('logit_bias')
  if (body.seed !== undefined && body.seed !== null) out.push('seed')
  return out
}

/**
 * The prompt as chat turns: one string is the user's turn. Several prompts (one completion each)
 * or token ids only a Completions upstream can take: the first string stays the turn for the
 * estimate, the rest is bounded by its bytes (a token id is never less than one byte of JSON).
 */
function promptTurns(prompt: CompletionsBody['prompt'], untranslatable: string[], opaque: OpaqueContent[]): Message[] {
  // No prompt (OpenAI: as from the start of a document) is no turn a chat model can answer.
  if (prompt === null || prompt === '') {
    untranslatable.push('prompt')
    return [{ role: 'user', content: [] }]
  }
  if (typeof prompt === 'string') return [{ role: 'user', content: [{ type: 'text', text: prompt }] }]
  if (prompt.length === 1 && typeof prompt[0] === 'string') return promptTurns(prompt[0], untranslatable, opaque)
  untranslatable.push('prompt')
  const [first, ...rest] = prompt
  if (typeof first === 'string') {
    rest.forEach((item, i) => {
      opaque.push({ kind: 'inline', path: `prompt[${i + 1}]`, value: item })
    })
    return promptTurns(first, untranslatable, opaque)
  }
  opaque.push({ kind: 'inline', path: 'prompt', value: prompt })
  return [{ role: 'user', content: [] }]
}

/** How many prompts the body sends (each gets its own completions). */
export function promptCount(body: Record<string, unknown>): number {
  const prompt = body.prompt
  return Array.isArray(prompt) && prompt.length > 0 && typeof prompt[0] !== 'number' ? prompt.length : 1
}

/** `text` is unused: the relay edits the parsed body (Completions bodies carry nothing a re-serialisation loses). */
export function parseCompletions(raw: Record<string, unknown>): ChatRequest {
  const body = validate(raw)
  const untranslatable = untranslatableFields(body)
  const opaque: OpaqueContent[] = []
  if (body.suffix) opaque.push({ kind: 'inline', path: 'suffix', value: body.suffix })
  const messages = promptTurns(body.prompt, untranslatable, opaque)
  const stop = typeof body.stop === 'string' ? [body.stop] : (body.stop ?? undefined)
  return {
    model: body.model,
    system: [],
    messages,
    maxTokens: body.max_tokens ?? COMPLETIONS_DEFAULT_MAX_TOKENS,
    ...(body.temperature === undefined || body.temperature === null ? {} : { temperature: body.temperature }),
    ...(body.top_p === undefined || body.top_p === null ? {} : { topP: body.top_p }),
    ...(stop?.length ? { stop } : {}),
    ...(body.user ? { user: body.user } : {}),
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    source: { format: 'completions', body: raw },
    untranslatable,
    opaque,
  }
}
