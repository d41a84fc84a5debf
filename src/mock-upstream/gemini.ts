// The mock's Gemini wire format: generateContent, streamGenerateContent (alt=sse), embedContent, batchEmbedContents.
import { MAX_EMBEDDING_DIMENSIONS } from '../formats/openai/schema'
import { sseData } from '../formats/sse'
import { FAULT_MESSAGES, type FaultMode } from './faults'
import { mockAnswer, mockEmbedding, mockId, mockTokenCount, type MockAnswer } from './generator'
import { jsonResponse, sseResponse } from './respond'
import { ANY_OBJECT } from './json'

type Part = {
  text?: string
  inlineData?: unknown
  fileData?: unknown
  functionCall?: { name: string; args?: unknown }
  functionResponse?: { name: string; response?: unknown }
}
type Content = { role?: string; parts?: Part[] }

const STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
}

/** Google's error shape; a 429 says when to retry in a RetryInfo detail, not a header. */
const errorBody = (status: number) => ({
  error: {
    code: status,
    message: (FAULT_MESSAGES[status] ?? FAULT_MESSAGES[500]!).message,
    status: STATUSES[status] ?? 'INTERNAL',
    ...(status === 429 ? { details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }] } : {}),
  },
})

export function geminiErrorResponse(status: number): Response {
  return Response.json(errorBody(status), { status })
}

/** The signature the mock attaches to function calls, as Gemini thinking models do. */
export const MOCK_THOUGHT_SIGNATURE = 'bW9jay10aG91Z2h0LXNpZ25hdHVyZQ=='

function partText(part: Part): string {
  if (typeof part.text === 'string') return part.text
  if (part.functionCall) return JSON.stringify(part.functionCall.args ?? {})
  if (part.functionResponse) return JSON.stringify(part.functionResponse.response ?? {})
  return ''
}

const contentText = (content: Content | undefined) => (content?.parts ?? []).map(partText).join('\n')

function answerFor(body: Record<string, unknown>): MockAnswer {
  const contents = (Array.isArray(body.contents) ? body.contents : []) as Content[]
  const system = contentText(body.systemInstruction as Content | undefined)
  const promptText = [system, ...contents.map(contentText)].filter((t) => t !== '').join('\n')
  const images = contents.reduce((n, c) => n + (c.parts ?? []).filter((p) => p.inlineData || p.fileData).length, 0)
  const last = contents[contents.length - 1]
  const answersTools = (last?.parts ?? []).some((p) => p.functionResponse)
  const declarations = ((Array.isArray(body.tools) ? body.tools : []) as Array<{ functionDeclarations?: Array<{ name: string }> }>).flatMap(
    (t) => t.functionDeclarations ?? [],
  )
  const config = (body.toolConfig as { functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] } } | undefined)
    ?.functionCallingConfig
  const tool =
    declarations.length > 0 && config?.mode !== 'NONE' && last?.role !== 'model' && !answersTools
      ? { name: config?.allowedFunctionNames?.[0] ?? declarations[0]!.name }
      : null
  const generation = body.generationConfig as
    | { maxOutputTokens?: number; responseMimeType?: string; responseJsonSchema?: unknown; responseSchema?: unknown }
    | undefined
  const json = generation?.responseMimeType === 'application/json'
  return mockAnswer({
    promptText,
    extraPromptTokens: contents.length * 3 + images * 85,
    maxTokens: generation?.maxOutputTokens ?? null,
    tool,
    lastUserText: contentText(last),
    toolNames: declarations.map((d) => d.name),
    toolResult: answersTools
      ? (last?.parts ?? [])
          .filter((p) => p.functionResponse)
          .map(partText)
          .join('\n')
      : null,
    schema: json ? (generation?.responseJsonSchema ?? generation?.responseSchema ?? ANY_OBJECT) : undefined,
  })
}

const FINISH = { stop: 'STOP', length: 'MAX_TOKENS', tool_calls: 'STOP' } as const

const usageOf = (answer: MockAnswer) => ({
  promptTokenCount: answer.promptTokens,
  candidatesTokenCount: answer.completionTokens,
  totalTokenCount: answer.promptTokens + answer.completionTokens,
  ...(answer.cachedTokens ? { cachedContentTokenCount: answer.cachedTokens } : {}),
})

const callPart = (answer: MockAnswer) => ({
  functionCall: { name: answer.toolCall!.name, args: JSON.parse(answer.toolCall!.argumentPieces.join('')) as unknown },
  thoughtSignature: MOCK_THOUGHT_SIGNATURE,
})

const FAULT_FRAMES = { malformed: 'data: {"candidates": [broken\n\n', error: sseData(JSON.stringify(errorBody(500))) }

export async function geminiGenerate(body: Record<string, unknown>, fault: FaultMode, signal: AbortSignal, model: string, stream: boolean) {
  const answer = answerFor(body)
  const responseId = mockId('', JSON.stringify(body.contents))
  const withUsage = fault.kind !== 'nousage'
  const response = (parts: unknown[], finish: string | null, usage: unknown) => ({
    candidates: [{ content: { role: 'model', parts }, ...(finish ? { finishReason: finish } : {}), index: 0 }],
    ...(usage ? { usageMetadata: usage } : {}),
    modelVersion: model,
    responseId,
  })
  if (stream) {
    // Gemini repeats the prompt count on every chunk and gives the full usage on the last one.
    const partial = withUsage ? { promptTokenCount: answer.promptTokens, totalTokenCount: answer.promptTokens } : null
    const frames: string[] = []
    if (answer.toolCall) frames.push(sseData(JSON.stringify(response([callPart(answer)], null, partial))))
    else for (const piece of answer.pieces) frames.push(sseData(JSON.stringify(response([{ text: piece }], null, partial))))
    frames.push(sseData(JSON.stringify(response([{ text: '' }], FINISH[answer.finish], withUsage ? usageOf(answer) : null))))
    return sseResponse(frames, fault, signal, FAULT_FRAMES)
  }
  const parts = answer.toolCall ? [callPart(answer)] : [{ text: answer.pieces.join('') }]
  return jsonResponse(response(parts, FINISH[answer.finish], withUsage ? usageOf(answer) : null), fault, signal, errorBody(500))
}

type EmbedRequest = { content?: Content; outputDimensionality?: number }

const embedding = (request: EmbedRequest) => ({ values: mockEmbedding(contentText(request.content), request.outputDimensionality ?? 8) })
const embedTokens = (requests: EmbedRequest[]) => requests.reduce((n, r) => n + mockTokenCount(contentText(r.content)), 0)

/** The vector is built element by element: an unbounded count would build an unbounded answer. */
const validDimensions = (request: EmbedRequest) => {
  const d = request.outputDimensionality ?? 8
  return Number.isInteger(d) && d >= 1 && d <= MAX_EMBEDDING_DIMENSIONS
}

export async function geminiEmbed(body: Record<string, unknown>, fault: FaultMode, signal: AbortSignal, batch: boolean) {
  const requests = batch ? ((Array.isArray(body.requests) ? body.requests : []) as EmbedRequest[]) : [body as EmbedRequest]
  if (!requests.every(validDimensions)) {
    const message = `mock: outputDimensionality must be an integer from 1 to ${MAX_EMBEDDING_DIMENSIONS}`
    return Response.json({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } }, { status: 400 })
  }
  const answer = batch ? { embeddings: requests.map(embedding) } : { embedding: embedding(requests[0]!) }
  return jsonResponse({ ...answer, usageMetadata: { promptTokenCount: embedTokens(requests) } }, fault, signal, errorBody(500))
}
