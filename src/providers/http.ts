// HTTP to upstreams: one fetch wrapper that turns transport and status failures into contract errors.
import { GatewayError } from '../errors'
import type { CallContext } from './types'

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/** True when the abort came from a timeout rather than a shutdown or a caller. */
export function isTimeout(signal: AbortSignal): boolean {
  const reason = signal.reason as { name?: string } | undefined
  return signal.aborted && reason?.name === 'TimeoutError'
}

export function timeoutError(provider: string, what: string): GatewayError {
  return new GatewayError('upstream_timeout', `Upstream provider '${provider}' ${what}.`)
}

/** Maps a failed `fetch` (refused, reset, DNS, abort) to 502/504 naming the provider. */
export function transportError(provider: string, error: unknown, signal: AbortSignal): GatewayError {
  if (error instanceof GatewayError) return error
  if (isTimeout(signal)) return timeoutError(provider, 'did not answer within the timeout')
  const err = (typeof error === 'object' && error !== null ? error : {}) as { code?: string; message?: string }
  const reason = err.code ? `${err.code}${err.message ? `: ${err.message}` : ''}` : (err.message ?? String(error ?? 'connection reset'))
  return new GatewayError('upstream_error', `Upstream provider '${provider}' is unreachable (${reason}).`)
}

/** The upstream's own error message from a JSON error body, if it has one. */
export function upstreamReason(body: string): { message: string; type?: string } {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string; type?: string } | string; message?: string }
    if (typeof parsed.error === 'string') return { message: parsed.error }
    if (parsed.error?.message) return { message: parsed.error.message, type: parsed.error.type }
    if (parsed.message) return { message: parsed.message }
  } catch {
    // not JSON: fall through to the raw text
  }
  const text = body.trim().slice(0, 300)
  return { message: text || 'no body' }
}

/** Google APIs say when to retry in a `RetryInfo` detail (`"retryDelay": "7s"`) instead of a header. */
export function retryDelayOf(body: string): string | null {
  try {
    const details = (JSON.parse(body) as { error?: { details?: Array<{ retryDelay?: unknown }> } }).error?.details
    for (const detail of Array.isArray(details) ? details : []) {
      const seconds = typeof detail.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay)?.[1] : undefined
      if (seconds !== undefined) return String(Math.max(1, Math.ceil(Number(seconds))))
    }
  } catch {
    // not JSON: no delay to read
  }
  return null
}

/** Maps a non-2xx upstream answer to its contract row (3xx → 502, 429, 4xx passthrough, 5xx → 502). */
export function statusError(provider: string, status: number, body: string, headers: Headers): GatewayError {
  if (status >= 300 && status < 400) {
    const location = headers.get('location') ?? '(no location)'
    return new GatewayError(
      'upstream_error',
      `Upstream provider '${provider}' answered ${status} redirect to ${location}; redirects are not followed.`,
    )
  }
  const reason = upstreamReason(body)
  if (status === 429) {
    const retryAfter = headers.get('retry-after') ?? retryDelayOf(body)
    return new GatewayError('upstream_rate_limited', `Upstream provider '${provider}' is rate limiting: ${reason.message}`, {
      headers: retryAfter ? { 'retry-after': retryAfter } : {},
    })
  }
  if (status === 401 || status === 403) {
    // The upstream refused token-hub's own credentials: the operator's problem, not the client's key.
    return new GatewayError(
      'upstream_error',
      `Upstream provider '${provider}' refused token-hub's credentials (HTTP ${status}: ${reason.message})`,
    )
  }
  if (status === 408 || status === 504) {
    return timeoutError(provider, `timed out (HTTP ${status}: ${reason.message})`)
  }
  if (status >= 400 && status < 500) {
    return new GatewayError('upstream_passthrough', `Upstream provider '${provider}' rejected the request: ${reason.message}`, {
      status,
      type: reason.type ?? 'invalid_request_error',
    })
  }
  return new GatewayError('upstream_error', `Upstream provider '${provider}' failed with HTTP ${status}: ${reason.message}`)
}

