// Token counts of text without a tokenizer: one pass over the characters, an upper and a lower bound.

/**
 * Two estimates of how many tokens a text costs in a byte-level BPE tokenizer (GPT's cl100k and
 * o200k, and the like):
 * - `high`: meant to be at least the real count. Holds use it, so a request is never admitted on
 *   money it may not have.
 * - `low`: meant to be at most the real count. The context-window check uses it, so a prompt that
 *   really fits is never refused.
 */
export interface TokenEstimate {
  high: number
  low: number
}

// Character classes of the ASCII range; everything above 0x7f is classified by code point.
const LOWER = 1
const UPPER = 2
const DIGIT = 3
const SPACE = 4
const PUNCT = 5
const CLASS = new Uint8Array(128).fill(PUNCT)
for (let c = 97; c <= 122; c++) CLASS[c] = LOWER
for (let c = 65; c <= 90; c++) CLASS[c] = UPPER
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT
for (const c of [9, 10, 13, 32]) CLASS[c] = SPACE
const VOWEL = new Uint8Array(128)
for (const c of 'aeiouyAEIOUY') VOWEL[c.charCodeAt(0)] = 1

/** A word-like hump of letters ("billing", "User") costs one token, plus one per 7 letters. */
const WORD_LETTERS = 7
/** Humps longer than this, or with fewer vowels than this share, are scored as random letters. */
const WORD_MAX = 12
const WORD_VOWELS = 0.25
/** Random letters (hashes, base64, identifiers of consonants) and mixed letter-digit runs. */
const RANDOM_PER_CHAR = 0.75
/** Two-byte UTF-8 characters (accented Latin, Greek, Cyrillic, Hebrew, Arabic). */
const TWO_BYTE = 1.2
/** Three-byte characters (CJK, kana, Hangul, full-width punctuation). */
const THREE_BYTE = 1.5
/** A surrogate pair (emoji, rare CJK): up to 4 bytes, each possibly a token. */
const PAIR = 4

function hump(length: number, vowels: number): number {
  if (length <= 2) return 1
  if (length <= WORD_MAX && vowels >= length * WORD_VOWELS) return 1 + Math.floor(length / WORD_LETTERS)
  return Math.ceil(length * RANDOM_PER_CHAR)
}

/** Letters in [start, end), split into humps at case changes ("getUserByID" → get|User|By|ID). */
function letterTokens(text: string, start: number, end: number): number {
  let tokens = 0
  let length = 0
  let vowels = 0
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (length > 0 && CLASS[c] === UPPER) {
      const prevUpper = CLASS[text.charCodeAt(i - 1)] === UPPER
      const nextLower = i + 1 < end && CLASS[text.charCodeAt(i + 1)] === LOWER
      if (!prevUpper || nextLower) {
        tokens += hump(length, vowels)
        length = 0
        vowels = 0
      }
    }
    length++
    vowels += VOWEL[c]!
  }
  return tokens + (length > 0 ? hump(length, vowels) : 0)
}

/** A run of letters and digits in [start, end). */
function alnumTokens(text: string, start: number, end: number, switches: number): number {
  // Letters and digits interleaved more than twice over 8+ characters: a hash, id or base64.
  if (end - start >= 8 && switches >= 2) return Math.ceil((end - start) * RANDOM_PER_CHAR)
  let tokens = 0
  let i = start
  while (i < end) {
    const from = i
    if (CLASS[text.charCodeAt(i)] === DIGIT) {
      while (i < end && CLASS[text.charCodeAt(i)] === DIGIT) i++
      tokens += Math.ceil((i - from) / 3) // GPT tokenizers split numbers into groups of 1–3 digits
    } else {
      while (i < end && CLASS[text.charCodeAt(i)] !== DIGIT) i++
      tokens += letterTokens(text, from, i)
    }
  }
  return tokens
}

/**
 * Estimates a text's tokens in one pass over its UTF-16 units (~1 ms per 100 KB), scoring each run
 * the way BPE pre-tokenizers split text: words (split at case changes), digit groups of three,
 * punctuation (one token per character at most), whitespace (a single space joins the next word),
 * and non-ASCII characters by their UTF-8 length. Calibration and measured ratios: README "Money".
 */
export function estimateText(text: string): TokenEstimate {
  let high = 0
  let low = 0
  const n = text.length
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i)
    const kind = c < 128 ? CLASS[c]! : 0
    if (kind === LOWER || kind === UPPER || kind === DIGIT) {
      const start = i
      let switches = 0
      let digit = kind === DIGIT
      for (; i < n; i++) {
        const k = text.charCodeAt(i) < 128 ? CLASS[text.charCodeAt(i)]! : 0
        if (k !== LOWER && k !== UPPER && k !== DIGIT) break
        if ((k === DIGIT) !== digit) {
          switches++
          digit = !digit
        }
      }
      high += alnumTokens(text, start, i, switches)
      low += (i - start) / 8
    } else if (kind === SPACE) {
      const start = i
      while (i < n && text.charCodeAt(i) < 128 && CLASS[text.charCodeAt(i)] === SPACE) i++
      const next = i < n ? text.charCodeAt(i) : 32
      const joinsNext = i - start === 1 && c === 32 && !(next < 128 && (CLASS[next] === DIGIT || CLASS[next] === SPACE))
      if (!joinsNext) high += 1 + ((i - start) >> 3)
    } else if (kind === PUNCT) {
      const start = i
      while (i < n && text.charCodeAt(i) < 128 && CLASS[text.charCodeAt(i)] === PUNCT) i++
      high += i - start
      low += 1
    } else if (c >= 0xd800 && c <= 0xdbff) {
      high += PAIR
      low += 0.5
      i += 2
    } else {
      high += c < 0x800 ? TWO_BYTE : THREE_BYTE
      low += c < 0x800 ? 1 / 6 : 0.5
      i++
    }
  }
  return { high: Math.ceil(high), low: Math.floor(low) }
}
