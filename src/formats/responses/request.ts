// Responses API request body → shared request (validated; what other formats cannot carry is noted or left out).
import { GatewayError } from '../../errors'
import type { ChatRequest, ContentPart, Message, ReasoningEffort, ResponseFormat, ToolChoice } from '../../providers/types'
import { imageSourceFromUrl } from '../openai/request'
import { bodyValidator } from '../validate'
import { asksForCompaction, COMPACTION_PROMPT, COMPACTION_SUMMARY_HEADING, compactionSummary } from './compaction'
import { ResponsesBody, type ResponsesItem, type ResponsesPart } from './schema'
import { flatToolName, sharedTools, type ClientTool } from './tools'

const validate = bodyValidator(ResponsesBody)

/**
 * Items that record what a hosted tool did upstream (a search, a code run, a computer action): a
 * translated model never ran them, so they are left out with the tools themselves.
 */
const HOSTED_ITEM = /_call$|_call_output$|^mcp_|^tool_search_output$|^additional_tools$/

/** Effort levels beyond `high` (`xhigh`, `max`) ask for the most a translated model offers. */
const EFFORTS: Record<string, ReasoningEffort | null> = {
  none: null,
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
  max: 'high',
}

/** Body fields naming state or services only the Responses API itself has. */
function unsupportedFields(raw: Record<string, unknown>, body: ResponsesBody): string[] {
  const out: string[] = []
  if (body.previous_response_id) out.push('previous_response_id')
  if (raw.conversation !== undefined && raw.conversation !== null) out.push('conversation')
  if (raw.prompt !== undefined && raw.prompt !== null) out.push('prompt')
  if (raw.background === true) out.push('background')
  if (raw.moderation !== undefined && raw.moderation !== null) out.push('moderation')
  if (typeof raw.top_logprobs === 'number' && raw.top_logprobs > 0) out.push('top_logprobs')
  if (body.include?.includes('message.output_text.logprobs')) out.push('include=message.output_text.logprobs')
  const tier = raw.service_tier
  if (typeof tier === 'string' && tier !== 'auto' && tier !== 'default') out.push('service_tier')
  return out
}

interface Parse {
  untranslatable: string[]
  leftOut: string[]
  system: string[]
  messages: Message[]
  names: Map<string, ClientTool>
}

function parts(content: string | ResponsesPart[], at: string, parse: Parse): ContentPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }]
  const out: ContentPart[] = []
  content.forEach((part, j) => {
    const path = `${at}[${j}]`
    if (part.type === 'input_text' || part.type === 'output_text') out.push({ type: 'text', text: (part as { text: string }).text })
    else if (part.type === 'refusal') out.push({ type: 'text', text: (part as { refusal: string }).refusal })
    else if (part.type === 'input_image') {
      const url = (part as { image_url?: string | null }).image_url
      if (url) out.push({ type: 'image', source: imageSourceFromUrl(url) })
      else parse.untranslatable.push(`${path}.file_id`)
    } else parse.untranslatable.push(`${path}.type=${part.type}`)
  })
  return out
}

/** Appends to the last turn when it is of `role` (and, for tool results, holds only tool results). */
function append(parse: Parse, role: Message['role'], part: ContentPart) {
  const last = parse.messages[parse.messages.length - 1]
  const joins = last?.role === role && (role === 'assistant' || last.content.every((p) => p.type === 'tool_result'))
  if (joins) last.content.push(part)
  else parse.messages.push({ role, content: [part] })
}

function toolResult(callId: string, output: string | ResponsesPart[], at: string, parse: Parse): ContentPart {
  const content = typeof output === 'string' ? output : parts(output, at, parse)
  return { type: 'tool_result', toolCallId: callId, content }
}

function readItem(item: ResponsesItem, i: number, parse: Parse) {
  const at = `input[${i}]`
  switch (item.type) {
    case undefined:
    case 'message': {
      const message = item as { role: string; content: string | ResponsesPart[] }
      const content = parts(message.content, `${at}.content`, parse)
      if (message.role === 'system' || message.role === 'developer') {
        if (content.some((p) => p.type !== 'text')) {
          throw new GatewayError('invalid_body', 'System and developer messages may only contain text.', { param: `${at}.content` })
        }
        parse.system.push(content.map((p) => (p.type === 'text' ? p.text : '')).join(''))
      } else parse.messages.push({ role: message.role as Message['role'], content })
      return
    }
    case 'function_call': {
      const call = item as { call_id: string; name: string; arguments: string; namespace?: string }
      append(parse, 'assistant', {
        type: 'tool_call',
        id: call.call_id,
        name: flatToolName(call.name, call.namespace),
        arguments: call.arguments,
      })
      return
    }
    case 'custom_tool_call': {
      const call = item as { call_id: string; name: string; input: string; namespace?: string }
      const args = JSON.stringify({ input: call.input })
      append(parse, 'assistant', { type: 'tool_call', id: call.call_id, name: flatToolName(call.name, call.namespace), arguments: args })
      return
    }
    case 'function_call_output':
    case 'custom_tool_call_output': {
      const result = item as { call_id: string; output: string | ResponsesPart[] }
      append(parse, 'user', toolResult(result.call_id, result.output, `${at}.output`, parse))
      return
    }
    case 'reasoning':
      // Another model's reasoning (encrypted for OpenAI's models only) means nothing to a translated one.
      return
    case 'compaction_trigger':
      // Codex's remote compaction: the model is asked for the summary (answered as a compaction item).
      parse.messages.push({ role: 'user', content: [{ type: 'text', text: COMPACTION_PROMPT }] })
      return
    case 'compaction': {
      // One of token-hub's own compaction items is the summary, read back; OpenAI's is encrypted for its models only.
      const summary = compactionSummary((item as { encrypted_content?: unknown }).encrypted_content)
      if (summary === null) parse.leftOut.push(`${at} (compaction)`)
      else parse.messages.push({ role: 'user', content: [{ type: 'text', text: COMPACTION_SUMMARY_HEADING + summary }] })
      return
    }
    default:
      if (HOSTED_ITEM.test(item.type)) parse.leftOut.push(`${at} (${item.type})`)
      else parse.untranslatable.push(`${at}.type=${item.type}`)
  }
}

