// Model ids that are globs (`claude-*`, `gpt-5*`, `*`): matching a client's model name, most specific first.

/** True when a model id is a pattern rather than one name. */
export const isPattern = (id: string): boolean => id.includes('*')

/** A compiled glob: `*` matches any run of characters (none included); everything else is literal. */
export interface ModelPattern {
  id: string
  /** Literal characters: the longer pattern is the more specific one. */
  specificity: number
  test(name: string): boolean
}

const escapeRegex = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&')

export function compilePattern(id: string): ModelPattern {
  const regex = new RegExp(`^${id.split('*').map(escapeRegex).join('.*')}$`)
  return { id, specificity: id.replace(/\*/g, '').length, test: (name) => regex.test(name) }
}

/**
 * Patterns sorted most specific first (longer literal text; then the longer id), so the first
 * that matches is the one to use: an exact id is looked up before any of these.
 */
export function sortPatterns<P extends ModelPattern>(patterns: P[]): P[] {
  return patterns.sort((a, b) => b.specificity - a.specificity || b.id.length - a.id.length || (a.id < b.id ? -1 : 1))
}

/** The most specific pattern matching `name`, or null. `sorted` comes from `sortPatterns`. */
export function matchPattern<P extends ModelPattern>(sorted: readonly P[], name: string): P | null {
  for (const pattern of sorted) if (pattern.test(name)) return pattern
  return null
}
