// Gemini generateContent / embedContent answers → shared answers.
import { classedUsage, tokenCount } from '../usage'
import { GatewayError } from '../../errors'
import type { ChatChunk, ChatResponse, ContentPart, FinishReason, Usage } from '../types'
import { encodeToolId } from './tool-ids'
import type { GeminiEmbedResponse, GeminiPart, GeminiResponse, GeminiUsageMetadata } from './wire'

const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'MODEL_ARMOR',
])

/** Gemini says STOP after function calls too; the shared reason says what the client must do next. */
export function fromGeminiFinish(reason: string, calledTools: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length'
  if (FILTERED.has(reason)) return 'content_filter'
  return calledTools ? 'tool_calls' : 'stop'
}

/**
 * `promptTokenCount` INCLUDES `cachedContentTokenCount`; tool results fed back
 * (`toolUsePromptTokenCount`) are prompt too. `thoughtsTokenCount` is NOT part of
 * `candidatesTokenCount` and is billed as output, so the shared output is their sum.
 */
export function fromGeminiUsage(usage: GeminiUsageMetadata | undefined): Usage | null {
  if (!usage || usage.promptTokenCount === undefined || usage.promptTokenCount === null) return null
  const problems: string[] = []
  const prompt = tokenCount(usage.promptTokenCount, 'promptTokenCount', problems)
  const toolUse = tokenCount(usage.toolUsePromptTokenCount, 'toolUsePromptTokenCount', problems)
  const candidates = tokenCount(usage.candidatesTokenCount, 'candidatesTokenCount', problems)
  const thoughts = tokenCount(usage.thoughtsTokenCount, 'thoughtsTokenCount', problems)
  const cached = tokenCount(usage.cachedContentTokenCount, 'cachedContentTokenCount', problems)
  return classedUsage(
    { input: prompt + toolUse, cacheRead: cached, cacheWrite: 0, cacheWrite1h: 0, output: candidates + thoughts, reasoning: thoughts },
    problems,
    { input: 'promptTokenCount', output: 'output tokens' },
  )
}

/** Names tool calls of one answer: Gemini's own id when it sends one, else one derived from the answer. */
export function toolIdFactory(responseId: string | undefined) {
  const prefix = `call_${(responseId ?? crypto.randomUUID().slice(0, 8)).replace(/[^a-zA-Z0-9]/g, '')}`
  let n = 0
  return (part: GeminiPart) => encodeToolId(part.functionCall?.id ?? `${prefix}_${n++}`, part.thoughtSignature)
}

/** The chunks one candidate's parts carry (thought summaries are not part of the answer). */
export function partChunks(parts: GeminiPart[], nextIndex: () => number, toolId: (part: GeminiPart) => string): ChatChunk[] {
  const chunks: ChatChunk[] = []
  for (const part of parts) {
    if (part.functionCall) {
      const index = nextIndex()
      chunks.push({ type: 'tool_call_start', index, id: toolId(part), name: part.functionCall.name })
      chunks.push({ type: 'tool_call_delta', index, arguments: JSON.stringify(part.functionCall.args ?? {}) })
    } else if (typeof part.text === 'string' && part.text !== '' && !part.thought) {
      chunks.push({ type: 'text', text: part.text })
    }
  }
  return chunks
}

export function fromGeminiResponse(provider: string, body: Record<string, unknown>): ChatResponse {
  const response = body as GeminiResponse
  const candidate = response.candidates?.[0]
  const blocked = response.promptFeedback?.blockReason
  if (!candidate && !blocked) throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent an answer without candidates.`)
  const toolId = toolIdFactory(response.responseId)
  let tools = 0
  const content: ContentPart[] = []
  for (const chunk of partChunks(candidate?.content?.parts ?? [], () => tools++, toolId)) {
    if (chunk.type === 'text') {
      const last = content[content.length - 1]
      if (last?.type === 'text') last.text += chunk.text
      else content.push({ type: 'text', text: chunk.text })
    } else if (chunk.type === 'tool_call_start') content.push({ type: 'tool_call', id: chunk.id, name: chunk.name, arguments: '' })
    else if (chunk.type === 'tool_call_delta') {
      const call = content[content.length - 1]
      if (call?.type === 'tool_call') call.arguments += chunk.arguments
    }
  }
  return {
    id: response.responseId ?? crypto.randomUUID(),
    model: response.modelVersion ?? '',
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason: blocked && !candidate ? 'content_filter' : fromGeminiFinish(candidate?.finishReason ?? 'STOP', tools > 0),
    usage: fromGeminiUsage(response.usageMetadata),
  }
}

/** Vectors from `embedContent` (one) or `batchEmbedContents` (several), in input order. */
export function fromGeminiEmbeddings(provider: string, body: Record<string, unknown>): number[][] {
  const response = body as GeminiEmbedResponse
  const vectors = response.embeddings?.map((e) => e.values) ?? (response.embedding ? [response.embedding.values] : undefined)
  if (!vectors || vectors.some((v) => !Array.isArray(v))) {
    throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent embeddings without values.`)
  }
  return vectors
}
