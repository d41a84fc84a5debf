// TypeBox schema of the legacy OpenAI Completions request body (openai-node `CompletionCreateParamsBase`; unknown fields pass through).
import { Type, type Static } from '@sinclair/typebox'
import { SafeInteger } from '../openai/schema'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]))
const Penalty = Nullable(Type.Number({ minimum: -2, maximum: 2 }))

/** `prompt`: a string, strings, token ids, or arrays of token ids (null: as from a new document). */
export const CompletionPrompt = Type.Union([
  Type.String(),
  Type.Array(Type.String(), { minItems: 1, maxItems: 2048 }),
  Type.Array(SafeInteger(0), { minItems: 1 }),
  Type.Array(Type.Array(SafeInteger(0), { minItems: 1 }), { minItems: 1, maxItems: 2048 }),
  Type.Null(),
])
export type CompletionPrompt = Static<typeof CompletionPrompt>

export const CompletionsBody = Type.Object({
  model: Type.String({ minLength: 1 }),
  prompt: CompletionPrompt,
  // 0 is allowed: with `echo`, the prompt alone comes back.
  max_tokens: Nullable(SafeInteger(0)),
  stop: Nullable(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 4 })])),
  stream: Nullable(Type.Boolean()),
  stream_options: Nullable(Type.Object({ include_usage: Type.Optional(Type.Boolean()) })),
  temperature: Nullable(Type.Number({ minimum: 0, maximum: 2 })),
  top_p: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  n: Nullable(Type.Integer({ minimum: 1, maximum: 128 })),
  best_of: Nullable(Type.Integer({ minimum: 0, maximum: 20 })),
  logprobs: Nullable(Type.Integer({ minimum: 0, maximum: 5 })),
  echo: Nullable(Type.Boolean()),
  suffix: Nullable(Type.String()),
  presence_penalty: Penalty,
  frequency_penalty: Penalty,
  logit_bias: Nullable(Type.Record(Type.String(), Type.Number({ minimum: -100, maximum: 100 }))),
  seed: Nullable(Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })),
  user: Type.Optional(Type.String()),
})
export type CompletionsBody = Static<typeof CompletionsBody>
