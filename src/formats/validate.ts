// Compiled TypeBox validation of request bodies, with the failing field named as `param`.
import type { TSchema, Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors'
import { GatewayError } from '../errors'
import { tomlPath } from '../config/load'
import { MAX_JSON_DEPTH, tooDeepPath } from './json-depth'

/**
 * Compiles `schema` once; the returned function checks a parsed body and throws 400
 * `invalid_body` naming the first failing field (`messages[0].role`).
 */
export function bodyValidator<T extends TSchema>(schema: T): (body: unknown) => Static<T> {
  const compiled = TypeCompiler.Compile(schema)
  return (body) => {
    if (compiled.Check(body)) return body
    const first = closest(compiled.Errors(body).First())
    const param = first ? tomlPath(first.path) : null
    const message = first
      ? first.value === undefined
        ? `Missing required field '${param}'.`
        : `Invalid value for '${param}': ${first.message.toLowerCase()}.`
      : 'Invalid request body.'
    throw new GatewayError('invalid_body', message, { param: param === '(root)' ? null : param })
  }
}

/**
 * A union's failure, narrowed to the branch the value meant: branches whose `type` tag or whose
 * shape at the union's own path does not match are set aside, and the first error of the first
 * branch left (itself narrowed) names the field — `messages[0].content[0].image_url`, not
 * `messages[0].content`.
 */
function closest(error: ValueError | undefined): ValueError | undefined {
  if (!error || error.type !== ValueErrorType.Union) return error
  for (const branch of error.errors) {
    const errors = [...branch]
    const meant = errors.every((e) => e.path !== `${error.path}/type` && (e.path !== error.path || e.type === ValueErrorType.Union))
    if (meant && errors[0]) return closest(errors[0])
  }
  return error
}

/**
 * Parses a JSON body text; 400 `invalid_json` when it is not JSON or not an object, 400
 * `invalid_body` naming the field when it nests deeper than `MAX_JSON_DEPTH` (checked first,
 * on the text, so nothing recursive ever sees such a body).
 */
export function parseJsonBody(text: string): Record<string, unknown> {
  const deep = tooDeepPath(text)
  if (deep !== null) {
    throw new GatewayError(
      'invalid_body',
      `${deep ? `'${deep}'` : 'The body'} nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels.`,
      {
        param: deep || null,
      },
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new GatewayError('invalid_json', `Request body is not valid JSON: ${(error as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError('invalid_json', 'Request body must be a JSON object.')
  }
  return value as Record<string, unknown>
}
