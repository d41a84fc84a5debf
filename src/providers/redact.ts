// Credentials out of upstream text: the configured provider keys, and anything shaped like a key or a token.
import { GatewayError } from '../errors'
import type { FrameBatch, Provider } from './types'

export const REDACTED = '[redacted]'

/** Shorter configured "keys" are placeholders, and replacing them would garble ordinary words. */
const MIN_SECRET_LENGTH = 8

/**
 * Key and token shapes, whoever issued them. Each keeps what names the credential (`Bearer`,
 * `x-api-key:`) and replaces only the value, so the upstream's reason still reads.
 */
const SHAPES: Array<[RegExp, string]> = [
  // An authorization scheme and its token (a JWT's dots and base64's `+/=` included). After `Basic`
  // or `Token` only a value that looks encoded (a digit, `+/=`, a capital inside), so prose such as
  // "Token count" or "Basic authentication" stays.
  [/\b(Bearer)(\s+)[A-Za-z0-9._~+/=-]{4,}/gi, `$1$2${REDACTED}`],
  [/\b(Basic|Token)(\s+)(?=[A-Za-z0-9._~+/=-]*(?:[0-9+/=]|[a-z][A-Z]))[A-Za-z0-9._~+/=-]{8,}/g, `$1$2${REDACTED}`],
  // A named key or secret as a header, JSON member or query parameter: `x-api-key: v`, `"api_key": "v"`, `?key=v`.
  [
    /\b((?:x-)?(?:goog-)?api[-_]?key|authorization|access[-_]?token|refresh[-_]?token|client[-_]?secret|secret[-_]?key)(["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic|Token)\b)[^\s"'&,;)}\]]+/gi,
    `$1$2${REDACTED}`,
  ],
  [/([?&](?:key|api_key|token)=)[^&\s"'#]+/gi, `$1${REDACTED}`],
  // `sk-…` keys: OpenAI (`sk-proj-`), Anthropic (`sk-ant-`), DeepSeek, Moonshot, token-hub's own `sk-th_`.
  [/\bsk-[A-Za-z0-9_-]{6,}/g, REDACTED],
  // Google API keys.
  [/\bAIza[0-9A-Za-z_-]{20,}/g, REDACTED],
]

export type Redact = (text: string) => string

/**
 * The one redaction of upstream text: every configured secret wherever it appears, then every
 * key- or token-shaped value. Applied to everything a provider says before it leaves the
 * provider layer (see `redactingProvider`).
 *
 * @example
 * const redact = credentialRedactor(['sk-live-123456'])
 * redact('Incorrect API key provided: sk-live-123456') // 'Incorrect API key provided: [redacted]'
 */
export function credentialRedactor(secrets: Iterable<string>): Redact {
  // Longest first, so a key that contains another is removed whole.
  const exact = [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length)
  return (text) => {
    let out = text
    for (const secret of exact) out = out.split(secret).join(REDACTED)
    for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement)
    return out
  }
}

/** The same error with its upstream-sourced text (message, passthrough type, headers) redacted. */
export function redactError(error: GatewayError, redact: Redact): GatewayError {
  const headers = Object.fromEntries(Object.entries(error.headers).map(([name, value]) => [name, redact(value)]))
  return new GatewayError(error.code, redact(error.message), {
    param: error.param,
    headers,
    status: error.status,
    type: redact(error.type),
  })
}

/** Stream batches whose failure, thrown while iterating, is redacted like any other. */
function redactingFrames(frames: AsyncIterable<FrameBatch>, clean: (thrown: unknown) => never): AsyncIterable<FrameBatch> {
  return {
    [Symbol.asyncIterator]() {
      const inner = frames[Symbol.asyncIterator]()
      return {
        next: () => inner.next().catch(clean),
        return: (value?: unknown) => (inner.return ? inner.return(value).catch(clean) : Promise.resolve({ done: true as const, value })),
      }
    },
  }
}

/**
 * The provider, with every error it throws (before a stream opens, and while it runs) carrying
 * redacted text: upstream error bodies often echo the credentials they were sent, and those
 * messages go to the client and into the log row's attempts.
 */
export function redactingProvider(provider: Provider, redact: Redact): Provider {
  const clean = (thrown: unknown): never => {
    throw thrown instanceof GatewayError ? redactError(thrown, redact) : thrown
  }
  return {
    name: provider.name,
    type: provider.type,
    format: provider.format,
    ...(provider.relays ? { relays: provider.relays } : {}),
    ...(provider.droppedHints ? { droppedHints: provider.droppedHints } : {}),
    chat: (request, context) => provider.chat(request, context).catch(clean),
    chatStream: async (request, context) => redactingFrames(await provider.chatStream(request, context).catch(clean), clean),
    embed: (request, context) => provider.embed(request, context).catch(clean),
  }
}
