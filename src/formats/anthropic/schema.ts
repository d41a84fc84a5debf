// TypeBox schemas of the Anthropic Messages request bodies token-hub accepts (unknown fields pass through).
import { Type, type Static } from '@sinclair/typebox'

/** A `type` other than the listed ones: accepted, and forwarded to Anthropic upstreams only. */
const OtherType = (...known: string[]) => Type.String({ pattern: `^(?!(${known.join('|')})$)` })

export const TextBlock = Type.Object({ type: Type.Literal('text'), text: Type.String() })

const ImageSource = Type.Union([
  Type.Object({ type: Type.Literal('base64'), media_type: Type.String({ minLength: 1 }), data: Type.String() }),
  Type.Object({ type: Type.Literal('url'), url: Type.String({ minLength: 1 }) }),
  /** `file` (Files API) and later kinds. */
  Type.Object({ type: OtherType('base64', 'url') }),
])
export const ImageBlock = Type.Object({ type: Type.Literal('image'), source: ImageSource })

const DocumentSource = Type.Union([
  Type.Object({ type: Type.Literal('base64'), media_type: Type.String({ minLength: 1 }), data: Type.String() }),
  Type.Object({ type: Type.Literal('text'), media_type: Type.String({ minLength: 1 }), data: Type.String() }),
  Type.Object({ type: Type.Literal('content'), content: Type.Union([Type.String(), Type.Array(Type.Union([TextBlock, ImageBlock]))]) }),
  Type.Object({ type: Type.Literal('url'), url: Type.String({ minLength: 1 }) }),
  Type.Object({ type: Type.Literal('file'), file_id: Type.String({ minLength: 1 }) }),
  Type.Object({ type: OtherType('base64', 'text', 'content', 'url', 'file') }),
])
export const DocumentBlock = Type.Object({ type: Type.Literal('document'), source: DocumentSource })

export const SearchResultBlock = Type.Object({
  type: Type.Literal('search_result'),
  source: Type.String(),
  title: Type.String(),
  content: Type.Array(TextBlock),
})

const OtherBlock = Type.Object({ type: OtherType('text', 'image', 'document', 'search_result', 'tool_use', 'tool_result') })

export const ToolUseBlock = Type.Object({
  type: Type.Literal('tool_use'),
  id: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  input: Type.Unknown(),
})

export const ToolResultBlock = Type.Object({
  type: Type.Literal('tool_result'),
  tool_use_id: Type.String({ minLength: 1 }),
  content: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.Union([TextBlock, ImageBlock, DocumentBlock, SearchResultBlock, OtherBlock]))]),
  ),
  is_error: Type.Optional(Type.Boolean()),
})

export const ContentBlock = Type.Union([TextBlock, ImageBlock, DocumentBlock, SearchResultBlock, ToolUseBlock, ToolResultBlock, OtherBlock])
export type ContentBlock = Static<typeof ContentBlock>

/**
 * `user`, `assistant`, and `system` (an instruction in the conversation's middle, as Claude Code
 * sends with the mid-conversation-system beta); a role no version of token-hub knows is accepted
 * too, relayed to Anthropic upstreams and refused (400 naming it) by any other.
 */
export const AnthropicMessage = Type.Object({
  role: Type.String({ minLength: 1 }),
  content: Type.Union([Type.String(), Type.Array(ContentBlock)]),
})
export type AnthropicMessage = Static<typeof AnthropicMessage>

const CustomTool = Type.Object({
  type: Type.Optional(Type.Literal('custom')),
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  input_schema: Type.Record(Type.String(), Type.Unknown()),
})
/** Server and client tools Anthropic defines (`web_search_20250305`, `bash_20250124`, …). */
const OtherTool = Type.Object({ type: OtherType('custom'), name: Type.String() })

const ToolChoice = Type.Union([
  Type.Object({ type: Type.Literal('auto'), disable_parallel_tool_use: Type.Optional(Type.Boolean()) }),
  Type.Object({ type: Type.Literal('any'), disable_parallel_tool_use: Type.Optional(Type.Boolean()) }),
  Type.Object({ type: Type.Literal('none') }),
  Type.Object({
    type: Type.Literal('tool'),
    name: Type.String({ minLength: 1 }),
    disable_parallel_tool_use: Type.Optional(Type.Boolean()),
  }),
])

/**
 * `max_tokens` is required by Anthropic's API; token-hub accepts its absence and uses the
 * model's `max_output_tokens` (the same default OpenAI-format requests get).
 */
export const AnthropicMessagesBody = Type.Object({
  model: Type.String({ minLength: 1 }),
  messages: Type.Array(AnthropicMessage, { minItems: 1 }),
  max_tokens: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
  system: Type.Optional(Type.Union([Type.String(), Type.Array(TextBlock)])),
  stop_sequences: Type.Optional(Type.Array(Type.String())),
  stream: Type.Optional(Type.Boolean()),
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  top_p: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  top_k: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  // Anthropic documents at least 1,024 thinking tokens; the other thinking fields pass through.
  thinking: Type.Optional(
    Type.Union([
      Type.Object({ budget_tokens: Type.Optional(Type.Integer({ minimum: 1024, maximum: Number.MAX_SAFE_INTEGER })) }),
      Type.Null(),
    ]),
  ),
  tools: Type.Optional(Type.Array(Type.Union([CustomTool, OtherTool]))),
  tool_choice: Type.Optional(ToolChoice),
  metadata: Type.Optional(Type.Object({ user_id: Type.Optional(Type.Union([Type.String(), Type.Null()])) })),
})
export type AnthropicMessagesBody = Static<typeof AnthropicMessagesBody>
