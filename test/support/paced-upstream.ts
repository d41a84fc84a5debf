// The in-process mock upstream on the test's own time: hooks run before each answer and each body chunk.
import type { MockUpstream } from '../../src/mock-upstream/server'

/** One call to the mock, with its JSON body read (empty for a request without one). */
export interface PacedCall {
  request: Request
  body: Record<string, unknown>
}

export interface Pacing {
  /** Runs before the mock answers a call: the upstream's time to its response headers. */
  beforeAnswer?: (call: PacedCall) => void | Promise<void>
  /** Runs before body chunk `index` (0 is the first) reaches the gateway: advance a clock, or wait on a gate. */
  beforeChunk?: (index: number, call: PacedCall) => void | Promise<void>
}

/** The call's JSON body, or none (a GET, or a body that is not JSON); the mock still reads the original. */
async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  if (!request.body) return {}
  try {
    return (await request.clone().json()) as Record<string, unknown>
  } catch {
    return {}
  }
}

/**
 * Wraps the hub's mock so `pacing` runs around every call, which lets a test move a `ManualClock`
 * exactly when the upstream would have taken time, or hold a stream at a chunk until it says so.
 * Returns the function that puts the plain mock back.
 *
 * @example
 * const restore = paceUpstream(hub.mock, { beforeAnswer: () => time.advance(150) })
 */
export function paceUpstream(mock: MockUpstream, pacing: Pacing): () => void {
  const plain = mock.fetch
  mock.fetch = async (request) => {
    const call: PacedCall = { request, body: await jsonBody(request) }
    await pacing.beforeAnswer?.(call)
    const response = await plain.call(mock, request)
    const { beforeChunk } = pacing
    if (!beforeChunk || !response.body) return response
    const reader = response.body.getReader()
    let index = 0
    // highWaterMark 0: nothing is read ahead, so a chunk's hook runs only when the gateway asks for that chunk.
    const paced = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const next = await reader.read()
          if (next.done) return controller.close()
          await beforeChunk(index++, call)
          controller.enqueue(next.value)
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    )
    return new Response(paced, { status: response.status, headers: response.headers })
  }
  return () => {
    mock.fetch = plain
  }
}
