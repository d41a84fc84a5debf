// A real `token-hub serve` in its own process, for tests that kill it, stop it or run the CLI beside it.
import type { Subprocess } from 'bun'
import { join } from 'node:path'

export const ROOT = join(import.meta.dir, '../..')
const ENV = { ...process.env, TOKEN_HUB_CONFIG: undefined }

/** Starts `token-hub serve --config FILE`; resolves once it listens, with its URL and process. */
export async function startServe(configPath: string): Promise<{ url: string; process: Subprocess<'ignore', 'pipe', 'pipe'> }> {
  const child = Bun.spawn([process.execPath, 'run', 'src/main.ts', 'serve', '--config', configPath], {
    cwd: ROOT,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    env: ENV,
  })
  const reader = child.stdout.getReader()
  const decoder = new TextDecoder()
  let out = ''
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    out += decoder.decode(read.value, { stream: true })
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
    if (match) {
      reader.releaseLock()
      return { url: match[1]!, process: child }
    }
  }
  throw new Error(`server did not start:\n${out}\n${await new Response(child.stderr).text()}`)
}

/** Runs `token-hub ARGS…` to its end. */
export async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn([process.execPath, 'run', 'src/main.ts', ...args], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe', env: ENV })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, stdout, stderr }
}

export const SERVE_ADMIN_TOKEN = 'test-admin-token-0123456789'

/**
 * The config of a served test instance: loopback on a free port, the admin token above, limits
 * out of the way, the mock provider, and `gpt-4o-mini` (or the models given, as TOML) for every plan.
 */
export function serveConfig(storage: string, models = GPT_4O_MINI): string {
  return `[server]
host = "127.0.0.1"
port = 0
${storage}[admin]
token = "${SERVE_ADMIN_TOKEN}"
[limits]
key_rpm = 1000000
account_rpm = 1000000
[logs]
flush_interval_ms = 50
[providers.mock]
type = "mock"
${models}[plans.standard]
models = ["*"]
`
}

const GPT_4O_MINI = `[[models]]
id = "gpt-4o-mini"
provider = "mock"
input_usd_per_mtok = 0.15
output_usd_per_mtok = 0.60
context_window = 128000
max_output_tokens = 64
`

/** The `[storage]` table of a SQLite file. */
export const sqliteStorage = (path: string) => `[storage]\nsqlite_path = "${path}"\n`
