// An upstream on loopback that keeps each request exactly as it arrived (bytes, headers, URL) and answers as the mock does.
import { createMockUpstream, type MockUpstream } from '../../src/mock-upstream/server'

export interface CapturedRequest {
  /** Path and query, e.g. `/v1/messages?beta=true`. */
  path: string
  headers: Record<string, string>
  /** The body's bytes, decoded as UTF-8 only for comparing. */
  text: string
}

export interface CapturingUpstream {
  url: string
  mock: MockUpstream
  /** Every request received, oldest first. */
  requests: CapturedRequest[]
  last(): CapturedRequest
  stop(): void
}

/** Serves the mock on 127.0.0.1 with a free port, recording each request before the mock answers it. */
export function serveCapturingUpstream(): CapturingUpstream {
  const mock = createMockUpstream()
  const requests: CapturedRequest[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const bytes = new Uint8Array(await request.arrayBuffer())
      const url = new URL(request.url)
      const headers: Record<string, string> = {}
      request.headers.forEach((value, name) => {
        headers[name] = value
      })
      requests.push({ path: url.pathname + url.search, headers, text: new TextDecoder().decode(bytes) })
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : bytes
      return mock.fetch(new Request(request.url, { method: request.method, headers: request.headers, body }))
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    mock,
    requests,
    last() {
      const request = requests.at(-1)
      if (!request) throw new Error('the capturing upstream received nothing')
      return request
    },
    stop: () => server.stop(true),
  }
}
