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

export const newRequestId = () => `req_${randomBase62(24)}`
export const newAccountId = () => `acct_${randomBase62(16)}`
export const newKeyId = () => `key_${randomBase62(16)}`
export const newHoldId = () => `hold_${randomBase62(16)}`
