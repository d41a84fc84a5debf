// `npm run bench -- --scale`: 1, 2 and 3 instances on Postgres + Redis beside one on embedded SQLite, same machine, same load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPostgres } from '../test/support/postgres'
import { startRedis } from '../test/support/redis'
import { chatBody, CHAT_PATH } from './bodies'
import { runLoad, type LoadTool } from './load'
import { cpuMicros, freePort, startChild, stopChild, type Child } from './procs'
import { BENCH_MODEL } from './setup'

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef'

export interface ScaleRow {
  setup: string
  rps: number
  /** The slowest instance's p99 (each instance's load is measured on its own). */
  p99Ms: number
  /** CPU µs per request of each instance. */
  cpuUsPerRequest: number[]
  errors: number
}

function config(port: number, mockUrl: string, storage: string, limits: string): string {
  return `[server]
host = "127.0.0.1"
port = ${port}
${storage}
[admin]
token = "${ADMIN_TOKEN}"
[limits]
key_rpm = 100000000
account_rpm = 100000000
${limits}
[providers.mock]
type = "openai"
base_url = "${mockUrl}/v1"
api_key = "bench-upstream-key"
[[models]]
id = "${BENCH_MODEL}"
provider = "mock"
upstream_model = "${BENCH_MODEL}"
input_usd_per_mtok = 0.15
output_usd_per_mtok = 0.60
context_window = 128000
max_output_tokens = 16384
[plans.standard]
models = ["*"]
`
}

async function admin(base: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const answer = await fetch(base + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!answer.ok) throw new Error(`admin ${path}: ${answer.status} ${await answer.text()}`)
  return (await answer.json()) as Record<string, unknown>
}

/**
 * Loads every instance at once: `accounts` loads per instance, each with its own account and key
 * (connections split evenly over all loads). One account is the worst case on Postgres: its money
 * calls run one at a time per instance, and instances take turns on its row lock.
 */
async function measure(
  setup: string,
  instances: Child[],
  tool: LoadTool,
  connections: number,
  durationS: number,
  accounts: number,
): Promise<ScaleRow> {
  const keys: string[] = []
  for (let i = 0; i < accounts; i++) {
    const account = await admin(instances[0]!.url, '/admin/accounts', { email: `bench-${crypto.randomUUID()}@example.com` })
    await admin(instances[0]!.url, `/admin/accounts/${account.id}/credits`, { amount_usd: '1000000.00' })
    keys.push(
      String((await admin(instances[0]!.url, `/admin/accounts/${account.id}/keys`, { rpm: 100_000_000, expires_in_days: null })).key),
    )
  }
  const loads = instances.flatMap((child) => keys.map((key) => ({ child, key })))
  const spec = (load: { child: Child; key: string }, seconds: number) => ({
    url: load.child.url + CHAT_PATH,
    body: chatBody('non-streaming'),
    headers: { authorization: `Bearer ${load.key}`, 'content-type': 'application/json' },
    connections: Math.max(1, Math.round(connections / loads.length)),
    durationS: seconds,
  })
  await Promise.all(loads.map((load) => runLoad(tool, spec(load, 2)))) // warm-up
  const before = instances.map((child) => cpuMicros(child.proc.pid))
  const results = await Promise.all(loads.map((load) => runLoad(tool, spec(load, durationS))))
  const served = instances.map((child) => results.filter((_, i) => loads[i]!.child === child).reduce((n, r) => n + r.requests, 0))
  const cpu = instances.map((child, i) => (cpuMicros(child.proc.pid) - before[i]!) / Math.max(1, served[i]!))
  return {
    setup: `${setup}, ${accounts} account(s)`,
    rps: results.reduce((n, r) => n + r.rps, 0),
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
    cpuUsPerRequest: cpu,
    errors: results.reduce((n, r) => n + r.errors + r.non2xx, 0),
  }
}

export async function runScale(
  options: { tool: LoadTool; connections: number; durationS: number; accounts: number },
  log: (line?: string) => void,
) {
  const dir = mkdtempSync(join(tmpdir(), 'token-hub-bench-scale-'))
  const children: Child[] = []
  const pg = await startPostgres()
  const redis = await startRedis()
  const start = async (name: string, storage: string, limits: string) => {
    const port = freePort()
    const path = join(dir, `${name}.toml`)
    writeFileSync(path, config(port, mock.url, storage, limits))
    const child = await startChild(name, ['src/main.ts', 'serve', '--config', path], port, { readyPath: '/healthz' })
    children.push(child)
    return child
  }
  const mockPort = freePort()
  const mock = await startChild('mock-upstream', ['src/main.ts', 'mock-upstream', '--port', String(mockPort)], mockPort, {
    readyPath: '/v1/models',
  })
  children.push(mock)
  const rows: ScaleRow[] = []
  try {
    const sqlite = await start('sqlite', `[storage]\nsqlite_path = "${join(dir, 'bench.db')}"\n`, '')
    rows.push(await measure('SQLite, 1 instance', [sqlite], options.tool, options.connections, options.durationS, options.accounts))
    log(`  ${rows.at(-1)!.setup}: ${rows.at(-1)!.rps.toFixed(0)} req/s`)
    await stopChild(sqlite)
    const url = await pg.createDatabase()
    const shared = `[storage]\npostgres_url = "${url}"\n`
    const limits = `redis_url = "${redis.url}"\n`
    const instances: Child[] = []
    for (let n = 1; n <= 3; n++) {
      instances.push(await start(`pg-${n}`, shared, limits))
      rows.push(
        await measure(
          `Postgres + Redis, ${n} instance(s)`,
          instances,
          options.tool,
          options.connections,
          options.durationS,
          options.accounts,
        ),
      )
      log(`  ${rows.at(-1)!.setup}: ${rows.at(-1)!.rps.toFixed(0)} req/s`)
    }
  } finally {
    for (const child of children.reverse()) await stopChild(child).catch(() => {})
    await redis.close()
    await pg.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

export function scaleTable(rows: ScaleRow[]): string[] {
  return [
    '| setup | req/s | p99 (ms) | CPU µs per request, each instance | errors |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.setup} | ${r.rps.toFixed(0)} | ${r.p99Ms.toFixed(1)} | ${r.cpuUsPerRequest.map((c) => c.toFixed(0)).join(' / ')} | ${r.errors} |`,
    ),
  ]
}
