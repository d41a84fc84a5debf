// Gemini API (generativelanguage v1beta) wire types: the parts token-hub reads or writes.

export interface GeminiFunctionCall {
  id?: string
  name: string
  args?: Record<string, unknown>
}

export interface GeminiPart {
  text?: string
  /** True on a thinking model's thought summary (not part of the answer). */
  thought?: boolean
  /** Opaque; Gemini 3 requires it back on the first function call of each step. */
  thoughtSignature?: string
  inlineData?: { mimeType: string; data: string }
  fileData?: { mimeType?: string; fileUri: string }
  functionCall?: GeminiFunctionCall
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> }
}

export interface GeminiContent {
  role?: 'user' | 'model'
  parts: GeminiPart[]
}

export interface GeminiUsageMetadata {
  /** Includes cached tokens. */
  promptTokenCount?: number
  candidatesTokenCount?: number
  cachedContentTokenCount?: number
  thoughtsTokenCount?: number
  toolUsePromptTokenCount?: number
  totalTokenCount?: number
}

export interface GeminiCandidate {
  content?: GeminiContent
  finishReason?: string
  index?: number
}

export interface GeminiResponse {
  candidates?: GeminiCandidate[]
  promptFeedback?: { blockReason?: string }
  usageMetadata?: GeminiUsageMetadata
  modelVersion?: string
  responseId?: string
}

export interface GeminiEmbedResponse {
  embedding?: { values: number[] }
  embeddings?: Array<{ values: number[] }>
  usageMetadata?: { promptTokenCount?: number }
}
