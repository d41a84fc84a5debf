// Shared answer → Responses API Response object (an upstream Response is relayed with only its model changed).
import type { ChatResponse, ContentPart, FinishReason, Usage } from '../../providers/types'
import type {
  ResponsesObject,
  ResponsesOutputItem,
  ResponsesStatus,
  ResponsesUsage,
} from '../../providers/openai-compatible/responses-wire'
import type { EncodeOptions } from '../types'
import { asksForCompaction, compactionItem } from './compaction'
import { clientToolOf, customInput, sharedTools, type ClientTool } from './tools'

/** Usage in Responses shape: input counts every prompt token, cached ones included, as the shared usage does. */
export function responsesUsage(usage: Usage | null): ResponsesUsage | null {
  if (!usage) return null
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: {
      cached_tokens: usage.cacheReadTokens ?? 0,
      cache_write_tokens: (usage.cacheWriteTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0),
    },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  }
}

/** A translated answer's status: cut by the output ceiling or a filter is `incomplete`, as OpenAI reports it. */
export function statusOf(finish: FinishReason | null): { status: ResponsesStatus; incomplete: { reason: string } | null } {
  if (finish === 'length') return { status: 'incomplete', incomplete: { reason: 'max_output_tokens' } }
  if (finish === 'content_filter') return { status: 'incomplete', incomplete: { reason: 'content_filter' } }
  return { status: 'completed', incomplete: null }
}

/** Ids for one translated response and its output items, all derived from the request id. */
export function responseIds(requestId: string) {
  const base = requestId.replace(/^req_/, '')
  let n = 0
  return { response: `resp_${base}`, item: (prefix: 'msg' | 'fc' | 'ctc' | 'cmp') => `${prefix}_${base}${(n++).toString(36)}` }
}
export type ResponseIds = ReturnType<typeof responseIds>

/** What a translated Response echoes of its request, in the order OpenAI's own objects have. */
export interface ResponseShell {
  id: string
  createdAt: number
  model: string
  body: Record<string, unknown>
}

export function responseObject(
  shell: ResponseShell,
  status: ResponsesStatus,
  output: ResponsesOutputItem[],
  usage: ResponsesUsage | null,
  details: { error?: { code: string; message: string } | null; incomplete?: { reason: string } | null } = {},
): ResponsesObject {
  const { body } = shell
  const reasoning = (body.reasoning ?? null) as { effort?: string | null; summary?: string | null } | null
  const text = (body.text ?? null) as { format?: unknown; verbosity?: string | null } | null
  return {
    id: shell.id,
    object: 'response',
    created_at: shell.createdAt,
    status,
    background: false,
    completed_at: status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: details.error ?? null,
    incomplete_details: details.incomplete ?? null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: body.max_tool_calls ?? null,
    model: shell.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: { effort: reasoning?.effort ?? null, summary: reasoning?.summary ?? null },
    safety_identifier: body.safety_identifier ?? null,
    service_tier: 'default',
    // Nothing is kept: a later previous_response_id could not find it.
    store: false,
    temperature: body.temperature ?? 1,
    text: { format: text?.format ?? { type: 'text' }, verbosity: text?.verbosity ?? 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_logprobs: body.top_logprobs ?? 0,
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  }
}

/** A tool call as the output item the client's tool calls for: a function call, or a custom tool call with free text. */
export function toolCallItem(
  tool: ClientTool,
  id: string,
  callId: string,
  args: string,
  status: 'in_progress' | 'completed' | 'incomplete',
): ResponsesOutputItem {
  const namespace = tool.namespace ? { namespace: tool.namespace } : {}
  if (tool.kind === 'custom') {
    return { id, type: 'custom_tool_call', status, call_id: callId, name: tool.name, input: customInput(args), ...namespace }
  }
  return { id, type: 'function_call', status, arguments: args, call_id: callId, name: tool.name, ...namespace }
}

/** Text runs become message items, each tool call its own item, in the answer's order. */
export function outputItems(
  content: ContentPart[],
  names: Map<string, ClientTool>,
  ids: ResponseIds,
  status: 'completed' | 'incomplete',
): ResponsesOutputItem[] {
  const items: ResponsesOutputItem[] = []
  let text: string | null = null
  const flush = () => {
    if (text === null) return
    items.push({
      id: ids.item('msg'),
      type: 'message',
      status,
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
    })
    text = null
  }
  for (const part of content) {
    if (part.type === 'text') text = (text ?? '') + part.text
    else if (part.type === 'tool_call') {
      flush()
      const tool = clientToolOf(names, part.name)
      items.push(toolCallItem(tool, ids.item(tool.kind === 'custom' ? 'ctc' : 'fc'), part.id, part.arguments, 'completed'))
    }
  }
  flush()
  return items
}

const textOf = (content: ContentPart[]) => content.map((part) => (part.type === 'text' ? part.text : '')).join('')

/** A Response body; a Responses upstream's own object is relayed with only the model id changed. */
export function encodeResponses(response: ChatResponse, clientModel: string, options: EncodeOptions): string {
  if (response.raw?.format === 'responses') return JSON.stringify({ ...response.raw.body, model: clientModel })
  const body = options.request.source.body
  const ids = responseIds(options.requestId)
  const { status, incomplete } = statusOf(response.finishReason)
  const names = sharedTools(body.tools as Parameters<typeof sharedTools>[0]).names
  const output = asksForCompaction(body)
    ? [compactionItem(ids.item('cmp'), textOf(response.content))]
    : outputItems(response.content, names, ids, status === 'completed' ? 'completed' : 'incomplete')
  const shell = { id: ids.response, createdAt: response.created, model: clientModel, body }
  return JSON.stringify(responseObject(shell, status, output, responsesUsage(response.usage), { incomplete }))
}
