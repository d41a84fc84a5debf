// OpenAI Chat Completions and Embeddings wire types: the parts token-hub reads or writes.

export interface OpenAIToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

export type OpenAIContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } }

export interface OpenAIMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool'
  content?: string | OpenAIContentPart[] | null
  name?: string
  tool_calls?: OpenAIToolCall[]
  tool_call_id?: string
}

export interface OpenAIUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens?: number
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null
  completion_tokens_details?: { reasoning_tokens?: number | null } | null
  /** DeepSeek: prompt tokens served from its context cache (`prompt_tokens` = hits + misses). */
  prompt_cache_hit_tokens?: number | null
  prompt_cache_miss_tokens?: number | null
}

export interface OpenAIChatCompletion {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: Array<{
    index: number
    message: { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCall[]; refusal?: string | null }
    finish_reason: string | null
    logprobs?: unknown
  }>
  usage?: OpenAIUsage | null
  system_fingerprint?: string | null
}

export interface OpenAIChatChunk {
  id: string
  object: 'chat.completion.chunk'
  created: number
  model: string
  choices: Array<{
    index: number
    delta: {
      role?: 'assistant'
      content?: string | null
      tool_calls?: Array<{ index: number; id?: string; type?: 'function'; function?: { name?: string; arguments?: string } }>
      refusal?: string | null
    }
    finish_reason: string | null
    logprobs?: unknown
  }>
  usage?: OpenAIUsage | null
  error?: unknown
}

export interface OpenAIEmbeddingResponse {
  object: 'list'
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>
  model: string
  usage: { prompt_tokens: number; total_tokens: number }
}
