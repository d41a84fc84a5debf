// Shared request → Gemini generateContent / embedContent request bodies.
import { GatewayError } from '../../errors'
import { MAX_JSON_DEPTH, tooDeepPath } from '../../formats/json-depth'
import { refuseField, refuseUntranslatable, systemMessageText } from '../untranslatable'
import type { ChatRequest, ContentPart, EmbedRequest, ImageSource, ReasoningEffort, ToolChoice } from '../types'
import { signatureOf, SKIP_SIGNATURE, validatesSignatures } from './tool-ids'
import type { GeminiContent, GeminiPart } from './wire'

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
}

/** Base64 images go inline; URLs go as `fileData` (Gemini fetches http(s) URLs itself). */
function imagePart(source: ImageSource): GeminiPart {
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } }
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(source.url)?.[1]?.toLowerCase()
  const mimeType = extension ? IMAGE_TYPES[extension] : undefined
  return { fileData: { fileUri: source.url, ...(mimeType ? { mimeType } : {}) } }
}

function functionArgs(args: string, at: string): Record<string, unknown> {
  if (args.trim() === '') return {}
  // Arguments are JSON inside a string: the body's depth check never saw their nesting.
  if (tooDeepPath(args) !== null) {
    throw new GatewayError('invalid_body', `${at}: tool call arguments nest deeper than ${MAX_JSON_DEPTH} levels.`, { param: at })
  }
  try {
    const value: unknown = JSON.parse(args)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // reported below
  }
  throw new GatewayError('invalid_body', `${at}: tool call arguments must be a JSON object to reach a Gemini model.`, { param: at })
}

function resultText(content: string | ContentPart[], at: string): string {
  if (typeof content === 'string') return content
  return content
    .map((part) => {
      if (part.type === 'text') return part.text
      throw new GatewayError('invalid_body', `${at}: tool results with images cannot be sent to a Gemini model.`, { param: at })
    })
    .join('')
}

/**
 * Contents in Gemini's shape: assistant turns become `model`, tool results `functionResponse`
 * parts named after the call they answer (Gemini matches results by function name and order).
 */
function toGeminiContents(request: ChatRequest, upstreamModel: string): GeminiContent[] {
  const names = new Map<string, string>()
  const skipSignatures = validatesSignatures(upstreamModel)
  const out: GeminiContent[] = []
  request.messages.forEach((message, i) => {
    const at = `messages[${i}]`
    // Gemini's only place for instructions is systemInstruction (see toGeminiBody).
    if (message.role === 'system') return
    const parts: GeminiPart[] = []
    let firstCall = true
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
          if (part.text !== '') parts.push({ text: part.text })
          break
        case 'image':
          parts.push(imagePart(part.source))
          break
        case 'tool_call': {
          names.set(part.id, part.name)
          const call: GeminiPart = { functionCall: { name: part.name, args: functionArgs(part.arguments, at) } }
          const signature = signatureOf(part.id) ?? (firstCall && skipSignatures ? SKIP_SIGNATURE : undefined)
          if (signature) call.thoughtSignature = signature
          firstCall = false
          parts.push(call)
          break
        }
        case 'tool_result': {
          const name = names.get(part.toolCallId)
          if (!name) {
            throw new GatewayError(
              'invalid_body',
              `${at}: the tool result for '${part.toolCallId}' answers no earlier tool call; Gemini needs the function's name.`,
              {
                param: at,
              },
            )
          }
          const text = resultText(part.content, at)
          parts.push({ functionResponse: { name, response: part.isError ? { error: text } : { output: text } } })
          break
        }
      }
    }
    if (parts.length === 0) return
    const role = message.role === 'assistant' ? 'model' : 'user'
    const previous = out[out.length - 1]
    if (previous?.role === role) previous.parts.push(...parts)
    else out.push({ role, parts })
  })
  return out
}

function toolConfig(choice: ToolChoice) {
  switch (choice.type) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } }
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } }
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } }
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } }
  }
}

/** Thinking tokens per effort level (Gemini 2.5 takes 0–24,576; 0 would turn thinking off). */
const THINKING_BUDGETS: Record<ReasoningEffort, number> = { minimal: 512, low: 2048, medium: 8192, high: 24576 }

export function toGeminiBody(request: ChatRequest, upstreamModel: string): Record<string, unknown> {
  refuseUntranslatable(request, 'gemini')
  if (request.parallelToolCalls === false && request.tools?.length) refuseField(request, 'gemini', 'parallelToolCalls')
  const body: Record<string, unknown> = { contents: toGeminiContents(request, upstreamModel) }
  // Contents have no system role: a mid-conversation system message joins the instructions, after the others.
  const system = [
    ...request.system,
    ...request.messages.flatMap((m, i) => (m.role === 'system' ? [systemMessageText(m.content, `messages[${i}]`, 'gemini')] : [])),
  ].filter((text) => text !== '')
  if (system.length > 0) body.systemInstruction = { parts: system.map((text) => ({ text })) }
  const generation: Record<string, unknown> = {}
  if (request.maxTokens !== null) generation.maxOutputTokens = request.maxTokens
  if (request.temperature !== undefined) generation.temperature = request.temperature
  if (request.topP !== undefined) generation.topP = request.topP
  if (request.topK !== undefined) generation.topK = request.topK
  if (request.stop?.length) generation.stopSequences = request.stop
  if (request.responseFormat) {
    generation.responseMimeType = 'application/json'
    // Full JSON Schema, as for tools (`responseSchema` takes only the OpenAPI subset).
    if (request.responseFormat.type === 'json_schema') generation.responseJsonSchema = request.responseFormat.schema
  }
  if (request.reasoning) {
    const { effort, summary } = request.reasoning
    generation.thinkingConfig = {
      ...(effort ? { thinkingBudget: THINKING_BUDGETS[effort] } : {}),
      ...(summary ? { includeThoughts: true } : {}),
    }
  }
  if (Object.keys(generation).length > 0) body.generationConfig = generation
  if (request.tools?.length) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description ? { description: tool.description } : {}),
          // Full JSON Schema (OpenAI and Anthropic tools use it), not the OpenAPI subset `parameters` takes.
          parametersJsonSchema: tool.parameters,
        })),
      },
    ]
    if (request.toolChoice) body.toolConfig = toolConfig(request.toolChoice)
  }
  return body
}

/** The texts to embed; token-id inputs are an OpenAI feature Gemini cannot take. */
export function geminiEmbedInputs(request: EmbedRequest): string[] {
  if (request.input.some((item) => typeof item !== 'string')) {
    throw new GatewayError('invalid_body', 'This model is served in the gemini format, which cannot embed token arrays; send text.', {
      param: 'input',
    })
  }
  return request.input as string[]
}

/** `embedContent` for one text, `batchEmbedContents` for several. */
export function toGeminiEmbedBody(texts: string[], request: EmbedRequest, upstreamModel: string): Record<string, unknown> {
  const one = (text: string) => ({
    content: { parts: [{ text }] },
    ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}),
  })
  if (texts.length === 1) return one(texts[0]!)
  return { requests: texts.map((text) => ({ model: `models/${upstreamModel}`, ...one(text) })) }
}
