// HTTP to upstreams: one fetch wrapper that turns transport and status failures into contract errors.
import { GatewayError } from '../errors'

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
  const text = await response.text().catch(() => '')
  throw statusError(provider, response.status, text, response.headers)
}

/** Reads a whole 2xx body as JSON; a body that is not JSON, or carries an `error`, is a 502. */
export async function readJson(provider: string, response: Response, signal: AbortSignal): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await response.text()
  } catch (error) {
    throw transportError(provider, error, signal)
  }
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
