// `token-hub backup` of a real `token-hub serve` while charged requests keep coming, then `token-hub restore` into a fresh path.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import type { Subprocess } from 'bun'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, SERVE_ADMIN_TOKEN, serveConfig, sqliteStorage, startServe } from '../support/serve-process'
import { formatUsd } from '../../src/money/usd'
import { openDatabase } from '../../src/store/db'

const ADMIN = SERVE_ADMIN_TOKEN
const ACCOUNTS = 3
const WORKERS = 8
/** Acknowledged charges to wait for before the backup starts, so it has something to prove. */
const BEFORE_BACKUP = 60
const LOG_ROWS = 50_000

let dir: string
const servers: Subprocess<'ignore', 'pipe', 'pipe'>[] = []

const config = (dbPath: string) => serveConfig(sqliteStorage(dbPath))

let liveConfig: string
let livePath: string
let restoredConfig: string
let restoredPath: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-backup-cli-'))
  livePath = join(dir, 'live', 'token-hub.db')
  restoredPath = join(dir, 'restored', 'token-hub.db')
  liveConfig = join(dir, 'live.toml')
  restoredConfig = join(dir, 'restored.toml')
  writeFileSync(liveConfig, config(livePath))
  writeFileSync(restoredConfig, config(restoredPath))
  // Bulk for VACUUM INTO to copy, so that settlements land while it reads; rows of today, which
  // the retention purge at start keeps.
  const seed = openDatabase(livePath)
  const row = seed.query(
    "INSERT INTO request_log (request_id, ts, route, status, latency_ms) VALUES (?, ?, '/v1/chat/completions', 200, 1.5)",
  )
  const now = Date.now()
  seed.transaction(() => {
    for (let i = 0; i < LOG_ROWS; i++) row.run(`req_seed${String(i).padStart(8, '0')}`, now)
  })()
  seed.close()
})
afterAll(() => {
  for (const server of servers) server.kill(9)
  rmSync(dir, { recursive: true, force: true })
})

/** Starts `token-hub serve` and resolves with its base URL once it listens. */
async function serve(configPath: string): Promise<string> {
  const started = await startServe(configPath)
  servers.push(started.process)
  return started.url
}

const cli = runCli

const admin = async <T>(base: string, method: string, path: string, body?: unknown): Promise<T> => {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  expect(response.status).toBeLessThan(300)
  return (await response.json()) as T
}

/** What a database file holds, read by a connection of our own. */
function inspect(path: string) {
  const db = new Database(path, { readonly: true })
  try {
    const integrity = db.query<{ integrity_check: string }, []>('PRAGMA integrity_check').get()!.integrity_check
    const accounts = db
      .query<{ id: string; balance: number; sum: number; entries: number }, []>(
        `SELECT a.id, a.balance_micros AS balance, COALESCE(SUM(l.amount_micros), 0) AS sum, COUNT(l.id) AS entries
         FROM accounts a LEFT JOIN ledger l ON l.account_id = a.id GROUP BY a.id ORDER BY a.id`,
      )
      .all()
    const ledger = db
      .query<{ id: number; request_id: string | null; amount_micros: number }, []>(
        'SELECT id, request_id, amount_micros FROM ledger ORDER BY id',
      )
      .all()
    const charged = new Set(
      db
        .query<{ request_id: string }, []>("SELECT request_id FROM ledger WHERE type = 'charge'")
        .all()
        .map((r) => r.request_id),
    )
    return { integrity, accounts, ledger, charged }
  } finally {
    db.close()
  }
}

