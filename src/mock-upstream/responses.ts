// The mock's OpenAI Responses API: /v1/responses, streamed (OpenAI's event sequence) and not.
import { sseEvent } from '../formats/sse'
import { FAULT_MESSAGES, type FaultMode } from './faults'
import { mockAnswer, mockId, withPromptCacheKey, type MockAnswer } from './generator'
import { jsonResponse, sseResponse } from './respond'
import { ANY_OBJECT } from './json'

type Part = { type: string; text?: string; image_url?: string }
type Item = {
  type?: string
  role?: string
  content?: string | Part[]
  arguments?: string
  input?: string
  output?: string | Part[]
}
type Tool = { type: string; name?: string; tools?: Tool[] }

const textOf = (content: string | Part[] | undefined) =>
  typeof content === 'string' ? content : (content ?? []).map((p) => p.text ?? '').join('\n')

function itemText(item: Item): string {
  if (item.type === 'function_call') return item.arguments ?? ''
  if (item.type === 'custom_tool_call') return item.input ?? ''
  if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') return textOf(item.output)
  return textOf(item.content)
}

/** Function and custom tools, namespaced ones included (hosted tools are the upstream's own business). */
const callable = (tools: Tool[]): Tool[] =>
  tools.flatMap((t) => (t.type === 'namespace' ? callable(t.tools ?? []) : t.type === 'function' || t.type === 'custom' ? [t] : []))

function answerFor(body: Record<string, unknown>): MockAnswer {
  const items: Item[] = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : ((body.input ?? []) as Item[])
  const instructions = typeof body.instructions === 'string' ? body.instructions : ''
  const promptText = [instructions, ...items.map(itemText)].filter((t) => t !== '').join('\n')
  const images = items.reduce((n, i) => n + (Array.isArray(i.content) ? i.content.filter((p) => p.type === 'input_image').length : 0), 0)
  // Instructions may follow the user's turn: the turn that decides is the last other item.
  const last = items.filter((i) => i.role !== 'system' && i.role !== 'developer').at(-1)
  const tools = callable((Array.isArray(body.tools) ? body.tools : []) as Tool[])
  const choice = body.tool_choice as string | { name?: string } | undefined
  const chosen = typeof choice === 'object' ? choice.name : undefined
  const format = (body.text as { format?: { type?: string; schema?: unknown } } | undefined)?.format
  const endsOnUser = last !== undefined && (last.type === undefined || last.type === 'message') && last.role === 'user'
  const tool = tools.length > 0 && choice !== 'none' && endsOnUser ? { name: chosen ?? tools[0]!.name! } : null
  const answer = mockAnswer({
    promptText,
    extraPromptTokens: items.length * 3 + images * 85,
    maxTokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    tool,
    lastUserText: last ? itemText(last) : '',
    toolNames: tools.map((t) => t.name!),
    toolResult: last?.type === 'function_call_output' || last?.type === 'custom_tool_call_output' ? itemText(last) : null,
    schema: format?.type === 'json_schema' ? (format.schema ?? ANY_OBJECT) : format?.type === 'json_object' ? ANY_OBJECT : undefined,
  })
  return withPromptCacheKey(answer, body.prompt_cache_key)
}

const usageOf = (answer: MockAnswer) => ({
  input_tokens: answer.promptTokens,
  input_tokens_details: { cached_tokens: answer.cachedTokens, cache_write_tokens: answer.cacheWriteTokens },
  output_tokens: answer.completionTokens,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: answer.promptTokens + answer.completionTokens,
})

const errorEvent = () => {
  const fault = FAULT_MESSAGES[500]!
  return sseEvent('error', JSON.stringify({ type: 'error', code: 'server_error', message: fault.message, param: null, sequence_number: 0 }))
}

const FAULT_FRAMES = {
  malformed: 'event: response.output_text.delta\ndata: {"type": "response.output_text.delta", broken\n\n',
  error: errorEvent(),
}

export async function openAIResponses(body: Record<string, unknown>, fault: FaultMode, signal: AbortSignal): Promise<Response> {
  const answer = answerFor(body)
  const id = mockId('resp_', JSON.stringify(body.input ?? null))
  const itemId = `${answer.toolCall ? 'fc' : 'msg'}_${id.slice(5)}`
  const withUsage = fault.kind !== 'nousage'
  const incomplete = answer.finish === 'length'
  const text = answer.pieces.join('')
  // Codex's remote compaction: OpenAI answers a trailing `compaction_trigger` with one opaque compaction item.
  const compacting = Array.isArray(body.input) && (body.input.at(-1) as Item | undefined)?.type === 'compaction_trigger'
  const item = compacting
    ? { id: `cmp_${id.slice(5)}`, type: 'compaction', encrypted_content: `mock.${Buffer.from(text).toString('base64')}` }
    : answer.toolCall
      ? {
          id: itemId,
          type: 'function_call',
          status: 'completed',
          arguments: answer.toolCall.argumentPieces.join(''),
          call_id: answer.toolCall.id,
          name: answer.toolCall.name,
        }
      : {
          id: itemId,
          type: 'message',
          status: incomplete ? 'incomplete' : 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
        }
  const response = (status: string, output: unknown[], usage: unknown) => ({
    id,
    object: 'response',
    created_at: 1_700_000_000,
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: String(body.model),
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: body.metadata ?? {},
  })
  const final = incomplete ? 'incomplete' : 'completed'
  if (body.stream !== true) return jsonResponse(response(final, [item], withUsage ? usageOf(answer) : null), fault, signal, errorBody(500))

  let sequence = 0
  const event = (type: string, payload: Record<string, unknown>) =>
    sseEvent(type, JSON.stringify({ type, ...payload, sequence_number: sequence++ }))
  const frames = [
    event('response.created', { response: response('in_progress', [], null) }),
    event('response.in_progress', { response: response('in_progress', [], null) }),
  ]
  const at = { item_id: itemId, output_index: 0 }
  if (compacting) frames.push(event('response.output_item.added', { output_index: 0, item }))
  else if (answer.toolCall) {
    frames.push(event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } }))
    for (const piece of answer.toolCall.argumentPieces)
      frames.push(event('response.function_call_arguments.delta', { ...at, delta: piece }))
    frames.push(
      event('response.function_call_arguments.done', {
        ...at,
        name: answer.toolCall.name,
        arguments: answer.toolCall.argumentPieces.join(''),
      }),
    )
  } else {
    const part = (t: string) => ({ type: 'output_text', text: t, annotations: [], logprobs: [] })
    frames.push(event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }))
    frames.push(event('response.content_part.added', { ...at, content_index: 0, part: part('') }))
    for (const piece of answer.pieces)
      frames.push(event('response.output_text.delta', { ...at, content_index: 0, delta: piece, logprobs: [] }))
    frames.push(event('response.output_text.done', { ...at, content_index: 0, text, logprobs: [] }))
    frames.push(event('response.content_part.done', { ...at, content_index: 0, part: part(text) }))
  }
  frames.push(event('response.output_item.done', { output_index: 0, item }))
  frames.push(event(`response.${final}`, { response: response(final, [item], withUsage ? usageOf(answer) : null) }))
  return sseResponse(frames, fault, signal, FAULT_FRAMES)
}

function errorBody(status: number) {
  const fault = FAULT_MESSAGES[status] ?? FAULT_MESSAGES[500]!
  return { error: { message: fault.message, type: fault.type, param: null, code: null } }
}
