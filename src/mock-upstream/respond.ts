// How the mock answers, whatever the wire format: JSON or SSE, with each fault mode applied.
import { sleep, type FaultMode } from './faults'

/**
 * The reason a `reset` errors its body with. Served over HTTP the client sees ECONNRESET either
 * way; with no reason, Bun's server does not log the aborted body as if it were a crash.
 */
const RESET = undefined

/** Frames a wire format sends for the stream faults: broken JSON, and its in-stream error event. */
export interface FaultFrames {
  malformed: string
  error: string
}

/**
 * An SSE response from pre-encoded frames (each a complete `event:`/`data:` block). Faults:
 * `slow` delays the first frame, `drip` spaces every frame, `cut` stops halfway, `reset` errors
 * the connection halfway, `malformed` replaces the second frame with broken JSON, `error200`
 * answers 200 with only the format's error event.
 */
export function sseResponse(frames: string[], fault: FaultMode, signal: AbortSignal, faultFrames: FaultFrames): Response {
  if (fault.kind === 'error200') frames = [faultFrames.error]
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
            // Let the frames so far reach the client first, so the reset happens mid-stream.
            await sleep(50, signal)
            controller.error(RESET)
            return
          }
          if (fault.kind === 'drip' && i > 0) await sleep(fault.chunkMs, signal)
          const frame = fault.kind === 'malformed' && i === 1 ? faultFrames.malformed : frames[i]!
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
          async start(controller) {
            controller.enqueue(new TextEncoder().encode(text.slice(0, 10)))
            await sleep(20, signal)
            controller.error(RESET)
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
