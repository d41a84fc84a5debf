// Tool-call ids for Gemini, which names calls by function only: generated ids that carry the thought signature.

const SIGNATURE = '__ts__'

/**
 * A tool-call id for the client. Gemini 3 must get each step's thought signature back with its
 * function call; clients of other formats only keep the call id, so the signature travels in it
 * (base64url, which OpenAI and Anthropic ids both allow).
 */
export function encodeToolId(base: string, signature: string | undefined): string {
  if (!signature) return base
  return `${base}${SIGNATURE}${signature.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`
}

/** The thought signature an id carries, if it came from a Gemini answer. */
export function signatureOf(id: string): string | undefined {
  const at = id.indexOf(SIGNATURE)
  if (at === -1) return undefined
  const url = id.slice(at + SIGNATURE.length)
  if (url === '') return undefined
  const base64 = url.replace(/-/g, '+').replace(/_/g, '/')
  return base64 + '='.repeat((4 - (base64.length % 4)) % 4)
}

/**
 * Google's documented placeholder for a function call that has no signature (history written by
 * another model or client), so Gemini 3 accepts the conversation instead of answering 400.
 */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator'

/** Gemini 3 and later validate thought signatures on replayed function calls. */
export function validatesSignatures(model: string): boolean {
  const major = /(?:^|\/)gemini-(\d+)/.exec(model)?.[1]
  return major !== undefined && Number(major) >= 3
}
