// Mock upstreams on loopback whose behaviour a test switches (answer, 429 with Retry-After, 500), and a port that refuses connections.
import { createMockUpstream } from '../../src/mock-upstream/server'

export type UpstreamMode = { kind: 'ok' } | { kind: 'status'; status: number; retryAfter?: string }

export interface RoutedUpstream {
  url: string
  /** Model calls that reached it (answered or not). */
  calls: number
  mode: UpstreamMode
  stop(): void
}

/** The mock upstream over HTTP, answering as `mode` says at the time of each call. */
export function serveUpstream(mode: UpstreamMode = { kind: 'ok' }): RoutedUpstream {
  const mock = createMockUpstream()
  const upstream: RoutedUpstream = {
    url: '',
    calls: 0,
    mode,
    stop: () => server.stop(true),
  }
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 30,
    fetch: (request) => {
      if (request.method === 'POST') upstream.calls++
      const current = upstream.mode
      if (current.kind === 'status') {
        const headers: Record<string, string> = current.retryAfter ? { 'retry-after': current.retryAfter } : {}
        return Response.json(
          { error: { type: 'server_error', message: `routed mock: HTTP ${current.status}` } },
          { status: current.status, headers },
        )
      }
      return mock.fetch(request)
    },
    error: () => new Response(null, { status: 500 }),
  })
  upstream.url = `http://127.0.0.1:${server.port}`
  return upstream
}

/** A loopback URL nothing listens on: connections to it are refused. */
export function refusingUrl(): string {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() })
  const url = `http://127.0.0.1:${server.port}`
  server.stop(true)
  return url
}

/** `[providers.<name>]` of type openai for each upstream URL. */
export function openaiProviders(urls: Record<string, string>, extra: Record<string, Record<string, unknown>> = {}) {
  return Object.fromEntries(
    Object.entries(urls).map(([name, url]) => [
      name,
      { type: 'openai', base_url: `${url}/v1`, api_key: `sk-upstream-${name}`, ...extra[name] },
    ]),
  )
}
