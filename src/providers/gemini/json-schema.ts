// The JSON Schema subset Gemini's `responseJsonSchema` enforces: keywords it takes pass, annotations drop, others are a 400.
import { GatewayError } from '../../errors'

/** Keywords Gemini's structured output documents for `responseJsonSchema`, and `propertyOrdering`, its own. */
const SUPPORTED = new Set([
  '$id',
  '$defs',
  'definitions',
  '$ref',
  '$anchor',
  'type',
  'format',
  'title',
  'description',
  'enum',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'anyOf',
  'oneOf',
  'properties',
  'additionalProperties',
  'required',
  'nullable',
  'propertyOrdering',
])

/** Keywords that say nothing about which JSON is valid: left out, since the answer does not depend on them. */
const ANNOTATIONS = new Set(['$schema', '$comment', 'default', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly', 'strict'])

/** Keywords whose subschemas are maps of name → schema, or lists of schemas, or one schema. */
const SCHEMA_MAPS = new Set(['properties', '$defs', 'definitions'])
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'prefixItems'])
const SCHEMA_ONE = new Set(['items', 'additionalProperties'])

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * `schema` as Gemini takes it: `const` becomes a one-value `enum`, annotations are dropped, and a
 * validation keyword Gemini would not enforce (`pattern`, `allOf`, `not`, `multipleOf`, …) is a 400
 * naming it and where it is (`param` + `.properties.code.pattern`), since the answer could break it.
 */
export function toGeminiJsonSchema(schema: Record<string, unknown>, param: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    const at = `${param}.${key}`
    if (ANNOTATIONS.has(key)) continue
    if (key === 'const') {
      out.enum = [value]
      continue
    }
    if (!SUPPORTED.has(key)) {
      throw new GatewayError(
        'invalid_body',
        `This model is served in the gemini format, whose structured output cannot enforce the JSON Schema keyword '${key}' (at ${at}). Remove it or use a model of another format.`,
        { param: at },
      )
    }
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, isObject(sub) ? toGeminiJsonSchema(sub, `${at}.${name}`) : sub]),
      )
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map((sub, i) => (isObject(sub) ? toGeminiJsonSchema(sub, `${at}[${i}]`) : sub))
    } else if (SCHEMA_ONE.has(key) && isObject(value)) {
      out[key] = toGeminiJsonSchema(value, at)
    } else {
      out[key] = value
    }
  }
  return out
}
