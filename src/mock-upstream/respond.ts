// How the mock answers, whatever the wire format: JSON or SSE, with each fault mode applied.
import { sleep, type FaultMode } from './faults'

/**
 * An SSE response from pre-encoded frames (each a complete `event:`/`data:` block). Faults:
 * `slow` delays the first frame, `drip` spaces every frame, `cut` stops halfway, `reset` errors
 * the connection halfway, `malformed` replaces the second frame with `malformedFrame` (broken JSON).
 */
export function sseResponse(frames: string[], fault: FaultMode, signal: AbortSignal, malformedFrame: string): Response {
  const encoder = new TextEncoder()
  const half = Math.max(1, Math.floor(frames.length / 2))
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        if (fault.kind === 'slow') await sleep(fault.firstByteMs, signal)
        for (let i = 0; i < frames.length; i++) {
          if (signal.aborted) break
          if (fault.kind === 'cut' && i === half) break
          if (fault.kind === 'reset' && i === half) {
            controller.error(new Error('mock: connection reset'))
            return
          }
          if (fault.kind === 'drip' && i > 0) await sleep(fault.chunkMs, signal)
          const frame = fault.kind === 'malformed' && i === 1 ? malformedFrame : frames[i]!
          controller.enqueue(encoder.encode(frame))
        }
        controller.close()
      } catch {
        // the client went away: nothing left to send
      }
    },
  })
  return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } })
}

/** A JSON response, or its faulty variant (malformed, cut short, error in a 200). */
export async function jsonResponse(body: unknown, fault: FaultMode, signal: AbortSignal, errorBody: unknown): Promise<Response> {
  if (fault.kind === 'slow') await sleep(fault.firstByteMs, signal)
  const text = JSON.stringify(body)
  const headers = { 'content-type': 'application/json' }
  switch (fault.kind) {
    case 'malformed':
      return new Response(`{"id": "broken", "choices": [`, { headers })
    case 'cut':
      return new Response(text.slice(0, Math.floor(text.length / 2)), { headers })
    case 'error200':
      return new Response(JSON.stringify(errorBody), { headers })
    case 'reset':
      return new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(text.slice(0, 10)))
            controller.error(new Error('mock: connection reset'))
          },
        }),
        { headers },
      )
    default:
      return new Response(text, { headers })
  }
}

/** Waits until the caller gives up: the `timeout` fault. */
export function never(signal: AbortSignal): Promise<Response> {
  return new Promise((resolve) => {
    signal.addEventListener('abort', () => resolve(new Response('aborted', { status: 499 })))
  })
}
