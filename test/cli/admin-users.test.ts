// `token-hub admin create-user / invite / list-topups / expire-credits` against a database file the server then uses.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startHub } from '../helpers'
import { SessionClient } from '../support/session'

let dir: string
let configPath: string
let dbPath: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'th-cli-'))
  dbPath = join(dir, 'hub.db')
  configPath = join(dir, 'config.toml')
  await Bun.write(
    configPath,
    `[storage]\nsqlite_path = "${dbPath}"\n[providers.mock]\ntype = "mock"\n[[models]]\nid = "gpt-4o-mini"\nprovider = "mock"\ninput_usd_per_mtok = 0.15\n`,
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function admin(...args: string[]) {
  const proc = Bun.spawn([process.execPath, 'run', 'src/main.ts', 'admin', ...args, '--config', configPath], {
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' },
  })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, out, err, json: code === 0 ? (JSON.parse(out) as Record<string, unknown>) : null }
}

test('create-user --admin makes the first admin (printing a generated password) who can then sign in', async () => {
  const created = await admin('create-user', '--email', 'Ops@Example.com', '--admin')
  expect(created.code).toBe(0)
  expect(created.json).toMatchObject({ email: 'ops@example.com', is_admin: true, role: 'owner' })
  const password = created.json!.password as string
  expect(password).toMatch(/^[0-9A-Za-z]{20}$/)

  const again = await admin('create-user', '--email', 'ops@example.com', '--password', 'another-password')
  expect(again.code).toBe(1)
  expect(again.err).toContain('already exists')

  const member = await admin(
    'create-user',
    '--email',
    'dev@example.com',
    '--password',
    'dev-password-123',
    '--account',
    created.json!.account_id as string,
  )
  expect(member.json).toMatchObject({ role: 'member', account_id: created.json!.account_id })
  expect(member.json!.password).toBeUndefined()

  const invite = await admin('invite', '--email', 'new@example.com')
  expect(invite.json!.url).toMatch(/^http:\/\/localhost:8080\/invite\/[0-9A-Za-z]{40}$/)

  expect((await admin('list-topups', created.json!.account_id as string)).json).toEqual([] as unknown as Record<string, unknown>)
  expect((await admin('expire-credits')).json).toEqual({ lots: 0, expiredMicros: 0 })
  const refund = await admin('refund-topup', 'top_nothing')
  expect(refund.code).toBe(1)

  const hub = await startHub({ sqlitePath: dbPath })
  try {
    const client = await SessionClient.signIn(hub, 'ops@example.com', password)
    const me = await client.json<{ user: { is_admin: boolean } }>('GET', '/api/me')
    expect(me.body.user.is_admin).toBe(true)
    expect((await client.request('GET', '/api/admin/accounts')).status).toBe(200)
  } finally {
    await hub.close()
  }
})
