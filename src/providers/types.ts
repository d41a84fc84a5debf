// The shared request, answer and stream types every client format and provider translates through.
import type { ProviderType } from '../config/schema'

/** A wire format spoken by a client or an upstream (`responses`: OpenAI's Responses API, `completions`: its legacy Completions). */
export type WireFormat = 'openai' | 'anthropic' | 'gemini' | 'responses' | 'completions'

export interface Usage {
  /**
   * Every prompt token, cached or not (OpenAI's `prompt_tokens`, Gemini's `promptTokenCount`,
   * Anthropic's `input_tokens` + cache reads + cache writes). The uncached part is what the cache
   * classes below leave: they are disjoint parts of it (see money/pricing.ts `tokenClasses`).
   */
  inputTokens: number
  /** Every output token, reasoning included (billed at the output price). */
  outputTokens: number
  /** Prompt tokens served from the provider's cache, when it reports them. */
  cacheReadTokens?: number
  /** Prompt tokens written to the provider's cache with a 5-minute lifetime (or an unstated one). */
  cacheWriteTokens?: number
  /** Prompt tokens written to the provider's cache with a 1-hour lifetime. */
  cacheWrite1hTokens?: number
  /** The part of `outputTokens` spent on reasoning, when the upstream reports it: informational, billed as output. */
  reasoningTokens?: number
  /**
   * Set when the upstream's counters were not token counts (negative, fractional, huge, text) or
   * its classes exceed their totals: then none of them is believed, and the request is billed as
   * if no usage came.
   */
  invalid?: string
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter'

export type ImageSource = { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string }

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; source: ImageSource }
  /** A call the assistant made; `arguments` is JSON text, as OpenAI carries it. */
  | { type: 'tool_call'; id: string; name: string; arguments: string }
  | { type: 'tool_result'; toolCallId: string; content: string | ContentPart[]; isError?: boolean }

/**
 * Source-body content the shared messages leave out but an upstream of the client's own format
 * still bills (documents, files, audio, search results, provider tools, unknown blocks), kept so
 * the estimator can bound it: each kind says how.
 */
export type OpaqueContent =
  /** Carried inline: at most one token per UTF-8 byte of its JSON (no tokenizer makes a token of less than a byte). */
  | { kind: 'inline'; path: string; value: unknown }
  /** An image the shared messages drop (a Files API image, an image in an OpenAI tool message): the image rule. */
  | { kind: 'image'; path: string }
  /**
   * Content its bytes do not bound: a PDF (each page rendered as an image, its text compressed),
   * anything by URL or file id, tools that fetch or run on the provider's side.
   */
  | { kind: 'unbounded'; path: string }

export interface Message {
  /** `system`: an instruction in the conversation's middle (Anthropic's mid-conversation system messages), kept in its place. */
  role: 'user' | 'assistant' | 'system'
  content: ContentPart[]
}

export interface ToolDefinition {
  name: string
  description?: string
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>
}

export type ToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string }

/** Structured output: any JSON object, or JSON matching a schema. */
export type ResponseFormat =
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; description?: string; strict?: boolean }

/** How hard a reasoning model should think before it answers. */
export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high'

/** The client's body as it arrived, for a provider that speaks the same format. */
export interface SourceBody {
  format: WireFormat
  body: Record<string, unknown>
  /**
   * The body's JSON text as the client sent it, when the format relays it byte for byte: a
   * same-format upstream then gets these bytes with only the fields the gateway must set edited.
   */
  text?: string
}

export interface ChatRequest {
  /** The model id the client sent (the catalog id). */
  model: string
  /** System prompt blocks, in order (OpenAI system/developer messages, Anthropic `system`). */
  system: string[]
  messages: Message[]
  /** Output ceiling the client asked for; null = the model's default. */
  maxTokens: number | null
  temperature?: number
  topP?: number
  /** Anthropic and Gemini `top_k`; OpenAI has none. */
  topK?: number
  stop?: string[]
  tools?: ToolDefinition[]
  toolChoice?: ToolChoice
  /** false when the client forbade parallel tool calls (OpenAI `parallel_tool_calls`, Anthropic `disable_parallel_tool_use`). */
  parallelToolCalls?: boolean
  /** The client's end-user id (OpenAI `user`, Anthropic `metadata.user_id`), for the upstream's abuse tracking. */
  user?: string
  /** Structured output the client asked for (OpenAI `response_format`, Responses `text.format`). */
  responseFormat?: ResponseFormat
  /** Reasoning the client asked for (Responses `reasoning`); absent = the model's default. */
  reasoning?: { effort?: ReasoningEffort; summary?: boolean }
  stream: boolean
  /** OpenAI `stream_options.include_usage`: whether the client wants the usage chunk. */
  includeUsage: boolean
  /**
   * The original body. A provider speaking `source.format` forwards it (with its own model id and
   * stream options) so fields token-hub does not model still reach the upstream untouched.
   */
  source: SourceBody
  /**
   * Fields of the source body only its own format can carry (`n`, `logprobs`, audio parts…), as
   * param paths. A provider of another format refuses the request with 400 naming them.
   */
  untranslatable: string[]
  /** What reaches a same-format upstream besides the shared fields, for the estimate (none when absent). */
  opaque?: OpaqueContent[]
  /**
   * Parts of the source body only an upstream of its own format can use, left out (not refused)
   * when the request is translated, e.g. hosted tools; the log row notes them.
   */
  leftOut?: string[]
}

