// The compiled executable: built by build.ts, it serves a chat call with no node_modules beside it.
import { afterAll, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const dir = mkdtempSync(join(tmpdir(), 'th-binary-'))
let server: Bun.Subprocess<'ignore', 'pipe', 'inherit'> | undefined
afterAll(() => {
  server?.kill()
  rmSync(dir, { recursive: true, force: true })
})

test('build, start on a free port, one chat call, stop', async () => {
  const built = join(dir, 'build', 'token-hub')
  const build = Bun.spawnSync([process.execPath, 'run', 'build.ts', built], { stdout: 'pipe', stderr: 'pipe' })
  expect(build.exitCode).toBe(0)
  // Run it from a folder with nothing else in it: no node_modules, no sources.
  const bin = join(dir, 'run', 'token-hub')
  cpSync(built, bin)
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = probe.port!
  probe.stop(true)
  const config = `[server]\nport = ${port}\n[storage]\nsqlite_path = "./data/th.db"\n[demo]\nseed = true\n[providers.mock]\ntype = "mock"\n[[models]]\nid = "gpt-4o-mini"\nprovider = "mock"\ninput_usd_per_mtok = 0.15\noutput_usd_per_mtok = 0.6\n`
  await Bun.write(join(dir, 'run', 'config.toml'), config)
  expect(Bun.spawnSync([bin, 'check-config', 'config.toml'], { cwd: join(dir, 'run') }).exitCode).toBe(0)
  server = Bun.spawn([bin, 'serve'], {
    cwd: join(dir, 'run'),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
    env: { PATH: '/usr/bin:/bin' },
  })
  const reader = server.stdout.getReader()
  let out = ''
  const deadline = Date.now() + 15_000
  while (!/sk-th_[0-9A-Za-z]{32,}/.test(out) && Date.now() < deadline) {
    const { value, done } = await reader.read()
    if (done) break
    out += new TextDecoder().decode(value)
  }
  const key = /sk-th_[0-9A-Za-z]{32,}/.exec(out)?.[0]
  expect(key).toBeDefined()
  expect(out).toContain('Admin token')
  const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello binary' }] }),
  })
  expect(response.status).toBe(200)
  expect(
    ((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content.length,
  ).toBeGreaterThan(0)
  server.kill('SIGTERM')
  expect(await server.exited).toBe(0)
}, 90_000)