function toolChoiceOf(choice: ResponsesBody['tool_choice'], parse: Parse, allowed: Set<string> | null): ToolChoice | undefined {
  if (choice === undefined) return undefined
  if (typeof choice === 'string') return { type: choice }
  if (choice.type === 'function' || choice.type === 'custom') {
    const name = (choice as { name: string }).name
    // A namespaced tool is chosen by its own name: find its flat one.
    const flat = parse.names.has(name) ? name : ([...parse.names].find(([, tool]) => tool.name === name)?.[0] ?? name)
    return { type: 'tool', name: flat }
  }
  if (choice.type === 'allowed_tools') {
    for (const tool of (choice as { tools: Array<{ name?: string }> }).tools) if (tool.name) allowed?.add(tool.name)
    return { type: (choice as { mode: 'auto' | 'required' }).mode }
  }
  parse.leftOut.push(`tool_choice (${choice.type})`)
  return undefined
}

function responseFormatOf(body: ResponsesBody): ResponseFormat | undefined {
  const format = body.text?.format
  if (!format || format.type === 'text') return undefined
  if (format.type === 'json_object') return { type: 'json_object' }
  const schema = format as { name: string; schema: Record<string, unknown>; description?: string; strict?: boolean | null }
  return {
    type: 'json_schema',
    name: schema.name,
    schema: schema.schema,
    ...(schema.description ? { description: schema.description } : {}),
    ...(typeof schema.strict === 'boolean' ? { strict: schema.strict } : {}),
  }
}

function reasoningOf(body: ResponsesBody): ChatRequest['reasoning'] {
  const reasoning = body.reasoning
  if (!reasoning) return undefined
  const effort = reasoning.effort ? EFFORTS[reasoning.effort] : undefined
  const summary = (reasoning.summary ?? reasoning.generate_summary ?? null) !== null
  if (effort === null) return undefined
  if (effort === undefined && !summary) return undefined
  return { ...(effort ? { effort } : {}), ...(summary ? { summary } : {}) }
}

export function parseResponsesRequest(raw: Record<string, unknown>): ChatRequest {
  const body = validate(raw)
  if (body.input === undefined && (raw.prompt === undefined || raw.prompt === null)) {
    throw new GatewayError('invalid_body', "Missing required field 'input'.", { param: 'input' })
  }
  const tools = sharedTools(body.tools)
  const parse: Parse = {
    untranslatable: unsupportedFields(raw, body),
    leftOut: tools.hosted.map(({ index, type }) => `tools[${index}] (${type})`),
    system: body.instructions ? [body.instructions] : [],
    messages: [],
    names: tools.names,
  }
  if (typeof body.input === 'string') parse.messages.push({ role: 'user', content: [{ type: 'text', text: body.input }] })
  else
    body.input?.forEach((item, i) => {
      readItem(item, i, parse)
    })

  const allowed = new Set<string>()
  // A summary is text: no tool is called while compacting.
  const toolChoice: ToolChoice | undefined = asksForCompaction(raw) ? { type: 'none' } : toolChoiceOf(body.tool_choice, parse, allowed)
  const definitions =
    allowed.size === 0 ? tools.definitions : tools.definitions.filter((d) => allowed.has(parse.names.get(d.name)?.name ?? d.name))
  const responseFormat = responseFormatOf(body)
  const reasoning = reasoningOf(body)
  const user = body.user ?? body.safety_identifier ?? undefined
  return {
    model: body.model,
    system: parse.system,
    messages: parse.messages,
    maxTokens: body.max_output_tokens ?? null,
    ...(body.temperature != null ? { temperature: body.temperature } : {}),
    ...(body.top_p != null ? { topP: body.top_p } : {}),
    ...(definitions.length > 0 ? { tools: definitions } : {}),
    ...(toolChoice ? { toolChoice } : {}),
    ...(body.parallel_tool_calls === false ? { parallelToolCalls: false } : {}),
    ...(user ? { user } : {}),
    ...(responseFormat ? { responseFormat } : {}),
    ...(reasoning ? { reasoning } : {}),
    stream: body.stream === true,
    // The usage always comes with `response.completed`: nothing to opt into.
    includeUsage: true,
    source: { format: 'responses', body: raw },
    untranslatable: parse.untranslatable,
    ...(parse.leftOut.length > 0 ? { leftOut: parse.leftOut } : {}),
  }
}
