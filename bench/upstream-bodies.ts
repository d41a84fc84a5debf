// The gateway's peak RSS against a hostile upstream: a huge JSON answer, and a stream line that never ends.
// Run: node_modules/.bin/bun run bench/upstream-bodies.ts [--body-mb 1024] [--line-mb 300]
// The gateway runs as its own process with the default caps (upstream.max_response_bytes 64 MiB,
// max_stream_event_bytes 8 MiB); the upstream runs here and makes its bytes as they are pulled, so
// only the gateway's memory grows with what it reads. Prints status, time, bytes the upstream
// handed to the socket, and the gateway's peak RSS (VmHWM, reset before each case).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort, memoryMb, resetPeakRss, startChild, stopChild } from './procs'

const { values } = parseArgs({ options: { 'body-mb': { type: 'string', default: '1024' }, 'line-mb': { type: 'string', default: '300' } } })
const BODY_BYTES = Number(values['body-mb']) * 1024 * 1024
const LINE_BYTES = Number(values['line-mb']) * 1024 * 1024
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef'
const PIECE = new Uint8Array(256 * 1024).fill(0x78) // 'x'
const utf8 = new TextEncoder()

/** `head`, then `total` bytes of 'x', then `tail`, made as the reader pulls; `sent` counts what left. */
function pulledBody(head: string, total: number, tail: string) {
  let sent = 0
  let phase: 'head' | 'fill' | 'tail' = 'head'
  const counter = { sent: () => sent }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (phase === 'head') {
        phase = 'fill'
        controller.enqueue(utf8.encode(head))
      } else if (phase === 'fill' && sent < total) {
        const piece = PIECE.subarray(0, Math.min(PIECE.byteLength, total - sent))
        sent += piece.byteLength
        controller.enqueue(piece)
      } else if (phase !== 'tail') {
        phase = 'tail'
        controller.enqueue(utf8.encode(tail))
        controller.close()
      }
    },
  })
  return { stream, ...counter }
}

let current: { sent(): number } = { sent: () => 0 }
const upstream = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  idleTimeout: 255,
  async fetch(request) {
    const body = (await request.json()) as { stream?: boolean }
    if (body.stream) {
      // One `data:` line that never reaches its newline (until LINE_BYTES, for a gateway without a cap).
      const line = pulledBody('data: {"padding": "', LINE_BYTES, '"}\n\n')
      current = line
      return new Response(line.stream, { headers: { 'content-type': 'text/event-stream' } })
    }
    const head = '{"id": "chatcmpl-big", "object": "chat.completion", "created": 1700000000, "model": "m", "padding": "'
    const tail =
      '", "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}'
    const json = pulledBody(head, BODY_BYTES, tail)
    current = json
    return new Response(json.stream, { headers: { 'content-type': 'application/json' } })
  },
})

const dir = mkdtempSync(join(tmpdir(), 'token-hub-bodies-'))
const port = freePort()
writeFileSync(
  join(dir, 'config.toml'),
  `[server]
host = "127.0.0.1"
port = ${port}
[storage]
sqlite_path = "${join(dir, 'hub.db')}"
[admin]
token = "${ADMIN_TOKEN}"
[upstream]
timeout_s = 600
stream_timeout_s = 600
[providers.evil]
type = "openai"
base_url = "http://127.0.0.1:${upstream.port}/v1"
api_key = "bench-upstream-key"
[[models]]
id = "big"
provider = "evil"
input_usd_per_mtok = 0.15
output_usd_per_mtok = 0.60
[plans.standard]
models = ["*"]
`,
)
/** One case on a fresh gateway, so each peak is its own (memory freed after a case is not always returned). */
async function runCase(stream: boolean) {
  const gateway = await startChild('gateway', ['src/main.ts', 'serve', '--config', join(dir, 'config.toml')], port, {
    readyPath: '/healthz',
  })
  const admin = async (path: string, body: unknown) => {
    const answer = await fetch(gateway.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return (await answer.json()) as Record<string, unknown>
  }
  try {
    const account = await admin('/admin/accounts', { email: `bodies-${stream}@example.com` })
    await admin(`/admin/accounts/${account.id}/credits`, { amount_usd: '100.00' })
    const key = String((await admin(`/admin/accounts/${account.id}/keys`, { name: 'bench' })).key)
    const pid = gateway.proc.pid
    const idle = memoryMb(pid, 'VmRSS')
    resetPeakRss(pid)
    const started = performance.now()
    const answer = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'big', stream, messages: [{ role: 'user', content: 'hi' }] }),
    })
    let received = 0
    let last = ''
    const reader = answer.body!.getReader()
    while (true) {
      const next = await reader.read()
      if (next.done) break
      received += next.value.byteLength
      last = new TextDecoder().decode(next.value.subarray(Math.max(0, next.value.byteLength - 300)))
    }
    const what = stream ? `stream, one ${LINE_BYTES / 1048576} MB line` : `JSON, ${BODY_BYTES / 1048576} MB body`
    console.log(
      `${what}: HTTP ${answer.status} in ${((performance.now() - started) / 1000).toFixed(1)} s, ` +
        `upstream sent ${(current.sent() / 1048576).toFixed(0)} MB, client got ${(received / 1048576).toFixed(1)} MB, ` +
        `gateway RSS idle ${idle.toFixed(0)} MB, peak ${memoryMb(pid, 'VmHWM').toFixed(0)} MB`,
    )
    console.log(`  answer ends: ${last.slice(-200).replace(/\s+/g, ' ')}`)
  } finally {
    await stopChild(gateway)
    rmSync(join(dir, 'hub.db'), { force: true })
  }
}

try {
  await runCase(false)
  await runCase(true)
} finally {
  upstream.stop(true)
  rmSync(dir, { recursive: true, force: true })
}
