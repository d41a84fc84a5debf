// Across processes: while a server serves the database, the CLI's money commands go through it, so
// the money its requests in flight hold is never debited; with no server they act directly, and a
// server that holds the lease but does not answer stops them rather than being bypassed.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Subprocess } from 'bun'
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, SERVE_ADMIN_TOKEN, serveConfig, sqliteStorage, startServe } from '../support/serve-process'
import { SERVING_LEASE_KEY } from '../../src/jobs/serving-lease'

const ADMIN = SERVE_ADMIN_TOKEN

let dir: string
let configPath: string
let dbPath: string
let server: Subprocess<'ignore', 'pipe', 'pipe'> | null = null

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-cli-holds-'))
  dbPath = join(dir, 'token-hub.db')
  configPath = join(dir, 'config.toml')
  // Dear output, so one stream holds most of a $1 account.
  writeFileSync(
    configPath,
    serveConfig(
      sqliteStorage(dbPath),
      `[[models]]
id = "dear"
provider = "mock"
input_usd_per_mtok = 1
output_usd_per_mtok = 1000
context_window = 100000
max_output_tokens = 900
`,
    ),
  )
})
afterAll(() => {
  server?.kill(9)
  rmSync(dir, { recursive: true, force: true })
})

async function start(): Promise<string> {
  const started = await startServe(configPath)
  server = started.process
  return started.url
}

function cli(...args: string[]) {
  const result = Bun.spawnSync([process.execPath, 'run', 'src/main.ts', 'admin', ...args, '--config', configPath], {
    cwd: ROOT,
    env: { ...process.env, TOKEN_HUB_CONFIG: undefined },
  })
  return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() }
}

const balanceOf = (accountId: string) => {
  const db = new Database(dbPath)
  try {
    const row = db.query<{ balance_micros: number }, [string]>('SELECT balance_micros FROM accounts WHERE id = ?').get(accountId)!
    const sum = db
      .query<{ s: number }, [string]>('SELECT COALESCE(SUM(amount_micros), 0) AS s FROM ledger WHERE account_id = ?')
      .get(accountId)!.s
    return { balance: row.balance_micros, sum }
  } finally {
    db.close()
  }
}

test('a CLI debit cannot take money a running server holds; without a server it acts directly; an unreachable server stops it', async () => {
  const base = await start()
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  const account = (await (await admin('POST', '/admin/accounts', { email: 'holds@test.local' })).json()) as { id: string }
  await admin('POST', `/admin/accounts/${account.id}/credits`, { amount_usd: '1.00' })
  const { key } = (await (await admin('POST', `/admin/accounts/${account.id}/keys`, { expires_in_days: null })).json()) as { key: string }

  // A slow stream holds up to $0.90 (900 output tokens at $1,000 per million) while it runs.
  const stream = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'dear',
      stream: true,
      max_tokens: 900,
      messages: [{ role: 'user', content: 'hi' }],
      metadata: { mock_fault: 'drip-300' },
    }),
  })
  expect(stream.status).toBe(200)
  const reading = stream.text()
  const held = (await (await admin('GET', `/admin/accounts/${account.id}`)).json()) as { held_usd: string; available_usd: string }
  expect(Number(held.held_usd)).toBeGreaterThan(0.85)

  // Debiting $0.50 would take held money: the server refuses it, and the CLI says so.
  const refused = cli('add-credits', account.id, '--amount', '-0.50', '--note', 'correction')
  expect(refused.code).toBe(1)
  expect(refused.err).toContain('held by requests in flight')
  // What is not held may still be debited, through the server.
  const allowed = cli('add-credits', account.id, '--amount=-0.05')
  expect(allowed.code).toBe(0)
  expect((JSON.parse(allowed.out) as { entry: { amount_micros: number } }).entry.amount_micros).toBe(-50_000)

  await reading
  const after = balanceOf(account.id)
  expect(after.balance).toBe(after.sum)
  expect(after.balance).toBeGreaterThanOrEqual(0)

  // Stopped gracefully, the server clears its lease: the CLI acts on the database itself.
  server!.kill('SIGTERM')
  await server!.exited
  server = null
  const direct = cli('add-credits', account.id, '--amount', '0.25')
  expect(direct.code).toBe(0)
  expect(balanceOf(account.id).balance).toBe(after.balance + 250_000)

  // A fresh lease whose server does not answer: refused, nothing moved.
  const db = new Database(dbPath)
  const closed = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('') })
  const deadUrl = `http://127.0.0.1:${closed.port}`
  closed.stop(true)
  db.query('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    SERVING_LEASE_KEY,
    JSON.stringify({ url: deadUrl, pid: process.pid, token: 'x', at: Date.now() }),
  )
  db.close()
  const stuck = cli('add-credits', account.id, '--amount=-0.10')
  expect(stuck.code).toBe(1)
  expect(stuck.err).toContain('did not answer')
  expect(stuck.err).toContain('nothing was changed')
  expect(balanceOf(account.id).balance).toBe(after.balance + 250_000)
}, 60_000)
