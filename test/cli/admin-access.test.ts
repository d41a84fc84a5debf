// `token-hub admin disable-models` and `requests` from the shell, against the database of a running server.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chatBody, logRow, post, startHub, type TestHub } from '../helpers'

const dir = mkdtempSync(join(tmpdir(), 'token-hub-cli-'))
const dbPath = join(dir, 'hub.db')
const configPath = join(dir, 'config.toml')
let hub: TestHub

beforeAll(async () => {
  writeFileSync(
    configPath,
    `[storage]\nsqlite_path = "${dbPath}"\n[providers.mock]\ntype = "mock"\n` +
      ['gpt-4o-mini', 'gpt-4o'].map((id) => `[[models]]\nid = "${id}"\nprovider = "mock"\ninput_usd_per_mtok = 1\n`).join(''),
  )
  hub = await startHub({ sqlitePath: dbPath })
})
afterAll(async () => {
  await hub.close()
  rmSync(dir, { recursive: true, force: true })
})

async function cli(...args: string[]) {
  const child = Bun.spawn([process.execPath, 'run', 'src/main.ts', 'admin', ...args, '--config', configPath], {
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { stdout, stderr, code }
}

describe('token-hub admin', () => {
  test('disable-models takes effect on the running server at its next request', async () => {
    const { key, accountId } = await hub.account()
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(200)
    const disabled = await cli('disable-models', accountId, '--models', 'gpt-4o-mini')
    expect(disabled.code).toBe(0)
    expect(JSON.parse(disabled.stdout)).toMatchObject({ id: accountId, disabled_models: ['gpt-4o-mini'] })
    const refused = await post(hub, '/v1/chat/completions', key, chatBody())
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('model_disabled')

    expect((await cli('disable-models', accountId, '--models', '')).code).toBe(0)
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(200)

    const unknown = await cli('disable-models', accountId, '--models', 'gpt-4o-mini,nope')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain("Unknown model 'nope'")
  })

  test('requests lists the log with filters', async () => {
    const { key, keyId } = await hub.account()
    const response = await post(hub, '/v1/chat/completions', key, chatBody('log me'))
    await response.arrayBuffer()
    await logRow(hub, response.headers.get('x-request-id')!)
    const listed = await cli('requests', '--key', keyId, '--status', '2xx')
    expect(listed.code).toBe(0)
    const page = JSON.parse(listed.stdout) as { data: Array<{ request_id: string }>; next_cursor: string | null }
    expect(page.data.map((r) => r.request_id)).toEqual([response.headers.get('x-request-id')!])
    expect((await cli('requests', '--status', 'teapot')).code).toBe(1)
  })
})