/**
 * POSTs JSON and returns the response once its status is 2xx; anything else throws the contract
 * error. The body of a 2xx answer is left unread for the caller.
 */
export async function postJson(
  fetchImpl: FetchLike,
  provider: string,
  url: string,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<Response> {
  let response: Response
  try {
    // Never followed: fetch would carry the provider key (all but `authorization` across hosts)
    // and, on 307/308, the prompt to whatever host the upstream names.
    const init: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal,
      redirect: 'manual',
    }
    response = await fetchImpl(url, init)
  } catch (error) {
    throw transportError(provider, error, signal)
  }
  if (response.ok) return response
  const text = await readUpTo(response, ERROR_BODY_BYTES, true)
    .then((read) => read.text)
    .catch(() => '')
  throw statusError(provider, response.status, text, response.headers)
}

/** Enough of an error body for its reason (which is cut to 300 characters when it is not JSON). */
const ERROR_BODY_BYTES = 64 * 1024

/** The 502 for an upstream answer past `upstream.<cap>`. */
export function capError(provider: string, what: string, cap: 'max_response_bytes' | 'max_stream_event_bytes', limit: number) {
  return new GatewayError('upstream_error', `Upstream provider '${provider}' sent ${what} longer than upstream.${cap} (${limit} bytes).`)
}

/**
 * A body's text, read up to `limit` bytes (after decompression: a small gzip body can inflate to
 * gigabytes). Past the limit, `complete` is false, the text is empty (or, with `keepCut`, the first
 * `limit` bytes), and the rest is never read: the body is cancelled, which closes the upstream
 * connection.
 */
async function readUpTo(response: Response, limit: number, keepCut = false): Promise<{ text: string; complete: boolean }> {
  const declared = response.headers.get('content-length')
  const identity = (response.headers.get('content-encoding') ?? 'identity') === 'identity'
  // An uncompressed body cannot outgrow its declared length (HTTP framing): it is judged by it.
  if (identity && declared !== null) {
    if (Number(declared) <= limit) return { text: await response.text(), complete: true }
    await response.body?.cancel().catch(() => {})
    return { text: '', complete: false }
  }
  const reader = response.body?.getReader()
  if (!reader) return { text: '', complete: true }
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (true) {
      const next = await reader.read()
      if (next.done) return { text: Buffer.concat(chunks, size).toString('utf8'), complete: true }
      if (size + next.value.byteLength > limit) {
        if (!keepCut) return { text: '', complete: false }
        chunks.push(next.value.subarray(0, limit - size))
        return { text: Buffer.concat(chunks, limit).toString('utf8'), complete: false }
      }
      chunks.push(next.value)
      size += next.value.byteLength
    }
  } finally {
    reader.cancel().catch(() => {})
  }
}

/**
 * Reads a whole 2xx body as JSON, at most `caps.responseBytes` of it; a longer body, or one that
 * is not JSON or carries an `error`, is a 502.
 */
export async function readJson(
  provider: string,
  response: Response,
  context: Pick<CallContext, 'signal' | 'caps'>,
): Promise<Record<string, unknown>> {
  const limit = context.caps.responseBytes
  let read: { text: string; complete: boolean }
  try {
    read = await readUpTo(response, limit)
  } catch (error) {
    throw transportError(provider, error, context.signal)
  }
  if (!read.complete) throw capError(provider, 'an answer', 'max_response_bytes', limit)
  const { text } = read
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent malformed JSON.`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError('upstream_error', `Upstream provider '${provider}' sent an answer that is not a JSON object.`)
  }
  const error = (parsed as { error?: unknown }).error
  if (error) {
    throw new GatewayError('upstream_error', `Upstream provider '${provider}' answered 200 with an error: ${upstreamReason(text).message}`)
  }
  return parsed as Record<string, unknown>
}
