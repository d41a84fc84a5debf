// `token-hub healthcheck`: the configured server's /healthz, reached through loopback when it binds a wildcard.
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { healthzUrl } from '../../src/cli/healthcheck'

describe('healthzUrl', () => {
  test.each([
    ['0.0.0.0', 8080, 'http://127.0.0.1:8080/healthz'],
    ['::', 8080, 'http://[::1]:8080/healthz'],
    ['127.0.0.1', 9000, 'http://127.0.0.1:9000/healthz'],
    ['::1', 9000, 'http://[::1]:9000/healthz'],
    ['[::1]', 9000, 'http://[::1]:9000/healthz'],
    ['localhost', 80, 'http://localhost:80/healthz'],
  ])('%s:%d → %s', (host, port, url) => {
    expect(healthzUrl(host, port)).toBe(url)
  })
})

const dir = mkdtempSync(join(tmpdir(), 'th-healthcheck-'))
const answers: number[] = [200]
const probe = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: (request) => new Response(null, { status: new URL(request.url).pathname === '/healthz' ? answers[0] : 404 }),
})
afterAll(() => probe.stop(true))

const run = (port: number) => {
  const configPath = join(dir, `config-${port}.toml`)
  writeFileSync(configPath, `[server]\nhost = "0.0.0.0"\nport = ${port}\n[providers.mock]\ntype = "mock"\n`)
  return Bun.spawn([process.execPath, 'run', 'src/main.ts', 'healthcheck', '--config', configPath], {
    cwd: join(import.meta.dir, '../..'),
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, TOKEN_HUB_CONFIG: undefined },
  })
}

test('exit 0 on a 200 from the configured port, 1 with the reason otherwise', async () => {
  const healthy = run(probe.port!)
  expect(await healthy.exited).toBe(0)

  answers[0] = 503
  const sick = run(probe.port!)
  expect(await sick.exited).toBe(1)
  expect(await new Response(sick.stderr).text()).toContain(`unhealthy: http://127.0.0.1:${probe.port}/healthz answered 503`)

  // A port nobody listens on: the one just freed by a server of our own.
  const gone = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() })
  const freed = gone.port!
  gone.stop(true)
  const down = run(freed)
  expect(await down.exited).toBe(1)
  expect(await new Response(down.stderr).text()).toContain(`unhealthy: http://127.0.0.1:${freed}/healthz`)
}, 30_000)
