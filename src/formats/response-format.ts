// Client structured-output settings (OpenAI `response_format`, Anthropic `output_config.format` / `output_format`) → the shared ResponseFormat.
import type { ResponseFormat } from '../providers/types'

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * OpenAI's `response_format`: `json_object`, or `json_schema` with its name, schema, description
 * and `strict`. `text` is the default (undefined); a shape OpenAI does not define is null (it stays
 * untranslatable and reaches only an OpenAI-format upstream, which judges it).
 */
export function openAIResponseFormat(value: unknown): ResponseFormat | null | undefined {
  if (value === undefined || value === null) return undefined
  if (!isObject(value)) return null
  if (value.type === 'text') return undefined
  if (value.type === 'json_object') return { type: 'json_object' }
  const spec = value.json_schema
  if (value.type !== 'json_schema' || !isObject(spec) || typeof spec.name !== 'string') return null
  // A schema-less json_schema is allowed by OpenAI and means any JSON object.
  const schema = isObject(spec.schema) ? spec.schema : { type: 'object' }
  return {
    type: 'json_schema',
    name: spec.name,
    schema,
    ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
    ...(typeof spec.strict === 'boolean' ? { strict: spec.strict } : {}),
  }
}

/** The name other formats require for a schema Anthropic leaves unnamed. */
export const ANTHROPIC_SCHEMA_NAME = 'response'

/**
 * Anthropic's `output_config.format` (or the beta `output_format`): `{type: 'json_schema', schema}`.
 * Anthropic enforces the schema by constrained decoding, so it crosses as `strict`.
 */
export function anthropicResponseFormat(body: Record<string, unknown>): ResponseFormat | null | undefined {
  const config = body.output_config as { format?: unknown } | null | undefined
  const format = config?.format ?? body.output_format
  if (format === undefined || format === null) return undefined
  if (!isObject(format) || format.type !== 'json_schema' || !isObject(format.schema)) return null
  return { type: 'json_schema', name: ANTHROPIC_SCHEMA_NAME, schema: format.schema, strict: true }
}
