// The mock's structured output: a deterministic JSON value that fits the schema a request asked for.

const WORDS = ['ledger', 'gateway', 'token', 'window', 'stream', 'answer', 'key', 'limit']

type Schema = {
  type?: string | string[]
  properties?: Record<string, Schema>
  items?: Schema
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  $ref?: string
  minItems?: number
}

/**
 * A value of `schema` (the JSON Schema subset structured outputs use: types, properties, items,
 * enum, const, anyOf/oneOf, local $refs), the same for the same schema and seed. Every property
 * is filled, so strict schemas (all required) are met.
 */
export function mockJson(schema: unknown, seed: string): unknown {
  let n = Number(Bun.hash.wyhash(seed, 5n) & 0xffffn)
  const root = (schema ?? {}) as Schema & Record<string, unknown>
  const resolve = (ref: string): Schema => {
    let at: unknown = root
    for (const key of ref
      .replace(/^#\/?/, '')
      .split('/')
      .filter((k) => k !== ''))
      at = (at as Record<string, unknown> | undefined)?.[key]
    return (at ?? {}) as Schema
  }
  const value = (s: Schema, depth: number): unknown => {
    if (s.$ref) return depth > 8 ? null : value(resolve(s.$ref), depth + 1)
    if (s.const !== undefined) return s.const
    if (s.enum?.length) return s.enum[0]
    const variant = s.anyOf?.[0] ?? s.oneOf?.[0] ?? s.allOf?.[0]
    if (variant) return value(variant, depth + 1)
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : ['string']
    switch (types.find((t) => t !== 'null') ?? 'null') {
      case 'object':
        return Object.fromEntries(Object.entries(s.properties ?? {}).map(([key, sub]) => [key, value(sub, depth + 1)]))
      case 'array':
        return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => value(s.items ?? {}, depth + 1))
      case 'integer':
        return (n++ % 90) + 1
      case 'number':
        return ((n++ % 900) + 100) / 10
      case 'boolean':
        return n++ % 2 === 0
      case 'null':
        return null
      default:
        return WORDS[n++ % WORDS.length]
    }
  }
  return value(root, 0)
}

/** What the mock answers when any JSON object will do (JSON mode). */
export const ANY_OBJECT = { type: 'object', properties: { answer: { type: 'string' } } }

/** JSON text cut into the pieces a stream sends (the mock counts one token per piece). */
export function jsonPieces(json: unknown): string[] {
  const text = JSON.stringify(json)
  const pieces: string[] = []
  for (let i = 0; i < text.length; i += 6) pieces.push(text.slice(i, i + 6))
  return pieces
}
