// TypeBox schema of the Responses API request body token-hub reads (unknown fields pass through).
import { Type, type Static, type TSchema } from '@sinclair/typebox'

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]))

/** Anything whose `type` is none of `known`: hosted tools, items and parts token-hub does not read. */
const OtherTyped = (known: string[]) => Type.Object({ type: Type.String({ pattern: `^(?!(?:${known.join('|')})$)` }) })

const InputText = Type.Object({ type: Type.Literal('input_text'), text: Type.String() })
const InputImage = Type.Object({
  type: Type.Literal('input_image'),
  image_url: Nullable(Type.String({ minLength: 1 })),
  file_id: Nullable(Type.String()),
  detail: Type.Optional(Type.String()),
})
const OutputText = Type.Object({ type: Type.Literal('output_text'), text: Type.String() })
const Refusal = Type.Object({ type: Type.Literal('refusal'), refusal: Type.String() })
const Part = Type.Union([InputText, InputImage, OutputText, Refusal, OtherTyped(['input_text', 'input_image', 'output_text', 'refusal'])])
export type ResponsesPart = Static<typeof Part>

const Message = Type.Object({
  type: Type.Optional(Type.Literal('message')),
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant'), Type.Literal('system'), Type.Literal('developer')]),
  content: Type.Union([Type.String(), Type.Array(Part)]),
})
const FunctionCall = Type.Object({
  type: Type.Literal('function_call'),
  call_id: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  arguments: Type.String(),
  namespace: Type.Optional(Type.String()),
})
const ToolOutput = Type.Union([Type.String(), Type.Array(Part)])
const FunctionCallOutput = Type.Object({
  type: Type.Literal('function_call_output'),
  call_id: Type.String({ minLength: 1 }),
  output: ToolOutput,
})
const CustomToolCall = Type.Object({
  type: Type.Literal('custom_tool_call'),
  call_id: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  input: Type.String(),
  namespace: Type.Optional(Type.String()),
})
const CustomToolCallOutput = Type.Object({
  type: Type.Literal('custom_tool_call_output'),
  call_id: Type.String({ minLength: 1 }),
  output: ToolOutput,
})
const Reasoning = Type.Object({
  type: Type.Literal('reasoning'),
  summary: Type.Array(Type.Object({ type: Type.String(), text: Type.String() })),
  encrypted_content: Nullable(Type.String()),
})
const READ_ITEMS = ['message', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'reasoning']
const Item = Type.Union([
  Message,
  FunctionCall,
  FunctionCallOutput,
  CustomToolCall,
  CustomToolCallOutput,
  Reasoning,
  OtherTyped(READ_ITEMS),
])
export type ResponsesItem = Static<typeof Item>

const FunctionTool = Type.Object({
  type: Type.Literal('function'),
  name: Type.String({ minLength: 1 }),
  description: Nullable(Type.String()),
  parameters: Nullable(Type.Record(Type.String(), Type.Unknown())),
  strict: Nullable(Type.Boolean()),
})
const CustomTool = Type.Object({
  type: Type.Literal('custom'),
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  format: Type.Optional(
    Type.Object({ type: Type.String(), syntax: Type.Optional(Type.String()), definition: Type.Optional(Type.String()) }),
  ),
})
const NamespaceTool = Type.Object({
  type: Type.Literal('namespace'),
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  tools: Type.Array(Type.Union([FunctionTool, CustomTool])),
})
const Tool = Type.Union([FunctionTool, CustomTool, NamespaceTool, OtherTyped(['function', 'custom', 'namespace'])])
export type ResponsesTool = Static<typeof Tool>
export type ResponsesFunctionTool = Static<typeof FunctionTool>
export type ResponsesCustomTool = Static<typeof CustomTool>

const ToolChoice = Type.Union([
  Type.Literal('none'),
  Type.Literal('auto'),
  Type.Literal('required'),
  Type.Object({ type: Type.Union([Type.Literal('function'), Type.Literal('custom')]), name: Type.String({ minLength: 1 }) }),
  Type.Object({
    type: Type.Literal('allowed_tools'),
    mode: Type.Union([Type.Literal('auto'), Type.Literal('required')]),
    tools: Type.Array(Type.Object({ type: Type.String(), name: Type.Optional(Type.String()) })),
  }),
  OtherTyped(['function', 'custom', 'allowed_tools']),
])

const TextFormat = Type.Union([
  Type.Object({ type: Type.Literal('text') }),
  Type.Object({ type: Type.Literal('json_object') }),
  Type.Object({
    type: Type.Literal('json_schema'),
    name: Type.String({ minLength: 1 }),
    schema: Type.Record(Type.String(), Type.Unknown()),
    description: Type.Optional(Type.String()),
    strict: Nullable(Type.Boolean()),
  }),
])

export const ResponsesBody = Type.Object({
  model: Type.String({ minLength: 1 }),
  input: Type.Optional(Type.Union([Type.String(), Type.Array(Item)])),
  instructions: Nullable(Type.String()),
  tools: Type.Optional(Type.Array(Tool)),
  tool_choice: Type.Optional(ToolChoice),
  parallel_tool_calls: Nullable(Type.Boolean()),
  max_output_tokens: Nullable(Type.Integer({ minimum: 1 })),
  temperature: Nullable(Type.Number({ minimum: 0, maximum: 2 })),
  top_p: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  reasoning: Nullable(
    Type.Object({
      effort: Nullable(Type.String()),
      summary: Nullable(Type.String()),
      generate_summary: Nullable(Type.String()),
    }),
  ),
  text: Nullable(Type.Object({ format: Type.Optional(TextFormat), verbosity: Nullable(Type.String()) })),
  include: Nullable(Type.Array(Type.String())),
  metadata: Nullable(Type.Record(Type.String(), Type.String())),
  store: Nullable(Type.Boolean()),
  stream: Nullable(Type.Boolean()),
  previous_response_id: Nullable(Type.String()),
  prompt_cache_key: Nullable(Type.String()),
  user: Type.Optional(Type.String()),
  safety_identifier: Nullable(Type.String()),
})
export type ResponsesBody = Static<typeof ResponsesBody>
