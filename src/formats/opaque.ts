// Source-body content the shared types do not model, classified for the prompt estimate.
import type { OpaqueContent } from '../providers/types'

/** Keys that point at content stored elsewhere, which the upstream fetches and bills by its real size. */
const REFERENCE_KEYS = new Set(['url', 'uri', 'file_id', 'file_url', 'file_uri'])

function refersElsewhere(value: unknown): boolean {
  // Iterative: bodies are depth-limited, but nothing here should depend on that.
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const next = pending.pop()
    if (Array.isArray(next)) {
      for (const item of next) pending.push(item)
    } else if (typeof next === 'object' && next !== null) {
      for (const [key, item] of Object.entries(next)) {
        if (REFERENCE_KEYS.has(key) && item !== null && item !== undefined) return true
        pending.push(item)
      }
    }
  }
  return false
}

/**
 * A block or part of a type token-hub does not know: bounded by its bytes when it carries its
 * content inline, unbounded when it names content elsewhere (a URL, a file id).
 */
export function unknownContent(value: unknown, path: string): OpaqueContent {
  return refersElsewhere(value) ? { kind: 'unbounded', path } : { kind: 'inline', path, value }
}

/** Fields of `object` other than `known`, each as inline content (message-level extras such as a legacy `function_call`). */
export function extraFields(object: Record<string, unknown>, known: readonly string[], path: string): OpaqueContent[] {
  const out: OpaqueContent[] = []
  for (const [key, value] of Object.entries(object)) {
    if (!known.includes(key) && value !== null && value !== undefined) out.push(unknownContent(value, `${path}.${key}`))
  }
  return out
}
