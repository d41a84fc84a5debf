// API key format: minting, hashing, reading from headers, and the key-suffix model override.
import { randomBase62 } from '../ids'

/** Random characters after the prefix: 40 base62 characters ≈ 238 bits. */
const SECRET_LENGTH = 40
/** Characters of the key shown in lists after the prefix, enough to tell keys apart. */
const DISPLAY_CHARS = 6

export interface MintedKey {
  /** The full key, shown once. */
  key: string
  hash: string
  /** e.g. `sk-th_Ab3dE9…`: safe to show and store. */
  displayPrefix: string
}

export function mintKey(prefix: string): MintedKey {
  const key = prefix + randomBase62(SECRET_LENGTH)
  return { key, hash: hashKey(key), displayPrefix: `${key.slice(0, prefix.length + DISPLAY_CHARS)}…` }
}

/** SHA-256 hex of the key. Lookups go by this hash, so their timing does not depend on the secret. */
export function hashKey(key: string): string {
  return new Bun.CryptoHasher('sha256').update(key).digest('hex')
}

export type KeyHeader = { kind: 'key'; value: string } | { kind: 'missing' } | { kind: 'garbled'; reason: string }

/** Reads `Authorization: Bearer <key>` (exactly one space) or `x-api-key: <key>`. */
export function keyFromHeaders(headers: Headers): KeyHeader {
  const authorization = headers.get('authorization')
  if (authorization !== null) {
    const match = /^Bearer ([^\s]+)$/.exec(authorization)
    if (match) return { kind: 'key', value: match[1]! }
  }
  const apiKey = headers.get('x-api-key')
  if (apiKey !== null) {
    return /^[^\s]+$/.test(apiKey) ? { kind: 'key', value: apiKey } : { kind: 'garbled', reason: 'x-api-key header is empty or has spaces' }
  }
  if (authorization !== null) return { kind: 'garbled', reason: "Authorization header must be 'Bearer <key>'" }
  return { kind: 'missing' }
}

export interface ParsedKey {
  /** The key to authenticate: prefix + secret. */
  key: string
  /** `<provider>/<model>` from a `sk-th_<secret>-<provider>/<model>` key, for clients that cannot set a model. */
  forced: { provider: string; model: string } | null
}

/**
 * Splits the key-suffix form. The secret is base62, so the first `-` after the prefix starts the
 * suffix. Returns null when the text is not a token-hub key at all.
 */
export function parseKey(text: string, prefix: string): ParsedKey | null {
  if (!text.startsWith(prefix)) return null
  const rest = text.slice(prefix.length)
  const dash = rest.indexOf('-')
  const secret = dash === -1 ? rest : rest.slice(0, dash)
  if (secret.length < 32 || !/^[0-9A-Za-z]+$/.test(secret)) return null
  if (dash === -1) return { key: text, forced: null }
  const suffix = rest.slice(dash + 1)
  const slash = suffix.indexOf('/')
  if (slash <= 0 || slash === suffix.length - 1) return null
  return { key: prefix + secret, forced: { provider: suffix.slice(0, slash), model: suffix.slice(slash + 1) } }
}
