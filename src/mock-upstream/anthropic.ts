// The mock's Anthropic wire format: /v1/messages, streamed (Anthropic's event sequence) and not.
import { sseEvent } from '../formats/sse'
import { FAULT_MESSAGES, type FaultMode } from './faults'
import { mockAnswer, mockId, mockTokenCount, withCacheBreakpoints, type CacheBreakpoint, type MockAnswer } from './generator'
import { jsonResponse, sseResponse } from './respond'

type Block = { type: string; text?: string; content?: unknown; input?: unknown; source?: unknown; cache_control?: { ttl?: string } | null }
type Message = { role: string; content: string | Block[] }

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
}

const errorBody = (status: number) => ({
  type: 'error',
  error: { type: ERROR_TYPES[status] ?? 'api_error', message: (FAULT_MESSAGES[status] ?? FAULT_MESSAGES[500]!).message },
})

export function anthropicErrorResponse(status: number): Response {
  return Response.json(errorBody(status), { status, headers: status === 429 ? { 'retry-after': '7' } : {} })
}

const nested = (content: unknown) =>
  typeof content === 'string' ? content : Array.isArray(content) ? (content as Block[]).map(blockText).join('\n') : ''

/** What a block costs the mock's tokenizer: documents by the size of their data, unknown blocks by their JSON. */
function blockText(block: Block): string {
  switch (block.type) {
    case 'text':
      return block.text ?? ''
    case 'image':
      return ''
    case 'tool_use':
      return JSON.stringify(block.input ?? {})
    case 'tool_result':
    case 'search_result':
      return nested(block.content)
    case 'document': {
      const source = (block.source ?? {}) as { data?: unknown; content?: unknown }
      return typeof source.data === 'string' ? source.data : nested(source.content)
    }
    default:
      return JSON.stringify(block)
  }
}

const lastText = (content: Message['content']) =>
  typeof content === 'string' ? content : (content.filter((b) => b.type === 'text').at(-1)?.text ?? '')

const contentText = (content: Message['content']) => (typeof content === 'string' ? content : content.map(blockText).join('\n'))

/**
 * Where the request's `cache_control` breakpoints fall: the mock's count of the prompt up to the
 * end of each marked block (system blocks, then message blocks, in order; tools are not counted).
 */
function breakpointsOf(body: Record<string, unknown>): CacheBreakpoint[] {
  const points: CacheBreakpoint[] = []
  let text = ''
  let messages = 0
  const visit = (block: Block) => {
    text += `${blockText(block)}\n`
    if (block.cache_control)
      points.push({ tokens: mockTokenCount(text) + messages * 3, ttl: block.cache_control.ttl === '1h' ? '1h' : '5m' })
  }
  if (Array.isArray(body.system)) for (const block of body.system as Block[]) visit(block)
  else if (typeof body.system === 'string') text += `${body.system}\n`
  for (const message of (Array.isArray(body.messages) ? body.messages : []) as Message[]) {
    messages++
    if (typeof message.content === 'string') text += `${message.content}\n`
    else for (const block of message.content) visit(block)
  }
  for (const tool of (Array.isArray(body.tools) ? body.tools : []) as Block[]) {
    if (tool.cache_control) points.push({ tokens: 0, ttl: tool.cache_control.ttl === '1h' ? '1h' : '5m' })
  }
  return points
}

