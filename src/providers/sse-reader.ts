// Reads an upstream SSE body into events with eventsource-parser, enforcing idle and total timeouts.
import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream'
import { GatewayError } from '../errors'
import { isTimeout, timeoutError, transportError } from './http'

/** A stream whose connection failed after it was accepted (reset, cut TLS, …). */
function brokenStream(provider: string, error: unknown, signal: AbortSignal): GatewayError {
  if (error instanceof GatewayError || signal.aborted) return transportError(provider, error, signal)
  const reason = error instanceof Error ? error.message : String(error ?? 'connection reset')
  return new GatewayError('upstream_error', `Upstream provider '${provider}' broke the connection mid-stream (${reason}).`)
}

/**
 * Yields the upstream's SSE events in order. Throws `upstream_timeout` when `signal` times out or
 * no event arrives for `idleTimeoutMs`, and `upstream_error` when the connection breaks.
 */
export async function* readSse(
  provider: string,
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  idleTimeoutMs: number,
): AsyncGenerator<EventSourceMessage> {
  // DOM and Bun typings disagree on TextDecoderStream's input type; at run time it takes bytes.
  const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>
  const reader = body.pipeThrough(decoder).pipeThrough(new EventSourceParserStream()).getReader()
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  let rejectIdle: ((error: GatewayError) => void) | undefined
  const abortError = () =>
    isTimeout(signal) ? timeoutError(provider, 'exceeded the stream timeout') : transportError(provider, signal.reason, signal)
  const onAbort = () => rejectIdle?.(abortError())
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    while (true) {
      if (signal.aborted) throw abortError()
      const next = await new Promise<Awaited<ReturnType<typeof reader.read>>>((resolve, reject) => {
        rejectIdle = reject
        idleTimer = setTimeout(
          () => reject(timeoutError(provider, `sent nothing for ${Math.round(idleTimeoutMs / 1000)} s mid-stream`)),
          idleTimeoutMs,
        )
        reader.read().then(resolve, (error) => reject(brokenStream(provider, error, signal)))
      }).finally(() => clearTimeout(idleTimer))
      if (next.done) return
      yield next.value
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
    reader.cancel().catch(() => {})
  }
}
