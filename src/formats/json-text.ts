// Setting one top-level field of a JSON object text in place, so a relayed body keeps every other byte the client sent.

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13

/** The index just past the string that opens at `i` (a `"`). */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 92) i++
    else if (c === 34) return i + 1
  }
  return i
}

/** The index just past the value that starts at `i`, stopping at the `,` or `}` that ends it at depth 0. */
function skipValue(text: string, i: number): number {
  let depth = 0
  let end = i
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34) {
      i = skipString(text, i) - 1
      end = i + 1
      continue
    }
    if (c === 123 || c === 91) depth++
    else if (c === 125 || c === 93) {
      if (depth === 0) return end
      depth--
    } else if (c === 44 && depth === 0) return end
    if (!isSpace(c)) end = i + 1
  }
  return end
}

/**
 * Where the top-level field `key`'s value lies in `text` ([start, end)), the last occurrence as
 * JSON.parse keeps, or null when the object has no such field. `text` must be a JSON object
 * (already parsed once by the caller), so the scan need not validate it.
 */
export function topLevelValueSpan(text: string, key: string): { start: number; end: number } | null {
  let i = text.indexOf('{')
  if (i < 0) return null
  let found: { start: number; end: number } | null = null
  i++
  while (i < text.length) {
    while (i < text.length && (isSpace(text.charCodeAt(i)) || text.charCodeAt(i) === 44)) i++
    if (i >= text.length || text.charCodeAt(i) !== 34) break
    const keyEnd = skipString(text, i)
    const name = JSON.parse(text.slice(i, keyEnd)) as string
    i = keyEnd
    while (i < text.length && (isSpace(text.charCodeAt(i)) || text.charCodeAt(i) === 58)) i++
    const end = skipValue(text, i)
    if (name === key) found = { start: i, end }
    i = end
  }
  return found
}

/**
 * `text` with the top-level field `key` set to `json` (a JSON value's text): its value replaced
 * where it stands, or the field added first in the object; every other byte is kept.
 *
 * @example
 * withTopLevelField('{"model": "a", "x": 1}', 'model', '"b"') // '{"model": "b", "x": 1}'
 */
export function withTopLevelField(text: string, key: string, json: string): string {
  const span = topLevelValueSpan(text, key)
  if (span) return text.slice(0, span.start) + json + text.slice(span.end)
  const open = text.indexOf('{') + 1
  let next = open
  while (next < text.length && isSpace(text.charCodeAt(next))) next++
  const empty = text.charCodeAt(next) === 125
  return `${text.slice(0, open)}${JSON.stringify(key)}:${json}${empty ? '' : ','}${text.slice(open)}`
}