function answerFor(body: Record<string, unknown>): MockAnswer {
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Message[]
  const system =
    typeof body.system === 'string' ? body.system : Array.isArray(body.system) ? (body.system as Block[]).map(blockText).join('\n') : ''
  const promptText = [system, ...messages.map((m) => contentText(m.content))].filter((t) => t !== '').join('\n')
  const images = messages.reduce((n, m) => n + (Array.isArray(m.content) ? m.content.filter((b) => b.type === 'image').length : 0), 0)
  // A system message may follow the user's turn (Claude Code's mid-conversation system): the turn that decides is the last other one.
  const last = messages.filter((m) => m.role !== 'system').at(-1)
  const answersTools = Array.isArray(last?.content) && last.content.some((b) => b.type === 'tool_result')
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Array<{ name: string }>
  const choice = body.tool_choice as { type?: string; name?: string } | undefined
  const tool =
    tools.length > 0 && choice?.type !== 'none' && last?.role === 'user' && !answersTools ? { name: choice?.name ?? tools[0]!.name } : null
  const answer = mockAnswer({
    promptText,
    extraPromptTokens: messages.length * 3 + images * 85,
    maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : null,
    tool,
    // Consecutive user messages may reach the mock merged (a translator's doing): the turn's own words are its last text block.
    lastUserText: last ? lastText(last.content) : '',
    toolNames: tools.map((t) => t.name),
    toolResult: answersTools
      ? (last.content as Block[])
          .filter((b) => b.type === 'tool_result')
          .map(blockText)
          .join('\n')
      : null,
    schema: (body.output_config as { format?: { schema?: unknown } } | undefined)?.format?.schema,
  })
  return withCacheBreakpoints(answer, breakpointsOf(body))
}

const STOP_REASONS = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const

const usageOf = (answer: MockAnswer) => ({
  input_tokens: answer.promptTokens - answer.cachedTokens - answer.cacheWriteTokens - answer.cacheWrite1hTokens,
  cache_creation_input_tokens: answer.cacheWriteTokens + answer.cacheWrite1hTokens,
  cache_read_input_tokens: answer.cachedTokens,
  cache_creation: { ephemeral_5m_input_tokens: answer.cacheWriteTokens, ephemeral_1h_input_tokens: answer.cacheWrite1hTokens },
  output_tokens: answer.completionTokens,
})

const toolUseId = (answer: MockAnswer) => answer.toolCall!.id.replace(/^call_/, 'toolu_')

const FAULT_FRAMES = {
  malformed: 'event: content_block_delta\ndata: {"type": "content_block_delta", broken\n\n',
  error: sseEvent('error', JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })),
}

export async function anthropicMessages(body: Record<string, unknown>, fault: FaultMode, signal: AbortSignal): Promise<Response> {
  const answer = answerFor(body)
  const model = String(body.model)
  const id = mockId('msg_', JSON.stringify(body.messages))
  const withUsage = fault.kind !== 'nousage'
  const usage = usageOf(answer)
  if (body.stream === true) {
    const event = (type: string, payload: Record<string, unknown> = {}) => sseEvent(type, JSON.stringify({ type, ...payload }))
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      ...(withUsage ? { usage: { ...usage, output_tokens: 1 } } : {}),
    }
    const frames = [event('message_start', { message })]
    if (answer.toolCall) {
      const call = answer.toolCall
      frames.push(
        event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: toolUseId(answer), name: call.name, input: {} } }),
      )
      frames.push(event('ping'))
      for (const piece of call.argumentPieces) {
        frames.push(event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: piece } }))
      }
    } else {
      frames.push(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }))
      frames.push(event('ping'))
      for (const piece of answer.pieces) frames.push(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }))
    }
    frames.push(event('content_block_stop', { index: 0 }))
    frames.push(
      event('message_delta', {
        delta: { stop_reason: STOP_REASONS[answer.finish], stop_sequence: null },
        ...(withUsage ? { usage: { output_tokens: answer.completionTokens } } : {}),
      }),
    )
    frames.push(event('message_stop'))
    return sseResponse(frames, fault, signal, FAULT_FRAMES)
  }
  const content = answer.toolCall
    ? [{ type: 'tool_use', id: toolUseId(answer), name: answer.toolCall.name, input: JSON.parse(answer.toolCall.argumentPieces.join('')) }]
    : [{ type: 'text', text: answer.pieces.join('') }]
  const reply = {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: STOP_REASONS[answer.finish],
    stop_sequence: null,
    ...(withUsage ? { usage } : {}),
  }
  return jsonResponse(reply, fault, signal, errorBody(500))
}
