// TypeBox schemas of the OpenAI request bodies token-hub accepts (unknown fields pass through).
import { Type, type Static } from '@sinclair/typebox'

/** Integers no documented limit bounds: kept where arithmetic on them stays exact. */
export const SafeInteger = (minimum: number) => Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER })

const TextPart = Type.Object({ type: Type.Literal('text'), text: Type.String() })
const ImagePart = Type.Object({
  type: Type.Literal('image_url'),
  image_url: Type.Object({ url: Type.String({ minLength: 1 }), detail: Type.Optional(Type.String()) }),
})
const AudioPart = Type.Object({
  type: Type.Literal('input_audio'),
  input_audio: Type.Object({ data: Type.String(), format: Type.String() }),
})
const FilePart = Type.Object({
  type: Type.Literal('file'),
  file: Type.Object({
    file_data: Type.Optional(Type.String()),
    file_id: Type.Optional(Type.String()),
    filename: Type.Optional(Type.String()),
  }),
})
const RefusalPart = Type.Object({ type: Type.Literal('refusal'), refusal: Type.String() })
const KNOWN_PARTS = ['text', 'image_url', 'input_audio', 'file', 'refusal']
/** Part types of later API versions: accepted, and forwarded to OpenAI-format upstreams only. */
const OtherPart = Type.Object({ type: Type.String({ pattern: `^(?!(${KNOWN_PARTS.join('|')})$)` }) })
const ContentPart = Type.Union([TextPart, ImagePart, AudioPart, FilePart, RefusalPart, OtherPart])
export type OpenAIContentPart = Static<typeof ContentPart>

const ToolCall = Type.Object({
  id: Type.String(),
  type: Type.Optional(Type.Literal('function')),
  function: Type.Object({ name: Type.String({ minLength: 1 }), arguments: Type.String() }),
})

export const OpenAIChatMessage = Type.Object({
  role: Type.Union([
    Type.Literal('system'),
    Type.Literal('developer'),
    Type.Literal('user'),
    Type.Literal('assistant'),
    Type.Literal('tool'),
  ]),
  content: Type.Optional(Type.Union([Type.String(), Type.Null(), Type.Array(ContentPart)])),
  name: Type.Optional(Type.String()),
  tool_calls: Type.Optional(Type.Array(ToolCall)),
  tool_call_id: Type.Optional(Type.String()),
})
export type OpenAIChatMessage = Static<typeof OpenAIChatMessage>

const Tool = Type.Object({
  type: Type.Literal('function'),
  function: Type.Object({
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
})

const MaxTokens = Type.Optional(Type.Union([SafeInteger(1), Type.Null()]))
const Penalty = Type.Optional(Type.Union([Type.Number({ minimum: -2, maximum: 2 }), Type.Null()]))

/** OpenAI's largest embedding (text-embedding-3-large); the API documents no other ceiling. */
export const MAX_EMBEDDING_DIMENSIONS = 3072

export const OpenAIChatBody = Type.Object({
  model: Type.String({ minLength: 1 }),
  messages: Type.Array(OpenAIChatMessage, { minItems: 1 }),
  stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  stream_options: Type.Optional(Type.Union([Type.Object({ include_usage: Type.Optional(Type.Boolean()) }), Type.Null()])),
  max_tokens: MaxTokens,
  max_completion_tokens: MaxTokens,
  temperature: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 2 }), Type.Null()])),
  top_p: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])),
  stop: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 4 }), Type.Null()])),
  tools: Type.Optional(Type.Array(Tool)),
  tool_choice: Type.Optional(
    Type.Union([
      Type.Literal('none'),
      Type.Literal('auto'),
      Type.Literal('required'),
      Type.Object({ type: Type.Literal('function'), function: Type.Object({ name: Type.String() }) }),
    ]),
  ),
  parallel_tool_calls: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  n: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 128 }), Type.Null()])),
  logprobs: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  top_logprobs: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 20 }), Type.Null()])),
  presence_penalty: Penalty,
  frequency_penalty: Penalty,
  logit_bias: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Number({ minimum: -100, maximum: 100 })), Type.Null()])),
  seed: Type.Optional(Type.Union([Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()])),
  // Not OpenAI's: vLLM-style servers take it (-1 or 0 meaning "all tokens"), and it crosses to Anthropic and Gemini.
  top_k: Type.Optional(Type.Union([SafeInteger(-1), Type.Null()])),
  user: Type.Optional(Type.String()),
})
export type OpenAIChatBody = Static<typeof OpenAIChatBody>

export const OpenAIEmbeddingBody = Type.Object({
  model: Type.String({ minLength: 1 }),
  input: Type.Union([
    Type.String(),
    Type.Array(Type.String(), { minItems: 1, maxItems: 2048 }),
    Type.Array(SafeInteger(0), { minItems: 1 }),
    Type.Array(Type.Array(SafeInteger(0), { minItems: 1 }), { minItems: 1, maxItems: 2048 }),
  ]),
  dimensions: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_EMBEDDING_DIMENSIONS })),
  encoding_format: Type.Optional(Type.Union([Type.Literal('float'), Type.Literal('base64')])),
  user: Type.Optional(Type.String()),
})
export type OpenAIEmbeddingBody = Static<typeof OpenAIEmbeddingBody>
