// Shared request → OpenAI Chat Completions / Embeddings request body.
import { GatewayError } from '../../errors'
import { refuseField, refuseUntranslatable, systemMessageText } from '../untranslatable'
import type { ChatRequest, ContentPart, EmbedRequest, ResponseFormat, ToolChoice } from '../types'
import type { OpenAIContentPart, OpenAIMessage } from './wire'

/**
 * The body sent upstream. A request that arrived in OpenAI format is forwarded as it came (every
 * field the client set reaches the upstream), with the upstream's model id, the output ceiling the
 * gateway held money for, and, for streams, `stream_options.include_usage` forced on so the
 * stream can be billed.
 */
export function toOpenAIChatBody(request: ChatRequest, upstreamModel: string): Record<string, unknown> {
  const body: Record<string, unknown> =
    request.source.format === 'openai' ? { ...request.source.body, model: upstreamModel } : translate(request, upstreamModel)
  // The gateway holds money for at most `maxTokens` of output (the model's max_output_tokens when
  // the client set none): the upstream must be told, or it may write more than was held.
  if (request.maxTokens !== null && body.max_tokens == null && body.max_completion_tokens == null) body.max_tokens = request.maxTokens
  if (request.stream) {
    const options = (request.source.format === 'openai' ? request.source.body.stream_options : undefined) as object | undefined
    body.stream_options = { ...options, include_usage: true }
  }
  return body
}

function translate(request: ChatRequest, upstreamModel: string): Record<string, unknown> {
  refuseUntranslatable(request, 'openai')
  if (request.topK !== undefined) refuseField(request, 'openai', 'topK')
  const messages: OpenAIMessage[] = request.system.map((text) => ({ role: 'system', content: text }))
  request.messages.forEach((message, i) => {
    // An instruction in the conversation's middle stays where it was: OpenAI takes system messages anywhere.
    if (message.role === 'system')
      messages.push({ role: 'system', content: systemMessageText(message.content, `messages[${i}]`, 'openai') })
    else messages.push(...toOpenAIMessages(message.role, message.content, `messages[${i}]`))
  })
  const body: Record<string, unknown> = { model: upstreamModel, messages, stream: request.stream }
  if (request.maxTokens !== null) body.max_tokens = request.maxTokens
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.topP !== undefined) body.top_p = request.topP
  if (request.stop?.length) body.stop = request.stop
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters },
    }))
  }
  if (request.toolChoice) body.tool_choice = toOpenAIToolChoice(request.toolChoice)
  if (request.parallelToolCalls === false && request.tools?.length) body.parallel_tool_calls = false
  if (request.user) body.user = request.user
  if (request.responseFormat) body.response_format = toOpenAIResponseFormat(request.responseFormat)
  if (request.reasoning?.effort) body.reasoning_effort = request.reasoning.effort
  return body
}

export function toOpenAIResponseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.type === 'json_object') return { type: 'json_object' }
  const { name, schema, description, strict } = format
  return {
    type: 'json_schema',
    json_schema: { name, schema, ...(description ? { description } : {}), ...(strict !== undefined ? { strict } : {}) },
  }
}

export function toOpenAIToolChoice(choice: ToolChoice): unknown {
  if (choice.type === 'tool') return { type: 'function', function: { name: choice.name } }
  return choice.type
}

/** One shared message may become several OpenAI ones: tool results are messages of their own. */
function toOpenAIMessages(role: 'user' | 'assistant', parts: ContentPart[], at: string): OpenAIMessage[] {
  const out: OpenAIMessage[] = []
  const content: OpenAIContentPart[] = []
  const toolCalls: NonNullable<OpenAIMessage['tool_calls']> = []
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        content.push({ type: 'text', text: part.text })
        break
      case 'image':
        content.push({
          type: 'image_url',
          image_url: {
            url: part.source.kind === 'url' ? part.source.url : `data:${part.source.mediaType};base64,${part.source.data}`,
          },
        })
        break
      case 'tool_call':
        toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } })
        break
      case 'tool_result':
        // OpenAI tool messages have no error flag: the failure is said in the content, as a model reads it.
        out.push({
          role: 'tool',
          tool_call_id: part.toolCallId,
          content: `${part.isError ? 'Error: ' : ''}${toolResultText(part.content, at)}`,
        })
        break
    }
  }
  if (content.length > 0 || toolCalls.length > 0) {
    const onlyText = content.every((c) => c.type === 'text')
    const message: OpenAIMessage = {
      role,
      content: content.length === 0 ? null : onlyText ? content.map((c) => (c as { text: string }).text).join('') : content,
    }
    if (role === 'assistant' && toolCalls.length > 0) message.tool_calls = toolCalls
    if (role === 'user' && toolCalls.length > 0) {
      throw new GatewayError('invalid_body', `${at}: a user message cannot carry tool calls.`, { param: at })
    }
    out.push(message)
  }
  return out
}

function toolResultText(content: string | ContentPart[], at: string): string {
  if (typeof content === 'string') return content
  return content
    .map((part) => {
      if (part.type === 'text') return part.text
      throw new GatewayError('invalid_body', `${at}: tool results with images cannot be sent to an OpenAI-compatible model.`, { param: at })
    })
    .join('')
}

export function toOpenAIEmbeddingBody(request: EmbedRequest, upstreamModel: string): Record<string, unknown> {
  if (request.source.format === 'openai') return { ...request.source.body, model: upstreamModel }
  const body: Record<string, unknown> = { model: upstreamModel, input: request.input }
  if (request.dimensions !== undefined) body.dimensions = request.dimensions
  if (request.encodingFormat) body.encoding_format = request.encodingFormat
  return body
}