test('backup while charged requests run, restore into a fresh path: integrity ok, balance = Σ entries for every account, every charge acknowledged before the backup is in it', async () => {
  const base = await serve(liveConfig)
  const keys: string[] = []
  for (let i = 0; i < ACCOUNTS; i++) {
    const account = await admin<{ id: string }>(base, 'POST', '/admin/accounts', { email: `backup-${i}@test.local` })
    await admin(base, 'POST', `/admin/accounts/${account.id}/credits`, { amount_usd: '50.00' })
    keys.push((await admin<{ key: string }>(base, 'POST', `/admin/accounts/${account.id}/keys`, { expires_in_days: null })).key)
  }

  // Load: WORKERS clients back to back, plain answers (charged before they are sent) and streams
  // of both formats (charged before their terminator), slowed a little by the mock so several
  // are always in flight.
  let backupStarted = false
  let stop = false
  let inFlight = 0
  const acknowledgedBefore: string[] = []
  let acknowledgedDuring = 0
  let enough: () => void
  const enoughAcknowledged = new Promise<void>((resolve) => {
    enough = resolve
  })
  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const stream = i % 3 === 2
      const messages = stream && w % 2 === 0
      inFlight++
      const response = await fetch(`${base}${messages ? '/v1/messages' : '/v1/chat/completions'}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys[(w + i) % ACCOUNTS]}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          max_tokens: 64,
          messages: [{ role: 'user', content: `worker ${w} request ${i}` }],
          ...(stream
            ? { stream: true, metadata: { mock_fault: `drip-${2 + (i % 3)}` } }
            : { metadata: { mock_fault: `slow-${(w * 7 + i) % 15}` } }),
        }),
      })
      const text = await response.text()
      inFlight--
      const complete = !stream
        ? response.status === 200
        : messages
          ? text.includes('event: message_stop')
          : text.trimEnd().endsWith('data: [DONE]')
      expect(complete).toBe(true)
      if (!backupStarted) {
        acknowledgedBefore.push(response.headers.get('x-request-id')!)
        if (acknowledgedBefore.length >= BEFORE_BACKUP) enough()
      } else acknowledgedDuring++
    }
  }
  const load = Array.from({ length: WORKERS }, (_, w) => worker(w))
  await enoughAcknowledged

  const backupPath = join(dir, 'backups', 'token-hub-backup.db')
  backupStarted = true
  // Every worker is awaiting its answer whenever this code runs: the backup starts under load.
  expect(inFlight).toBe(WORKERS)
  const backup = await cli('backup', backupPath, '--config', liveConfig)
  const duringBackup = acknowledgedDuring
  expect(backup.stderr).toBe('')
  expect(backup.code).toBe(0)
  expect(backup.stdout).toContain(`written to ${backupPath}`)
  expect(inFlight).toBe(WORKERS)

  // The server kept its database open throughout: a restore over it is refused and changes nothing.
  const overLive = await cli('restore', backupPath, '--force', '--config', liveConfig)
  expect(overLive.code).toBe(1)
  expect(overLive.stderr).toContain('is open in another process')
  // No overwrite without --force, even of a backup.
  const bytes = readFileSync(backupPath)
  const again = await cli('backup', backupPath, '--config', liveConfig)
  expect(again.code).toBe(1)
  expect(again.stderr).toContain('already exists (--force overwrites it)')
  expect(readFileSync(backupPath).equals(bytes)).toBe(true)

  stop = true
  await Promise.all(load)
  const liveServer = servers.pop()!
  liveServer.kill('SIGTERM')
  expect(await liveServer.exited).toBe(0)

  const restore = await cli('restore', backupPath, '--config', restoredConfig)
  expect(restore.stderr).toBe('')
  expect(restore.code).toBe(0)
  const restored = inspect(restoredPath)
  expect(restored.integrity).toBe('ok')
  expect(restored.accounts).toHaveLength(ACCOUNTS)
  for (const account of restored.accounts) expect(account.balance).toBe(account.sum)
  for (const requestId of acknowledgedBefore) expect(restored.charged.has(requestId)).toBe(true)

  // A snapshot, not a mixture: the restored ledger is exactly the live ledger up to some entry.
  const live = inspect(livePath)
  expect(live.integrity).toBe('ok')
  const last = restored.ledger.at(-1)!.id
  expect(restored.ledger).toEqual(live.ledger.filter((entry) => entry.id <= last))

  // The restored database serves: same balances through the admin API.
  const restoredBase = await serve(restoredConfig)
  expect((await fetch(`${restoredBase}/healthz`)).status).toBe(200)
  for (const account of restored.accounts) {
    const shown = await admin<{ balance_usd: string; held_usd: string }>(restoredBase, 'GET', `/admin/accounts/${account.id}`)
    // formatUsd rounds integer micro-USD half up; toFixed on the float (49.99935 → 49.9993) did not always agree.
    expect(shown.balance_usd).toBe(formatUsd(account.balance))
    expect(shown.held_usd).toBe('0.0000')
  }
  console.log(
    `backup under load: ${acknowledgedBefore.length} charges acknowledged before it, all restored; ${duringBackup} answered while it ran; ` +
      `${restored.ledger.length} of ${live.ledger.length} ledger entries in the backup`,
  )
}, 90_000)
