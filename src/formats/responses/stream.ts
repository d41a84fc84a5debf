// Shared stream frames → the Responses API event sequence; a Responses upstream's events are relayed as they came.
import type { GatewayError } from '../../errors'
import type { ResponsesObject, ResponsesOutputItem, ResponsesUsage } from '../../providers/openai-compatible/responses-wire'
import type { ChatChunk, FinishReason, StreamFrame } from '../../providers/types'
import { sseData, sseEvent } from '../sse'
import type { StreamEncoder, StreamEncoderOptions } from '../types'
import { responseIds, responseObject, responsesUsage, statusOf, toolCallItem, type ResponseShell } from './response'
import { asksForCompaction, compactionItem } from './compaction'
import { clientToolOf, customInput, sharedTools, type ClientTool } from './tools'

/** Events that carry the whole Response: the model id in them is rewritten to the client's. */
const LIFECYCLE = new Set([
  'response.created',
  'response.queued',
  'response.in_progress',
  'response.completed',
  'response.failed',
  'response.incomplete',
])
/** Events after which a Responses stream has nothing more to say. */
const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error'])
const TYPE = /"type"\s*:\s*"([^"\\]+)"/
const SEQUENCE = /"sequence_number"\s*:\s*(\d+)/g

type OpenItem =
  | { kind: 'message'; index: number; id: string; text: string }
  | { kind: 'call'; index: number; id: string; callId: string; tool: ClientTool; args: string }

/**
 * Encodes `response.created` and `response.in_progress`, then per output item
 * `response.output_item.added`, its parts and deltas (`response.content_part.added`,
 * `response.output_text.delta`…`.done`, `response.content_part.done`, or
 * `response.function_call_arguments.delta`…`.done`) and `response.output_item.done`, then
 * `response.completed` (or `response.incomplete`) with the whole Response and its usage — each
 * event with its `sequence_number`, as OpenAI's own streams have them.
 */
