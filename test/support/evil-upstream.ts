// A hostile upstream on 127.0.0.1: records every request and answers however the test says.
import { createMockUpstream } from '../../src/mock-upstream/server'

/** What one request to the evil upstream carried. */
export interface SeenRequest {
  method: string
  /** Path and query. */
  path: string
  headers: Record<string, string>
  body: string
}

/** `honest()` is what the mock upstream would have answered this request (to pad, cut or corrupt). */
export type EvilHandler = (request: Request, seen: SeenRequest, honest: () => Promise<Response>) => Response | Promise<Response>

export interface EvilUpstream {
  url: string
  /** Every request received, in order. */
  seen: SeenRequest[]
  /** How requests are answered from now on; the default answers as the honest mock upstream would. */
  handle(handler: EvilHandler): void
  /** Back to answering as the mock does, with `seen` emptied. */
  reset(): void
  stop(): void
}

/**
 * Serves a configurable upstream on a free loopback port. Until a test calls `handle`, it answers
 * like the mock upstream (every wire format, so the same server can stand in for any provider).
 *
 * @example
 * const evil = serveEvil()
 * evil.handle(() => new Response(null, { status: 302, headers: { location: 'http://elsewhere/' } }))
 */
export function serveEvil(): EvilUpstream {
  const honest = createMockUpstream()
  const mockHandler: EvilHandler = (_request, _seen, answer) => answer()
  let handler = mockHandler
  const seen: SeenRequest[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 30,
    async fetch(request) {
      const url = new URL(request.url)
      const headers: Record<string, string> = {}
      request.headers.forEach((value, name) => {
        headers[name] = value
      })
      const record: SeenRequest = { method: request.method, path: url.pathname + url.search, headers, body: await request.clone().text() }
      seen.push(record)
      return handler(request, record, () => honest.fetch(request))
    },
    // A body the test errors on purpose (a cut connection): nothing to report.
    error: () => new Response(null, { status: 500 }),
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    seen,
    handle(next) {
      handler = next
    },
    reset() {
      handler = mockHandler
      seen.length = 0
    },
    stop: () => server.stop(true),
  }
}

/** A body that is sent while the reader pulls; `cancelled` resolves when the reader gives up on it. */
export interface EndlessBody {
  stream: ReadableStream<Uint8Array>
  /** Resolves once the consumer cancelled the body (the gateway stopped reading and let go of it). */
  cancelled: Promise<void>
  /** Bytes handed to the connection so far. */
  sent(): number
}

/**
 * `head` first, then `filler` repeated for as long as it is pulled, up to `limitBytes` (then the
 * body ends, so a gateway that reads everything still finishes). Nothing is buffered ahead of the
 * reader, so the upstream itself stays small whatever it sends.
 */
export function endlessBody(head: string, filler: string, limitBytes = Number.POSITIVE_INFINITY): EndlessBody {
  const cancelled = Promise.withResolvers<void>()
  const utf8 = new TextEncoder()
  const first = utf8.encode(head)
  // Large pieces, so a fast reader is not paced by the number of pulls.
  const piece = utf8.encode(filler.repeat(Math.max(1, Math.floor(65536 / Math.max(1, filler.length)))))
  let sent = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === 0) {
        sent += first.byteLength
        controller.enqueue(first)
        return
      }
      if (sent >= limitBytes) {
        controller.close()
        return
      }
      sent += piece.byteLength
      controller.enqueue(piece)
    },
    cancel() {
      cancelled.resolve()
    },
  })
  return { stream, cancelled: cancelled.promise, sent: () => sent }
}
