// `serve` restarts itself with the Bun settings it needs: 300 requests reach the upstream at the same time.
import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { missingServeEnv, sameCommand, SERVE_ENV } from '../../src/cli/runtime-env'

const dir = mkdtempSync(join(tmpdir(), 'th-conns-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const freePort = () => {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = probe.port!
  probe.stop(true)
  return port
}

/** One POST over a raw socket: the test process's own fetch is capped at 256 too. */
function rawPost(port: number, path: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = ''
    const head = [
      `POST ${path} HTTP/1.1`,
      'host: 127.0.0.1',
      'connection: close',
      'content-type: application/json',
      `content-length: ${Buffer.byteLength(body)}`,
    ]
    for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${v}`)
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open: (socket) => void socket.write(`${head.join('\r\n')}\r\n\r\n${body}`),
        data: (_socket, data) => {
          text += data.toString('latin1')
        },
        close: () => resolve(Number(text.slice(9, 12))),
        error: (_socket, error) => reject(error),
      },
    }).catch(reject)
  })
}

test('the argument vector that restarts the same command, run from source or compiled', () => {
  expect(sameCommand(['/usr/bin/bun', '/app/src/main.ts', 'serve', '--config', 'c.toml'], ['--smol'], '/usr/bin/bun')).toEqual([
    '/usr/bin/bun',
    '--smol',
    '/app/src/main.ts',
    'serve',
    '--config',
    'c.toml',
  ])
  expect(sameCommand(['bun', '/$bunfs/root/token-hub', 'serve'], [], '/opt/token-hub')).toEqual(['/opt/token-hub', 'serve'])
  expect(sameCommand(['bun', 'B:/~BUN/root/token-hub.exe', 'serve'], [], 'C:\\th.exe')).toEqual(['C:\\th.exe', 'serve'])
})

test('only the variables the operator did not set are added', () => {
  expect(missingServeEnv({})).toEqual({ ...SERVE_ENV })
  expect(Object.keys(missingServeEnv({ BUN_CONFIG_MAX_HTTP_REQUESTS: '512' }))).toEqual(['BUN_JSC_forceRAMSize'])
  expect(missingServeEnv({ ...SERVE_ENV })).toEqual({})
})

test('300 concurrent requests are 300 concurrent upstream calls (Bun alone would queue all past 256)', async () => {
  const COUNT = 300
  let inFlight = 0
  let most = 0
  let release!: () => void
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  // Holds every call until all 300 are in flight at once (or 5 s pass: the assertion then fails).
  const cap = setTimeout(() => release(), 5_000)
  const upstream = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 30,
    async fetch() {
      inFlight++
      most = Math.max(most, inFlight)
      if (inFlight >= COUNT) release()
      await released
      inFlight--
      return Response.json({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'up',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
      })
    },
  })
  const port = freePort()
  writeFileSync(
    join(dir, 'config.toml'),
    `[server]\nport = ${port}\n[storage]\nsqlite_path = "${join(dir, 'th.db')}"\n[demo]\nseed = true\n[limits]\nkey_rpm = 100000\naccount_rpm = 100000\n` +
      `[providers.up]\ntype = "openai"\nbase_url = "http://127.0.0.1:${upstream.port}/v1"\napi_key = "k"\n` +
      `[[models]]\nid = "m"\nprovider = "up"\ninput_usd_per_mtok = 1\noutput_usd_per_mtok = 1\n`,
  )
  const env = { ...process.env }
  for (const name of Object.keys(SERVE_ENV)) delete env[name]
  const server = Bun.spawn([process.execPath, 'run', join(process.cwd(), 'src/main.ts'), 'serve', '--config', join(dir, 'config.toml')], {
    cwd: dir,
    env,
    stdout: 'pipe',
    stderr: 'inherit',
  })
  try {
    const reader = server.stdout.getReader()
    let out = ''
    while (!/sk-th_[0-9A-Za-z]{32,}/.test(out)) {
      const { value, done } = await reader.read()
      if (done) throw new Error(`server ended early: ${out}`)
      out += new TextDecoder().decode(value)
    }
    const key = /sk-th_[0-9A-Za-z]{32,}/.exec(out)![0]
    const body = JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
    const statuses = await Promise.all(
      Array.from({ length: COUNT }, () => rawPost(port, '/v1/chat/completions', { authorization: `Bearer ${key}` }, body)),
    )
    expect(most).toBe(COUNT)
    expect(statuses.every((s) => s === 200)).toBe(true)
  } finally {
    clearTimeout(cap)
    server.kill('SIGTERM')
    await server.exited
    upstream.stop(true)
  }
}, 20_000)