export interface ChatResponse {
  id: string
  model: string
  created: number
  /** Text and tool calls, in order. */
  content: ContentPart[]
  finishReason: FinishReason | null
  /** null when the upstream did not report usage (the gateway then counts what it relayed). */
  usage: Usage | null
  /** The upstream's body, when it can be relayed to a client speaking the same format. */
  raw?: SourceBody
}

/** One piece of meaning in a stream. */
export type ChatChunk =
  | {
      type: 'start'
      id: string
      model: string
      /**
       * The prompt's classes, when the upstream tells them before the answer (Anthropic's
       * `message_start`, Gemini's first chunk): what a stream cut before its final usage is billed
       * for its prompt. Never a final usage (its output is 0).
       */
      promptUsage?: Usage
    }
  | { type: 'text'; text: string }
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_delta'; index: number; arguments: string }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'usage'; usage: Usage }

/**
 * What one upstream SSE event meant, plus the event itself: a client speaking the upstream's
 * format gets `raw` relayed as it came (no re-serialisation); any other client gets `chunks`
 * encoded in its own format.
 */
/**
 * The frames of one network read. `last` marks the batch that carried the upstream's terminator:
 * nothing follows it, so the relay can end the client's stream in the same write.
 */
export type FrameBatch = StreamFrame[] & { last?: boolean }

export interface StreamFrame {
  chunks: ChatChunk[]
  raw?: { format: WireFormat; event?: string; data: string }
}

export interface EmbedRequest {
  model: string
  /** Strings, or (OpenAI only) token arrays. */
  input: string[] | number[][]
  dimensions?: number
  encodingFormat?: 'float' | 'base64'
  source: SourceBody
}

export interface EmbedResponse {
  /** One vector per input, in input order (base64 strings when asked for). */
  vectors: Array<number[] | string>
  /** `invalid` as in Usage: the upstream's count was not a token count. */
  usage: { inputTokens: number; invalid?: string }
  raw?: SourceBody
}

/** How much of an upstream answer is read at most; past either, the call fails with a 502 and the read stops. */
export interface ReadCaps {
  /** A whole answer, or a whole stream. */
  responseBytes: number
  /** One stream line or event (what the SSE parser must hold before it can hand anything on). */
  streamEventBytes: number
}

/** Per-call inputs a provider needs besides the request. */
export interface CallContext {
  /** The provider's name for the model (the catalog's `upstream_model`). */
  upstreamModel: string
  /** Aborts the upstream call (timeouts, shutdown). */
  signal: AbortSignal
  /** Longest gap allowed between two stream events. */
  idleTimeoutMs: number
  caps: ReadCaps
  /** Client headers a provider may forward (e.g. `anthropic-version`, `anthropic-beta`). */
  clientHeaders: Headers
  /** The client's query string (`?beta=true`, or ''), which a same-format relay forwards. */
  clientQuery: string
}

/**
 * An upstream. Implementations know nothing of HTTP routing or billing; they turn the shared
 * request into their wire request and their wire answer back into shared types, and throw
 * `GatewayError` (`upstream_error`, `upstream_timeout`, `upstream_rate_limited`,
 * `upstream_passthrough`) naming themselves when the upstream fails.
 */
export interface Provider {
  readonly name: string
  readonly type: ProviderType
  /** The wire format this provider's upstream speaks. */
  readonly format: WireFormat
  /** Other client formats whose bodies this provider relays as they came (an OpenAI upstream serving the Responses API). */
  readonly relays?: readonly WireFormat[]
  chat(request: ChatRequest, context: CallContext): Promise<ChatResponse>
  /**
   * Resolves once the upstream accepted the stream (so failures before the first byte can still
   * fall back or become a plain error answer); the iterable then yields the frames in batches,
   * one per network read (a frame per event), which the relay writes to the client in one piece.
   */
  chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<FrameBatch>>
  embed(request: EmbedRequest, context: CallContext): Promise<EmbedResponse>
}
