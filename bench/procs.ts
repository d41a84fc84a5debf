// Child processes of the bench (mock, floor, gateway) and what /proc says about their cost.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Subprocess } from 'bun'

export const ROOT = join(import.meta.dir, '..')
const CLOCK_TICKS_PER_S = 100

export interface Child {
  name: string
  proc: Subprocess
  url: string
  /** Output so far (startup lines, errors), for the report when something fails. */
  output(): string
}

/** A free loopback port: bind to 0, read the port, let it go. */
export function freePort(): number {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() })
  const port = server.port!
  server.stop(true)
  return port
}

/** Starts `bun <args>` and waits until `readyPath` on the port answers (bounded). */
export async function startChild(
  name: string,
  args: string[],
  port: number,
  options: { env?: Record<string, string>; readyPath?: string; timeoutMs?: number } = {},
): Promise<Child> {
  let text = ''
  const proc = Bun.spawn([process.execPath, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  for (const stream of [proc.stdout, proc.stderr]) {
    void (async () => {
      const decoder = new TextDecoder()
      const reader = (stream as ReadableStream<Uint8Array>).getReader()
      while (true) {
        const { done, value } = await reader.read()
        if (done) return
        // Keep the tail (startup lines, then errors); older output is of no use to the report.
        text = (text + decoder.decode(value)).slice(-20_000)
      }
    })()
  }
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + (options.timeoutMs ?? 15_000)
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) break
    try {
      const answer = await fetch(url + (options.readyPath ?? '/'), { signal: AbortSignal.timeout(1000) })
      await answer.arrayBuffer()
      return { name, proc, url, output: () => text }
    } catch {
      await Bun.sleep(100)
    }
  }
  proc.kill()
  throw new Error(`${name} did not start on ${url}:\n${text}`)
}

export async function stopChild(child: Child): Promise<void> {
  child.proc.kill('SIGTERM')
  const exited = await Promise.race([child.proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)])
  if (!exited) child.proc.kill('SIGKILL')
}

/** The text of a /proc file, or null where there is no /proc (macOS): the figure is then n/a. */
function proc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

/** CPU time (user + system, all threads) of a process so far, in µs. */
export function cpuMicros(pid: number): number {
  const stat = proc(`/proc/${pid}/stat`)
  if (stat === null) return NaN
  // Fields after the command name (which may hold spaces) start at state: utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS_PER_S
}

/** A field of /proc/<pid>/status in MB (VmRSS, VmHWM). */
export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(proc(`/proc/${pid}/status`) ?? '')?.[1]
  return kb === undefined ? NaN : Number(kb) / 1024
}

/** Resets the peak RSS (VmHWM) to the current RSS, so each phase reports its own peak. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}
