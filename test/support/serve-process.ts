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
