// The nesting limit of JSON the gateway accepts, checked on the text before anything walks the value.

/**
 * Objects and arrays nested deeper than this are refused. Every walk of a body (the schema
 * check, the estimator, the request builders, `JSON.stringify` on the way upstream) recurses
 * once per level and overflows the stack somewhere near 10⁴ levels; real tool schemas and
 * arguments stay well under 30.
 */
export const MAX_JSON_DEPTH = 128

/**
 * The path (`messages[0].content[0].input.a[0]`) of the first object or array nested deeper
 * than `max` in a JSON text, or null when there is none. One pass over the characters with no
 * recursion, so it is safe on any input; it does not validate the JSON (JSON.parse does that).
 */
export function tooDeepPath(text: string, max = MAX_JSON_DEPTH): string | null {
  // For each open container: true for an array; and its current index or key.
  const arrays: boolean[] = []
  const keys: Array<number | string> = []
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34) {
      // a string: skip it, keeping it when it is an object's key
      const start = i
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i)
        if (s === 92) i++
        else if (s === 34) break
      }
      if (expectKey && arrays.length > 0) keys[keys.length - 1] = keyOf(text.slice(start, i + 1))
      continue
    }
    switch (c) {
      case 123: // {
      case 91: // [
        if (arrays.length >= max) return pathOf(keys)
        arrays.push(c === 91)
        keys.push(c === 91 ? 0 : '')
        expectKey = c === 123
        break
      case 125: // }
      case 93: // ]
        arrays.pop()
        keys.pop()
        expectKey = false
        break
      case 44: // ,
        if (arrays[arrays.length - 1]) keys[keys.length - 1] = (keys[keys.length - 1] as number) + 1
        else expectKey = true
        break
      case 58: // :
        expectKey = false
        break
    }
  }
  return null
}

function keyOf(quoted: string): string {
  try {
    return String(JSON.parse(quoted))
  } catch {
    return quoted.slice(1, -1)
  }
}

/** The same notation as schema errors' `param`. */
function pathOf(keys: Array<number | string>): string {
  let out = ''
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`
    else if (/^[A-Za-z0-9_-]+$/.test(key)) out += out ? `.${key}` : key
    else out += `[${JSON.stringify(key)}]`
  }
  return out
}
