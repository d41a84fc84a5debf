// Prints the bench's figures as tables, and each issue-6 target as met or missed.
import type { LatencyResult } from './latency'
import { medianOf, medianRun, type KindResult } from './throughput'

export interface Target {
  name: string
  value: string
  limit: string
  met: boolean
}

const pad = (text: string, width: number) => text.padStart(width)
const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a')

export function throughputTable(results: KindResult[]): string[] {
  const lines = [
    `${'kind'.padEnd(14)} ${'target'.padEnd(8)} ${pad('req/s', 8)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('CPU µs/req', 11)} ${pad('peak RSS MB', 12)} ${pad('non-2xx', 8)} ${pad('errors', 7)}`,
  ]
  for (const r of results) {
    for (const name of ['floor', 'gateway'] as const) {
      const runs = r[name]
      const mid = medianRun(runs)
      lines.push(
        `${r.kind.padEnd(14)} ${name.padEnd(8)} ${pad(fixed(mid.rps, 0), 8)} ${pad(fixed(mid.p50Ms, 2), 8)} ${pad(fixed(mid.p99Ms, 2), 8)} ` +
          `${pad(
            fixed(
              medianOf(runs, (x) => x.cpuUsPerRequest),
              0,
            ),
            11,
          )} ${pad(fixed(Math.max(...runs.map((x) => x.peakRssMb)), 1), 12)} ` +
          `${pad(String(runs.reduce((n, x) => n + x.non2xx, 0)), 8)} ${pad(String(runs.reduce((n, x) => n + x.errors, 0)), 7)}`,
      )
    }
    lines.push(`${r.kind.padEnd(14)} ${'ratio'.padEnd(8)} ${pad(fixed(ratio(r), 2), 8)}   (gateway/floor, median req/s of the rounds)`)
  }
  return lines
}

export const ratio = (r: KindResult) => medianOf(r.gateway, (x) => x.rps) / medianOf(r.floor, (x) => x.rps)

export function latencyTable(results: LatencyResult[]): string[] {
  const lines = [
    `${'kind'.padEnd(14)} ${'path'.padEnd(13)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('TTFB p50', 9)} ${pad('TTFB p99', 9)}`,
  ]
  for (const r of results) {
    for (const name of ['direct', 'floor', 'gateway'] as const) {
      const p = r[name]
      lines.push(
        `${r.kind.padEnd(14)} ${name.padEnd(13)} ${pad(fixed(p.total.p50, 3), 8)} ${pad(fixed(p.total.p99, 3), 8)} ${pad(fixed(p.ttfb.p50, 3), 9)} ${pad(fixed(p.ttfb.p99, 3), 9)}`,
      )
    }
    for (const name of ['floor', 'gateway'] as const) {
      const p = r[name]
      lines.push(
        `${r.kind.padEnd(14)} ${`${name} added`.padEnd(13)} ${pad(fixed(p.total.p50 - r.direct.total.p50, 3), 8)} ${pad(fixed(p.total.p99 - r.direct.total.p99, 3), 8)} ` +
          `${pad(fixed(p.ttfb.p50 - r.direct.ttfb.p50, 3), 9)} ${pad(fixed(p.ttfb.p99 - r.direct.ttfb.p99, 3), 9)}`,
      )
    }
    const timing = Object.entries(r.serverTiming)
      .map(([name, ms]) => `${name} ${ms.toFixed(3)}`)
      .join(', ')
    lines.push(`${''.padEnd(14)} gateway Server-Timing medians (ms): ${timing || 'none'}; failed answers: ${r.failures}`)
  }
  return lines
}

export function targetsOf(throughput: KindResult[], latency: LatencyResult[]): Target[] {
  const targets: Target[] = []
  const ns = throughput.find((r) => r.kind === 'non-streaming')
  const st = throughput.find((r) => r.kind === 'streaming')
  if (ns) {
    targets.push({ name: 'non-streaming throughput vs floor', value: fixed(ratio(ns), 2), limit: '≥ 0.80', met: ratio(ns) >= 0.8 })
    const cpu = medianOf(ns.gateway, (x) => x.cpuUsPerRequest)
    targets.push({ name: 'gateway CPU per non-streaming request', value: `${fixed(cpu, 0)} µs`, limit: '≤ 150 µs', met: cpu <= 150 })
  }
  if (st) {
    targets.push({ name: 'streaming throughput vs floor', value: fixed(ratio(st), 2), limit: '≥ 0.70', met: ratio(st) >= 0.7 })
    const cpu = medianOf(st.gateway, (x) => x.cpuUsPerRequest)
    targets.push({ name: 'gateway CPU per streamed request', value: `${fixed(cpu, 0)} µs`, limit: '≤ 200 µs', met: cpu <= 200 })
  }
  if (throughput.length > 0) {
    const rss = Math.max(...throughput.flatMap((r) => r.gateway.map((x) => x.peakRssMb)))
    targets.push({ name: 'gateway peak RSS under load', value: `${fixed(rss, 1)} MB`, limit: '≤ 100 MB', met: rss <= 100 })
  }
  const lns = latency.find((r) => r.kind === 'non-streaming')
  const lst = latency.find((r) => r.kind === 'streaming')
  if (lns) {
    const added = lns.gateway.total.p50 - lns.direct.total.p50
    targets.push({ name: 'added p50 at concurrency 1', value: `${fixed(added, 3)} ms`, limit: '≤ 0.5 ms', met: added <= 0.5 })
  }
  if (lst) {
    const added = lst.gateway.ttfb.p50 - lst.direct.ttfb.p50
    targets.push({ name: 'added time to first streamed byte (p50)', value: `${fixed(added, 3)} ms`, limit: '≤ 1 ms', met: added <= 1 })
  }
  return targets
}

export function targetLines(targets: Target[]): string[] {
  return targets.map((t) => `${t.met ? 'met   ' : 'MISSED'}  ${t.name.padEnd(42)} ${t.value.padStart(10)}  (target ${t.limit})`)
}
