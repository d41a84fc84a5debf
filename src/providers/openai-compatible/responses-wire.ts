// OpenAI Responses API wire types: the parts of answers and stream events token-hub reads or writes.

export interface ResponsesUsage {
  input_tokens: number
  input_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null
  output_tokens: number
  output_tokens_details?: { reasoning_tokens?: number } | null
  total_tokens: number
}

export interface ResponsesOutputText {
  type: 'output_text'
  text: string
  annotations: unknown[]
  logprobs?: unknown[]
}

export interface ResponsesMessageItem {
  type: 'message'
  id: string
  status: 'in_progress' | 'completed' | 'incomplete'
  role: 'assistant'
  content: Array<ResponsesOutputText | { type: 'refusal'; refusal: string }>
}

export interface ResponsesFunctionCallItem {
  type: 'function_call'
  id: string
  status: 'in_progress' | 'completed' | 'incomplete'
  call_id: string
  name: string
  arguments: string
  namespace?: string
}

export interface ResponsesCustomToolCallItem {
  type: 'custom_tool_call'
  id: string
  status: 'in_progress' | 'completed' | 'incomplete'
  call_id: string
  name: string
  input: string
  namespace?: string
}

export interface ResponsesReasoningItem {
  type: 'reasoning'
  id: string
  summary: Array<{ type: 'summary_text'; text: string }>
  encrypted_content?: string | null
  status?: 'in_progress' | 'completed' | 'incomplete'
}

/** The summary that stands for the conversation before it (OpenAI's: encrypted; token-hub's: see formats/responses/compaction.ts). */
export interface ResponsesCompactionItem {
  id: string
  type: 'compaction'
  encrypted_content: string
}

export type ResponsesOutputItem =
  | ResponsesMessageItem
  | ResponsesFunctionCallItem
  | ResponsesCustomToolCallItem
  | ResponsesReasoningItem
  | ResponsesCompactionItem

export type ResponsesStatus = 'completed' | 'failed' | 'in_progress' | 'cancelled' | 'queued' | 'incomplete'

/** A Response object (`object: "response"`), as answered and as carried by lifecycle events. */
export interface ResponsesObject {
  id: string
  object: 'response'
  created_at: number
  status: ResponsesStatus
  model: string
  output: Array<ResponsesOutputItem | { type: string }>
  usage?: ResponsesUsage | null
  error?: { code?: string | null; message?: string } | null
  incomplete_details?: { reason?: string } | null
  [field: string]: unknown
}

/** One stream event; `type` says which (`response.created`, `response.output_text.delta`, …). */
export interface ResponsesStreamEvent {
  type: string
  sequence_number?: number
  response?: ResponsesObject
  item?: ResponsesOutputItem | { type: string; id?: string }
  item_id?: string
  output_index?: number
  delta?: string
  code?: string | null
  message?: string
}
