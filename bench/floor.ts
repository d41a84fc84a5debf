// The floor: a raw Bun pass-through proxy (Bun.serve + fetch, nothing else). Nothing forwards for less.
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { port: { type: 'string' }, upstream: { type: 'string' } } })
const upstream = (values.upstream ?? 'http://127.0.0.1:9090').replace(/\/+$/, '')

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(values.port ?? 0),
  idleTimeout: 0,
  async fetch(request) {
    const url = new URL(request.url)
    // Method, body and content type pass through; the answer is streamed back as it arrives.
    const answer = await fetch(upstream + url.pathname + url.search, {
      method: request.method,
      headers: { 'content-type': request.headers.get('content-type') ?? 'application/json' },
      body: request.body,
    })
    return new Response(answer.body, { status: answer.status, headers: { 'content-type': answer.headers.get('content-type') ?? '' } })
  },
})
console.log(`floor listening on http://${server.hostname}:${server.port} → ${upstream}`)
