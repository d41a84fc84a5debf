// Compiled TypeBox validation of request bodies, with the failing field named as `param`.
import type { TSchema, Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { GatewayError } from '../errors'
import { tomlPath } from '../config/load'

/**
 * Compiles `schema` once; the returned function checks a parsed body and throws 400
 * `invalid_body` naming the first failing field (`messages[0].role`).
 */
export function bodyValidator<T extends TSchema>(schema: T): (body: unknown) => Static<T> {
  const compiled = TypeCompiler.Compile(schema)
  return (body) => {
    if (compiled.Check(body)) return body
    const first = compiled.Errors(body).First()
    const param = first ? tomlPath(first.path) : null
    const message = first
      ? first.value === undefined
        ? `Missing required field '${param}'.`
        : `Invalid value for '${param}': ${first.message.toLowerCase()}.`
      : 'Invalid request body.'
    throw new GatewayError('invalid_body', message, { param: param === '(root)' ? null : param })
  }
}

/** Parses a JSON body text; 400 `invalid_json` when it is not JSON or not an object. */
export function parseJsonBody(text: string): Record<string, unknown> {
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
