// Structured output for Claude models without `output_config.format`: a forced tool whose input is the answer, unwrapped back into text.
import { GatewayError } from '../../errors'
import type { ChatChunk, ChatRequest, ChatResponse, ContentPart, FrameBatch, ResponseFormat } from '../types'

/** The tool Claude is made to call; its input is the JSON answer. */
export const ANSWER_TOOL = 'json_answer'

/**
 * Claude models that take `output_config.format` (structured outputs): Sonnet 4.5, Opus 4.1 and
 * 4.5, Haiku 4.5 and every later model. Older ones (Claude 3.x, Sonnet 4, Opus 4) get the answer
 * tool instead. Names token-hub cannot read are taken to be newer.
 */
export function takesOutputFormat(model: string): boolean {
  if (/claude-3|claude-(?:opus|sonnet)-4-0|claude-(?:opus|sonnet)-4(?:-\d{8}|$|@)/.test(model)) return false
  return true
}

/** Whether a request translated for `model` gets its schema as the answer tool, and whether the schema was wrapped. */
export function answerToolMode(request: ChatRequest, model: string): { wrapped: boolean } | null {
  const format = request.responseFormat
  if (request.source.format === 'anthropic' || format?.type !== 'json_schema' || takesOutputFormat(model)) return null
  return { wrapped: format.schema.type !== 'object' }
}

/** The JSON of a wrapped answer's `value`. */
function unwrappedValue(args: string): string {
  try {
    return JSON.stringify((JSON.parse(args || '{}') as { value?: unknown }).value ?? null)
  } catch {
    throw new GatewayError('upstream_error', 'The upstream model answered with arguments that are not JSON.')
  }
}

/** The answer tool's definition: the schema as its input (Anthropic wants an object at the root; others are wrapped). */
export function answerTool(format: Extract<ResponseFormat, { type: 'json_schema' }>): { tool: Record<string, unknown>; wrapped: boolean } {
  const wrapped = format.schema.type !== 'object'
  const input_schema = wrapped ? { type: 'object', properties: { value: format.schema }, required: ['value'] } : format.schema
  return {
    tool: { name: ANSWER_TOOL, description: format.description ?? `Give the answer (${format.name}) as this tool's input.`, input_schema },
    wrapped,
  }
}

/** The answer tool's call, as the message text (unwrapped when its schema was wrapped); other parts as they came. */
export function unwrapAnswer(response: ChatResponse, wrapped: boolean): ChatResponse {
  let answered = false
  const content = response.content.map((part): ContentPart => {
    if (part.type !== 'tool_call' || part.name !== ANSWER_TOOL) return part
    answered = true
    return { type: 'text', text: wrapped ? unwrappedValue(part.arguments) : part.arguments }
  })
  if (!answered) return response
  const calls = content.some((p) => p.type === 'tool_call')
  const { raw: _raw, ...rest } = response
  return { ...rest, content, finishReason: response.finishReason === 'tool_calls' && !calls ? 'stop' : response.finishReason }
}

/**
 * A stream's answer-tool call as text deltas: its argument deltas become the message text as they
 * come (a wrapped schema's whole `value` once the call is complete), other tool calls are
 * renumbered without it, and `tool_calls` becomes `stop` when the answer was the only call.
 */
export async function* unwrapAnswerStream(batches: AsyncIterable<FrameBatch>, wrapped: boolean): AsyncGenerator<FrameBatch> {
  let answerIndex: number | undefined
  let buffered = ''
  const renumbered = new Map<number, number>()
  for await (const batch of batches) {
    const out: FrameBatch = []
    for (const frame of batch) {
      const chunks: ChatChunk[] = []
      for (const chunk of frame.chunks) {
        if (chunk.type === 'tool_call_start' && chunk.name === ANSWER_TOOL && answerIndex === undefined) {
          answerIndex = chunk.index
        } else if (chunk.type === 'tool_call_delta' && chunk.index === answerIndex) {
          if (wrapped) buffered += chunk.arguments
          else if (chunk.arguments !== '') chunks.push({ type: 'text', text: chunk.arguments })
        } else if (chunk.type === 'tool_call_start' || chunk.type === 'tool_call_delta') {
          if (!renumbered.has(chunk.index)) renumbered.set(chunk.index, renumbered.size)
          chunks.push({ ...chunk, index: renumbered.get(chunk.index)! })
        } else if (chunk.type === 'finish') {
          if (wrapped && answerIndex !== undefined) chunks.push({ type: 'text', text: unwrappedValue(buffered) })
          const onlyAnswer = answerIndex !== undefined && renumbered.size === 0
          chunks.push(chunk.reason === 'tool_calls' && onlyAnswer ? { ...chunk, reason: 'stop' } : chunk)
        } else chunks.push(chunk)
      }
      // The upstream's own events would show the tool: only the translated chunks go on.
      out.push({ chunks })
    }
    if (batch.last) out.last = true
    yield out
  }
}
