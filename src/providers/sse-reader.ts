// Reads an upstream SSE body into events with eventsource-parser, enforcing timeouts and size caps.
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { GatewayError } from '../errors'
import { capError, isTimeout, timeoutError, transportError } from './http'
import type { CallContext } from './types'

const LF = 0x0a
const CR = 0x0d

/** Bytes of `chunk` after its last line break (all of it when it has none). */
function afterLastLineBreak(chunk: Uint8Array): number {
  return chunk.byteLength - 1 - Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR))
}

/** A stream whose connection failed after it was accepted (reset, cut TLS, …). */
function brokenStream(provider: string, error: unknown, signal: AbortSignal): GatewayError {
  if (error instanceof GatewayError || signal.aborted) return transportError(provider, error, signal)
  const reason = error instanceof Error ? error.message : String(error ?? 'connection reset')
  return new GatewayError('upstream_error', `Upstream provider '${provider}' broke the connection mid-stream (${reason}).`)
}

/**
 * Yields the upstream's SSE events in order, in batches: every event completed by one network
 * read together, so the relay writes them to the client in one piece (a read is usually many
 * events, and per-event hops through the stream machinery were most of a stream's cost). Throws `upstream_timeout` when `signal` times out or
 * the upstream sends nothing for `idleTimeoutMs`, and `upstream_error` when the connection breaks
 * or the stream passes a cap (`caps`): more than `responseBytes` in all, or more than
 * `streamEventBytes` since the last event was complete (a line without an end, or an event that
 * never ends, would otherwise grow the parser's buffer without bound). Events completed before a
 * cap was passed are still yielded; then the read stops and the body is cancelled.
 *
 * The body is read directly and fed to eventsource-parser: every event of one network read is
 * parsed in one go, and one timer is re-armed per read (`refresh()`), so a stream costs no
 * TransformStream hops, promise races or new timers per event.
 */
export async function* readSse(
  provider: string,
  body: ReadableStream<Uint8Array>,
  context: Pick<CallContext, 'signal' | 'idleTimeoutMs' | 'caps'>,
): AsyncGenerator<EventSourceMessage[]> {
  const { signal, idleTimeoutMs, caps } = context
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let events: EventSourceMessage[] = []
  const parser = createParser({ onEvent: (event) => events.push(event) })
  // Set when the reader was cancelled to end a wait: for silence, or for the abort signal.
  let stopped: 'idle' | 'abort' | null = null
  const stop = (why: 'idle' | 'abort') => {
    stopped ??= why
    reader.cancel().catch(() => {})
  }
  // The silence that counts is the upstream's, while a read waits: not a slow client's between reads.
  let reading = false
  const idle = setTimeout(() => {
    if (reading) stop('idle')
  }, idleTimeoutMs)
  const onAbort = () => stop('abort')
  signal.addEventListener('abort', onAbort, { once: true })
  const failure = (): GatewayError =>
    stopped === 'idle'
      ? timeoutError(provider, `sent nothing for ${Math.round(idleTimeoutMs / 1000)} s mid-stream`)
      : isTimeout(signal)
        ? timeoutError(provider, 'exceeded the stream timeout')
        : transportError(provider, signal.reason, signal)
  let received = 0
  // Counted per network read: an event's bytes since the read that completed the previous one.
  let unfinished = 0
  let overflow: GatewayError | null = null
  try {
    while (true) {
      if (signal.aborted) stopped ??= 'abort'
      if (stopped) throw failure()
      if (overflow) throw overflow
      let next: Awaited<ReturnType<typeof reader.read>>
      reading = true
      idle.refresh()
      try {
        next = await reader.read()
      } catch (error) {
        throw stopped ? failure() : brokenStream(provider, error, signal)
      } finally {
        reading = false
      }
      // A cancelled read ends as if the body were done: the reason decides.
      if (stopped) throw failure()
      if (next.done) return
      parser.feed(decoder.decode(next.value, { stream: true }))
      received += next.value.byteLength
      unfinished = events.length > 0 ? afterLastLineBreak(next.value) : unfinished + next.value.byteLength
      if (unfinished > caps.streamEventBytes) {
        overflow = capError(provider, 'a stream line or event', 'max_stream_event_bytes', caps.streamEventBytes)
      } else if (received > caps.responseBytes) overflow = capError(provider, 'a stream', 'max_response_bytes', caps.responseBytes)
      if (events.length === 0) continue
      const batch = events
      events = []
      yield batch
    }
  } finally {
    clearTimeout(idle)
    signal.removeEventListener('abort', onAbort)
    reader.cancel().catch(() => {})
  }
}