export function responsesStreamEncoder(options: StreamEncoderOptions): StreamEncoder {
  const { clientModel } = options
  const body = options.request.source.body
  const names = sharedTools(body.tools as Parameters<typeof sharedTools>[0]).names
  const ids = responseIds(options.requestId)
  const shell: ResponseShell = { id: ids.response, createdAt: Math.floor(Date.now() / 1000), model: clientModel, body }
  let sequence = 0
  const event = (type: string, payload: Record<string, unknown>) =>
    sseEvent(type, JSON.stringify({ type, ...payload, sequence_number: sequence++ }))

  let started = false
  const output: ResponsesOutputItem[] = []
  let open: OpenItem | null = null
  const calls = new Map<number, OpenItem & { kind: 'call' }>()
  let finish: FinishReason | null = null
  let usage: ResponsesUsage | null = null

  // A relayed Responses stream: only what the error and end events need is kept.
  let relayed = false
  let terminal = false
  let snapshot: ResponsesObject | null = null

  const start = (): string => {
    if (started) return ''
    started = true
    const response = responseObject(shell, 'in_progress', [], null)
    return event('response.created', { response }) + event('response.in_progress', { response })
  }

  const messagePart = (text: string) => ({ type: 'output_text', text, annotations: [], logprobs: [] })

  const close = (): string => {
    if (open === null) return ''
    const item = open
    open = null
    const at = { item_id: item.id, output_index: item.index }
    if (item.kind === 'message') {
      const part = messagePart(item.text)
      const done: ResponsesOutputItem = { id: item.id, type: 'message', status: 'completed', role: 'assistant', content: [part as never] }
      output.push(done)
      return (
        event('response.output_text.done', { ...at, content_index: 0, text: item.text, logprobs: [] }) +
        event('response.content_part.done', { ...at, content_index: 0, part }) +
        event('response.output_item.done', { output_index: item.index, item: done })
      )
    }
    const done = toolCallItem(item.tool, item.id, item.callId, item.args, 'completed')
    output.push(done)
    const arguments_ =
      item.tool.kind === 'custom'
        ? // The free text is known only once the JSON arguments carrying it are whole.
          event('response.custom_tool_call_input.delta', { ...at, delta: customInput(item.args) }) +
          event('response.custom_tool_call_input.done', { ...at, input: customInput(item.args) })
        : event('response.function_call_arguments.done', { ...at, name: item.tool.name, arguments: item.args })
    return arguments_ + event('response.output_item.done', { output_index: item.index, item: done })
  }

  const openMessage = (): string => {
    let out = close()
    open = { kind: 'message', index: output.length, id: ids.item('msg'), text: '' }
    const item = { id: open.id, type: 'message', status: 'in_progress', role: 'assistant', content: [] }
    out += event('response.output_item.added', { output_index: open.index, item })
    out += event('response.content_part.added', { item_id: open.id, output_index: open.index, content_index: 0, part: messagePart('') })
    return out
  }

  // Compacting: the summary is one compaction item, sent whole at the end (it is not streamed as text).
  const compaction = asksForCompaction(body) ? { text: '' } : null

  const encodeChunk = (c: ChatChunk): string => {
    if (compaction && (c.type === 'text' || c.type === 'tool_call_start' || c.type === 'tool_call_delta')) {
      if (c.type === 'text') compaction.text += c.text
      return ''
    }
    switch (c.type) {
      case 'start':
        return ''
      case 'text': {
        if (c.text === '') return ''
        let out = open?.kind === 'message' ? '' : openMessage()
        const item = open as OpenItem & { kind: 'message' }
        item.text += c.text
        out += event('response.output_text.delta', {
          item_id: item.id,
          output_index: item.index,
          content_index: 0,
          delta: c.text,
          logprobs: [],
        })
        return out
      }
      case 'tool_call_start': {
        let out = close()
        const tool = clientToolOf(names, c.name)
        const call = {
          kind: 'call' as const,
          index: output.length,
          id: ids.item(tool.kind === 'custom' ? 'ctc' : 'fc'),
          callId: c.id,
          tool,
          args: '',
        }
        open = call
        calls.set(c.index, call)
        out += event('response.output_item.added', { output_index: call.index, item: toolCallItem(tool, call.id, c.id, '', 'in_progress') })
        return out
      }
      case 'tool_call_delta': {
        const call = calls.get(c.index)
        if (!call || c.arguments === '') return ''
        call.args += c.arguments
        // Deltas of a call already closed (another item started since) are in its final arguments only.
        if (open !== call || call.tool.kind === 'custom') return ''
        return event('response.function_call_arguments.delta', { item_id: call.id, output_index: call.index, delta: c.arguments })
      }
      case 'finish':
        finish = c.reason
        return ''
      case 'usage':
        usage = responsesUsage(c.usage)
        return ''
    }
  }

  const relay = (raw: NonNullable<StreamFrame['raw']>): string => {
    relayed = true
    const type = raw.event ?? TYPE.exec(raw.data)?.[1] ?? ''
    let data = raw.data
    if (LIFECYCLE.has(type)) {
      try {
        const parsed = JSON.parse(data) as { response?: ResponsesObject }
        if (parsed.response) {
          parsed.response.model = clientModel
          snapshot = parsed.response
          data = JSON.stringify(parsed)
        }
      } catch {
        // relayed as it came: the upstream's own reader will have judged it
      }
    }
    if (TERMINAL.has(type)) terminal = true
    for (const match of data.matchAll(SEQUENCE)) sequence = Number(match[1]) + 1
    return raw.event ? sseEvent(raw.event, data) : sseData(data)
  }

  return {
    frame(frame) {
      if (frame.raw?.format === 'responses') return relay(frame.raw)
      let out = start()
      for (const c of frame.chunks) out += encodeChunk(c)
      return out
    },
    end() {
      // A relayed stream carried its own terminal event.
      if (relayed) return ''
      let head = start() + close()
      if (compaction) {
        const item = compactionItem(ids.item('cmp'), compaction.text)
        output.push(item)
        head += event('response.output_item.added', { output_index: 0, item })
        head += event('response.output_item.done', { output_index: 0, item })
      }
      const { status, incomplete } = statusOf(finish)
      const response = responseObject(shell, status, output, usage, { incomplete })
      return head + event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response })
    },
    // A failure after the stream started ends the Response as `response.failed`, naming the contract code.
    error(error: GatewayError) {
      const failure = { code: error.code, message: error.message }
      if (relayed) {
        if (terminal) return ''
        terminal = true
        if (!snapshot) return event('error', { code: error.code, message: error.message, param: error.param })
        return event('response.failed', { response: { ...snapshot, status: 'failed', error: failure } })
      }
      const head = start()
      const partial = open ? [...output, partialItem(open)] : output
      return head + event('response.failed', { response: responseObject(shell, 'failed', partial, usage, { error: failure }) })
    },
  }
}

/** The item still being written when the stream failed, as far as it came. */
function partialItem(item: OpenItem): ResponsesOutputItem {
  if (item.kind === 'message') {
    const part = { type: 'output_text' as const, text: item.text, annotations: [], logprobs: [] }
    return { id: item.id, type: 'message', status: 'incomplete', role: 'assistant', content: [part] }
  }
  return toolCallItem(item.tool, item.id, item.callId, item.args, 'incomplete')
}
