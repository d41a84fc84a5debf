// `token-hub check-config FILE`: prints every problem with its path and exits 1; exits 0 when valid.
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const run = (...args: string[]) => Bun.spawnSync([process.execPath, 'run', 'src/main.ts', ...args], { stdout: 'pipe', stderr: 'pipe' })

describe('check-config', () => {
  test('the example config passes', () => {
    const result = run('check-config', 'config.example.toml')
    expect(result.exitCode).toBe(0)
    expect(result.stdout.toString()).toContain('ok (7 providers, 28 models, 2 plans)')
  })

  test('a broken config lists each problem and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-config-'))
    const file = join(dir, 'config.toml')
    writeFileSync(
      file,
      `[providers.openai]\ntype = "openai"\nbase_url = "https://api.openai.com/v1"\n\n[[models]]\nid = "a"\nprovider = "openai"\ninput_usd_per_mtok = 1\n\n[[models]]\nid = "b"\nprovider = "openai"\ninput_usd_per_mtok = 1\n\n[[models]]\nid = "c"\nprovider = "openai"\ninput_usd_per_mtok = 1\n\n[[models]]\nid = "d"\nprovider = "opneai"\ninput_usd_per_mtok = 1\n\n[limits]\nkey_rpm = 0\n`,
    )
    const result = run('check-config', file)
    expect(result.exitCode).toBe(1)
    const err = result.stderr.toString()
    expect(err).toContain('models[3].provider: unknown provider "opneai"')
    expect(err).toContain('limits.key_rpm:')
  })

  test('serve refuses to start on an invalid config and names the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-config-'))
    const file = join(dir, 'config.toml')
    writeFileSync(file, `[server]\nport = -5\n`)
    const result = run('serve', '--config', file)
    expect(result.exitCode).toBe(1)
    expect(result.stderr.toString()).toContain('server.port:')
  })

  test('serve refuses an admin token under 32 characters from the environment, naming the variable and never printing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-config-'))
    const file = join(dir, 'config.toml')
    writeFileSync(file, `[storage]\nsqlite_path = "${join(dir, 'db.sqlite')}"\n[server]\nport = 0\n`)
    const short = 'short-admin-token-31-characters'
    expect(short).toHaveLength(31)
    const result = Bun.spawnSync([process.execPath, 'run', 'src/main.ts', 'serve', '--config', file], {
      stdout: 'pipe',
      stderr: 'pipe',
      env: { ...process.env, TOKEN_HUB_ADMIN_TOKEN: short },
      timeout: 20_000,
    })
    expect(result.exitCode).toBe(1)
    const err = result.stderr.toString()
    expect(err).toContain('admin.token_env: TOKEN_HUB_ADMIN_TOKEN')
    expect(err).toContain('at least 32 characters')
    expect(err + result.stdout.toString()).not.toContain(short)
  })
})
