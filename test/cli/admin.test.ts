// `token-hub admin …` against the same database a running server uses: its writes apply at once.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chatBody, post, startHub, type TestHub } from '../helpers'

let hub: TestHub
let configFile: string

// biome-ignore lint/suspicious/noExplicitAny: CLI JSON
function cli(...args: string[]): { code: number; json: any; stderr: string } {
  const result = Bun.spawnSync([process.execPath, 'run', 'src/main.ts', 'admin', ...args, '--config', configFile], {
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const stdout = result.stdout.toString()
  return { code: result.exitCode ?? -1, json: stdout ? JSON.parse(stdout) : null, stderr: result.stderr.toString() }
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'th-cli-'))
  const db = join(dir, 'token-hub.db')
  configFile = join(dir, 'config.toml')
  writeFileSync(
    configFile,
    `[storage]\nsqlite_path = "${db}"\n[providers.mock]\ntype = "mock"\n[[models]]\nid = "gpt-4o-mini"\nprovider = "mock"\ninput_usd_per_mtok = 0.15\noutput_usd_per_mtok = 0.6\n`,
  )
  hub = await startHub({ sqlitePath: db })
})
afterAll(() => hub.close())

describe('admin CLI', () => {
  test('creates an account, credits it and mints a key the running server accepts', async () => {
    const account = cli('create-account', '--email', 'cli@example.com', '--name', 'CLI')
    expect(account.code).toBe(0)
    expect(account.json).toMatchObject({ email: 'cli@example.com', balance_usd: '0.0000' })
    const credit = cli('add-credits', account.json.id, '--amount', '3.50', '--note', 'from the shell')
    expect(credit.code).toBe(0)
    expect(credit.json.account.balance_usd).toBe('3.5000')
    const key = cli('create-key', account.json.id, '--name', 'shell', '--no-expiry')
    expect(key.code).toBe(0)
    expect(key.json.key).toMatch(/^sk-th_/)
    expect(key.json.expires_at).toBeNull()

    const response = await post(hub, '/v1/chat/completions', key.json.key, chatBody())
    expect(response.status).toBe(200)
    const requestId = response.headers.get('x-request-id')!

    // a revoke from another process takes effect on the server's very next request
    expect(cli('revoke-key', key.json.id).code).toBe(0)
    const after = await post(hub, '/v1/chat/completions', key.json.key, chatBody())
    expect(after.status).toBe(401)
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('key_revoked')

    await hub.hub.log.flush()
    const shown = cli('show-request', requestId)
    expect(shown.code).toBe(0)
    expect(shown.json).toMatchObject({ request_id: requestId, status: 200 })
    const ledger = cli('ledger', account.json.id)
    expect(ledger.json.data.map((e: { type: string }) => e.type)).toEqual(['charge', 'topup'])
  })

  test('deleting an account from the shell stops its keys at once', async () => {
    const { key, accountId } = await hub.account()
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(200)
    expect(cli('delete-account', accountId).code).toBe(0)
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(401)
  })

  test('errors exit 1 with a message', () => {
    const result = cli('show-account', 'acct_missing')
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("No account 'acct_missing'")
    expect(cli('add-credits', 'acct_missing').code).toBe(1)
  })
})
