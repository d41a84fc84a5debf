// The load generator: wrk when it is installed, else autocannon from node_modules; one result shape.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './procs'

export interface LoadSpec {
  url: string
  body: string
  headers: Record<string, string>
  connections: number
  durationS: number
  /** wrk threads (autocannon has one). */
  threads?: number
  /** Requests per second over all connections (autocannon only: wrk cannot pace). */
  rate?: number
}

export interface LoadResult {
  tool: 'wrk' | 'autocannon'
  requests: number
  durationS: number
  rps: number
  p50Ms: number
  p99Ms: number
  non2xx: number
  /** Connect, read, write errors and timeouts. */
  errors: number
}

export type LoadTool = 'wrk' | 'autocannon'

/** wrk when it is on the PATH (unless `prefer` says otherwise), else autocannon. */
export function pickTool(prefer?: LoadTool): LoadTool {
  if (prefer === 'autocannon') return 'autocannon'
  const wrk = Bun.which('wrk') !== null
  if (prefer === 'wrk' && !wrk) throw new Error('--tool wrk: wrk is not installed (apt-get install -y wrk)')
  return wrk ? 'wrk' : 'autocannon'
}

export function runLoad(tool: LoadTool, spec: LoadSpec): Promise<LoadResult> {
  if (spec.rate !== undefined && tool === 'wrk') throw new Error('wrk cannot pace requests: use autocannon for a fixed rate')
  return tool === 'wrk' ? runWrk(spec) : runAutocannon(spec)
}

/** A Lua long string that the body cannot close early. */
function luaString(text: string): string {
  let level = 1
  while (text.includes(`]${'='.repeat(level)}]`)) level++
  const eq = '='.repeat(level)
  return `[${eq}[${text}]${eq}]`
}

const WRK_DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT %d %d %d %d %d %d %d %d %d\\n', summary.requests, summary.duration,
    e.status, e.connect, e.read, e.write, e.timeout, latency:percentile(50), latency:percentile(99)))
end
`

async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'token-hub-wrk-'))
  try {
    const headers = Object.entries(spec.headers)
      .map(([k, v]) => `wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`)
      .join('\n')
    const script = join(dir, 'request.lua')
    writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${luaString(spec.body)}\n${headers}\n${WRK_DONE}`)
    const args = [
      'wrk',
      '-t',
      String(spec.threads ?? 1),
      '-c',
      String(spec.connections),
      '-d',
      `${spec.durationS}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      spec.url,
    ]
    const proc = Bun.spawn(args, { stdout: 'pipe', stderr: 'pipe' })
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    const line = /WRK_RESULT ([\d ]+)/.exec(out)?.[1]
    if (!line) throw new Error(`wrk gave no result:\n${out}\n${err}`)
    const [requests, durationUs, status, connect, read, write, timeout, p50, p99] = line.trim().split(' ').map(Number) as number[]
    const durationS = durationUs! / 1e6
    return {
      tool: 'wrk',
      requests: requests!,
      durationS,
      rps: requests! / durationS,
      p50Ms: p50! / 1000,
      p99Ms: p99! / 1000,
      non2xx: status!,
      errors: connect! + read! + write! + timeout!,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

interface AutocannonJson {
  requests: { total: number }
  latency: { p50: number; p99: number }
  duration: number
  non2xx: number
  errors: number
  timeouts: number
}

async function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  // autocannon is a Node program: it runs under node when there is one, else under Bun itself.
  const runtime = Bun.which('node') ?? process.execPath
  const args = [
    runtime,
    join(ROOT, 'node_modules/autocannon/autocannon.js'),
    '-j',
    '-c',
    String(spec.connections),
    '-d',
    String(spec.durationS),
    '-t',
    '10',
    '-m',
    'POST',
    '-b',
    spec.body,
  ]
  if (spec.rate !== undefined) args.push('-R', String(Math.max(1, Math.round(spec.rate))))
  for (const [k, v] of Object.entries(spec.headers)) args.push('-H', `${k}=${v}`)
  args.push(spec.url)
  const proc = Bun.spawn(args, { stdout: 'pipe', stderr: 'pipe' })
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  let json: AutocannonJson
  try {
    json = JSON.parse(out.slice(out.indexOf('{'))) as AutocannonJson
  } catch {
    throw new Error(`autocannon gave no result:\n${out}\n${err}`)
  }
  return {
    tool: 'autocannon',
    requests: json.requests.total,
    durationS: json.duration,
    rps: json.requests.total / json.duration,
    p50Ms: json.latency.p50,
    p99Ms: json.latency.p99,
    non2xx: json.non2xx,
    errors: json.errors + json.timeouts,
  }
}
