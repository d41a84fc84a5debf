// SIGTERM: no new connections, the in-flight stream finishes and is billed, the log is flushed.
import { expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

test('a stream in flight at SIGTERM completes, is settled and logged, then the process exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'th-stop-'))
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = probe.port!
  probe.stop(true)
  const db = join(dir, 'th.db')
  writeFileSync(
    join(dir, 'config.toml'),
    `[server]\nport = ${port}\n[storage]\nsqlite_path = "${db}"\n[demo]\nseed = true\n[logs]\nflush_interval_ms = 60000\n` +
      `[providers.mock]\ntype = "mock"\n[[models]]\nid = "slow"\nprovider = "mock"\nupstream_model = "mock-fault-drip-40"\ninput_usd_per_mtok = 1\noutput_usd_per_mtok = 2\n`,
  )
  const server = Bun.spawn([process.execPath, 'run', join(process.cwd(), 'src/main.ts'), 'serve', '--config', join(dir, 'config.toml')], {
    cwd: dir,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const reader = server.stdout.getReader()
  let out = ''
  while (!/sk-th_[0-9A-Za-z]{32,}/.test(out)) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`server ended early: ${out}`)
    out += new TextDecoder().decode(value)
  }
  const key = /sk-th_[0-9A-Za-z]{32,}/.exec(out)![0]
  const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'take your time' }] }),
  })
  expect(response.status).toBe(200)
  const requestId = response.headers.get('x-request-id')!
  server.kill('SIGTERM')
  const text = await response.text()
  expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)
  expect(await server.exited).toBe(0)
  // new connections are refused once it has stopped
  expect(
    await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => 'answered',
      () => 'refused',
    ),
  ).toBe('refused')

  const after = new Database(db, { readonly: true })
  const charge = after
    .query<{ amount_micros: number }, [string]>("SELECT amount_micros FROM ledger WHERE request_id = ? AND type = 'charge'")
    .get(requestId)
  expect(charge!.amount_micros).toBeLessThan(0)
  const row = after
    .query<{ status: number; cost_micros: number }, [string]>('SELECT status, cost_micros FROM request_log WHERE request_id = ?')
    .get(requestId)
  expect(row).toEqual({ status: 200, cost_micros: -charge!.amount_micros })
  // Holds are never written down (they live in memory): no table for them is left to hold any.
  expect(after.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'holds'").get()!.n).toBe(0)
  after.close()
}, 30_000)
