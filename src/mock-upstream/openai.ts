// The mock's OpenAI wire format: chat completions (streamed and not), embeddings, models.
import { sseData, SSE_DONE } from '../formats/sse'
import { MAX_EMBEDDING_DIMENSIONS } from '../formats/openai/schema'
import type { OpenAIMessage } from '../providers/openai-compatible/wire'
import { FAULT_MESSAGES, type FaultMode } from './faults'
import { mockAnswer, mockEmbedding, mockId, mockTokenCount, withPromptCacheKey, type MockAnswer } from './generator'
import { jsonResponse, sseResponse } from './respond'
import { ANY_OBJECT } from './json'

const errorBody = (status: number) => {
  const fault = FAULT_MESSAGES[status] ?? FAULT_MESSAGES[500]!
  return { error: { message: fault.message, type: fault.type, param: null, code: status === 400 ? 'content_policy_violation' : null } }
}

export function openAIErrorResponse(status: number): Response {
  return Response.json(errorBody(status), { status, headers: status === 429 ? { 'retry-after': '7' } : {} })
}

function textOf(content: OpenAIMessage['content']): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map(partText).join('\n')
}

/** What a part costs the mock's tokenizer: audio and files by the size of their data, unknown parts by their JSON. */
function partText(part: { type: string } & Record<string, unknown>): string {
  if (part.type === 'text') return String(part.text ?? '')
  if (part.type === 'image_url') return ''
  if (part.type === 'input_audio') return String((part.input_audio as { data?: unknown } | undefined)?.data ?? '')
  if (part.type === 'file') return String((part.file as { file_data?: unknown } | undefined)?.file_data ?? '')
  return JSON.stringify(part)
}

function answerFor(body: Record<string, unknown>): MockAnswer {
  const messages = (Array.isArray(body.messages) ? body.messages : []) as OpenAIMessage[]
  const promptText = messages
    .map((m) => [textOf(m.content), ...(m.tool_calls ?? []).map((c) => c.function.arguments)].join('\n'))
    .join('\n')
  const images = messages.reduce((n, m) => n + (Array.isArray(m.content) ? m.content.filter((p) => p.type === 'image_url').length : 0), 0)
  // Instructions may follow the user's turn (a translated mid-conversation system message): the turn that decides is the last other one.
  const last = messages.filter((m) => m.role !== 'system' && m.role !== 'developer').at(-1)
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Array<{ function: { name: string } }>
  const choice = body.tool_choice as string | { function?: { name: string } } | undefined
  const chosen = typeof choice === 'object' ? choice.function?.name : undefined
  const tool = tools.length > 0 && choice !== 'none' && last?.role === 'user' ? { name: chosen ?? tools[0]!.function.name } : null
  const maxTokens = (body.max_completion_tokens ?? body.max_tokens ?? null) as number | null
  const format = body.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined
  const schema =
    format?.type === 'json_schema' ? (format.json_schema?.schema ?? ANY_OBJECT) : format?.type === 'json_object' ? ANY_OBJECT : undefined
  const answer = mockAnswer({
    promptText,
    extraPromptTokens: messages.length * 3 + images * 85,
    maxTokens,
    tool,
    lastUserText: last ? textOf(last.content) : '',
    toolNames: tools.map((t) => t.function.name),
    toolResult: last?.role === 'tool' ? textOf(last.content) : null,
    schema,
  })
  return withPromptCacheKey(answer, body.prompt_cache_key)
}

const usageOf = (answer: MockAnswer) => ({
  prompt_tokens: answer.promptTokens,
  completion_tokens: answer.completionTokens,
  total_tokens: answer.promptTokens + answer.completionTokens,
  prompt_tokens_details: {
    cached_tokens: answer.cachedTokens,
    ...(answer.cacheWriteTokens ? { cache_write_tokens: answer.cacheWriteTokens } : {}),
  },
})

const FAULT_FRAMES = { malformed: 'data: {"choices": [broken\n\n', error: sseData(JSON.stringify(errorBody(500))) }

export async function openAIChat(body: Record<string, unknown>, fault: FaultMode, signal: AbortSignal): Promise<Response> {
  const answer = answerFor(body)
  const model = String(body.model)
  const id = mockId('chatcmpl-', JSON.stringify(body.messages))
  const created = 1_700_000_000
  if (body.stream === true) {
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      sseData(
        JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
          ...(includeUsage ? { usage: null } : {}),
        }),
      )
    const frames = [chunk({ role: 'assistant', content: '' }, null)]
    for (const piece of answer.pieces) frames.push(chunk({ content: piece }, null))
    if (answer.toolCall) {
      const call = answer.toolCall
      frames.push(chunk({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }, null))
      for (const piece of call.argumentPieces) frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null))
    }
    frames.push(chunk({}, answer.finish))
    if (includeUsage && fault.kind !== 'nousage') {
      frames.push(sseData(JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(answer) })))
    }
    frames.push(SSE_DONE)
    return sseResponse(frames, fault, signal, FAULT_FRAMES)
  }
  const toolCalls = answer.toolCall
    ? [
        {
          id: answer.toolCall.id,
          type: 'function',
          function: { name: answer.toolCall.name, arguments: answer.toolCall.argumentPieces.join('') },
        },
      ]
    : undefined
  const completion = {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.toolCall ? null : answer.pieces.join(''),
          refusal: null,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: answer.finish,
      },
    ],
    ...(fault.kind === 'nousage' ? {} : { usage: usageOf(answer) }),
    system_fingerprint: 'fp_mock',
  }
  return jsonResponse(completion, fault, signal, errorBody(500))
}

export async function openAIEmbeddings(body: Record<string, unknown>, fault: FaultMode, signal: AbortSignal): Promise<Response> {
  const input = body.input
  const inputs: string[] =
    typeof input === 'string' ? [input] : Array.isArray(input) ? input.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))) : []
  const dimensions = body.dimensions ?? 8
  // The vector is built element by element: an unbounded count would build an unbounded answer.
  if (!Number.isInteger(dimensions) || (dimensions as number) < 1 || (dimensions as number) > MAX_EMBEDDING_DIMENSIONS) {
    const message = `mock: dimensions must be an integer from 1 to ${MAX_EMBEDDING_DIMENSIONS}`
    return Response.json({ error: { message, type: 'invalid_request_error', param: 'dimensions', code: null } }, { status: 400 })
  }
  const base64 = body.encoding_format === 'base64'
  const data = inputs.map((text, index) => {
    const vector = mockEmbedding(text, dimensions as number)
    const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector
    return { object: 'embedding', index, embedding }
  })
  const tokens = inputs.reduce((n, text) => n + mockTokenCount(text), 0)
  return jsonResponse(
    { object: 'list', data, model: String(body.model), usage: { prompt_tokens: tokens, total_tokens: tokens } },
    fault,
    signal,
    errorBody(500),
  )
}

export function openAIModels(ids: string[]): Response {
  return Response.json({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'mock' })) })
}
