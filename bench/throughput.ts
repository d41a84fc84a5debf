// Throughput mode: floor and gateway under the same load, alternating, with the gateway's CPU and RSS.
import { chatBody, CHAT_PATH, type Kind } from './bodies'
import { runLoad, type LoadResult, type LoadTool } from './load'
import { cpuMicros, memoryMb, resetPeakRss, type Child } from './procs'
import type { BenchWorld } from './setup'

export interface ThroughputOptions {
  tool: LoadTool
  connections: number
  durationS: number
  rounds: number
  warmupS: number
  threads: number
  kinds: Kind[]
}

export interface TargetRun extends LoadResult {
  /** CPU of the proxying process (floor or gateway) per answered request, µs. */
  cpuUsPerRequest: number
  /** Peak RSS of the proxying process during the run, MB. */
  peakRssMb: number
}

export interface KindResult {
  kind: Kind
  floor: TargetRun[]
  gateway: TargetRun[]
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The median run by throughput (its own latencies, CPU and RSS come with it). */
export function medianRun(runs: TargetRun[]): TargetRun {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps)
  return sorted[(sorted.length - 1) >> 1]!
}

export const medianOf = (runs: TargetRun[], pick: (run: TargetRun) => number) => median(runs.map(pick))

async function measured(options: ThroughputOptions, target: Child, key: string, kind: Kind, durationS: number): Promise<TargetRun> {
  const pid = target.proc.pid
  resetPeakRss(pid)
  const cpuBefore = cpuMicros(pid)
  const result = await runLoad(options.tool, {
    url: target.url + CHAT_PATH,
    body: chatBody(kind),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    connections: options.connections,
    durationS,
    threads: options.threads,
  })
  const cpu = cpuMicros(pid) - cpuBefore
  return { ...result, cpuUsPerRequest: cpu / Math.max(1, result.requests), peakRssMb: memoryMb(pid, 'VmHWM') }
}

export async function runThroughput(
  world: BenchWorld,
  options: ThroughputOptions,
  progress: (line: string) => void,
): Promise<KindResult[]> {
  const results: KindResult[] = []
  for (const kind of options.kinds) {
    const result: KindResult = { kind, floor: [], gateway: [] }
    // Warm-up: JIT, connection pools, SQLite pages; not reported.
    await measured(options, world.floor, world.key, kind, options.warmupS)
    await measured(options, world.gateway, world.key, kind, options.warmupS)
    for (let round = 1; round <= options.rounds; round++) {
      // Alternating floor and gateway spreads the machine's drift (other load) over both.
      for (const [name, target] of [
        ['floor', world.floor],
        ['gateway', world.gateway],
      ] as const) {
        const run = await measured(options, target, world.key, kind, options.durationS)
        result[name].push(run)
        progress(
          `  ${kind} round ${round} ${name.padEnd(7)} ${run.rps.toFixed(0).padStart(6)} req/s  p50 ${run.p50Ms.toFixed(2)} ms  p99 ${run.p99Ms.toFixed(2)} ms  ` +
            `${run.cpuUsPerRequest.toFixed(0)} µs CPU/req  peak RSS ${run.peakRssMb.toFixed(1)} MB  non-2xx ${run.non2xx}  errors ${run.errors}`,
        )
      }
    }
    results.push(result)
  }
  return results
}
