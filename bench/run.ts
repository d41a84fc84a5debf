// `npm run bench`: the gateway against a raw Bun proxy floor on loopback, in one bounded run.
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import type { Kind } from './bodies'
import { runLatency, type LatencyResult } from './latency'
import { pickTool, type LoadTool } from './load'
import { latencyTable, targetLines, targetsOf, throughputTable, type Target } from './report'
import { runScale, scaleTable } from './scale'
import { runSoak } from './soak'
import { runStreams } from './streams'
import { startWorld } from './setup'
import { runThroughput, type KindResult } from './throughput'

const HELP = `npm run bench -- [options]

Default: throughput (non-streaming and streaming; floor and gateway alternating) and added latency
at concurrency 1. Everything on 127.0.0.1; bounded in time (about 2 minutes with the defaults).

  --duration S         seconds per measured run (default 5)
  --rounds N           floor/gateway rounds per kind (default 3)
  --warmup S           warm-up seconds per target and kind (default 2)
  --connections C      concurrent connections (default 32)
  --threads T          wrk threads (default 1)
  --tool wrk|autocannon  load generator (default: wrk when installed, else autocannon)
  --requests N         requests per path at concurrency 1 (default 2000)
  --only throughput|latency
  --kind non-streaming|streaming   throughput of one kind only
  --soak               the soak instead: minutes at 80 % of peak (autocannon), RSS/p99/database per minute
  --minutes M          soak length (default 10)
  --streams            concurrent open streams against a slow mock instead, errors and RSS
  --count N            streams to hold open (default 2000)
  --drip MS            the mock's gap between stream chunks (default 500)
  --deployments N      the bench model spread over N providers on the same mock (default 1)
  --scale              1, 2 and 3 instances on Postgres + Redis beside one on SQLite (non-streaming; needs postgresql, redis-server)
  --accounts N         with --scale: loads per instance, each its own account (default 1: one hot account)
  --profile DIR        write the gateway's CPU profile (bun --cpu-prof, .cpuprofile and .md) to DIR
`

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    threads: { type: 'string', default: '1' },
    tool: { type: 'string' },
    requests: { type: 'string', default: '2000' },
    only: { type: 'string' },
    soak: { type: 'boolean', default: false },
    minutes: { type: 'string', default: '10' },
    streams: { type: 'boolean', default: false },
    scale: { type: 'boolean', default: false },
    accounts: { type: 'string', default: '1' },
    count: { type: 'string', default: '2000' },
    drip: { type: 'string', default: '500' },
    profile: { type: 'string' },
    deployments: { type: 'string', default: '1' },
    kind: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  process.stdout.write(HELP)
  process.exit(0)
}

const log = (line = '') => console.log(line)
const bunVersion = Bun.version
log(
  `token-hub bench — bun ${bunVersion}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
)

if (values.scale) {
  const tool: LoadTool = pickTool(values.tool as LoadTool | undefined)
  log(`\n== scale-out: ${tool}, ${values.connections} connections split over the instances, ${values.duration} s per setup`)
  const rows = await runScale(
    { tool, connections: Number(values.connections), durationS: Number(values.duration), accounts: Number(values.accounts) },
    log,
  )
  log(['', ...scaleTable(rows)].join('\n'))
  process.exit(0)
}

const dripMs = Number(values.drip)
const deployments = Number(values.deployments)
const world = await startWorld({ dripMs: values.streams ? [dripMs] : [], profileDir: values.profile, deployments })
log(
  `mock ${world.mock.url}, floor ${world.floor.url}, gateway ${world.gateway.url} (database ${world.dbPath}; ${deployments} deployment(s) of the model)`,
)
const stop = async () => {
  await world.close()
}
// Interrupted (Ctrl-C, `timeout`): the three processes and the temp directory go too.
process.on('SIGINT', () => void stop().then(() => process.exit(130)))
process.on('SIGTERM', () => void stop().then(() => process.exit(143)))

try {
  if (values.streams) {
    const count = Number(values.count)
    log(`\n== ${count} concurrent streams, mock dripping one chunk every ${dripMs} ms`)
    const r = await runStreams(world, count, dripMs, log)
    log(
      `\nstreams ${r.streams}: completed ${r.completed}, errors ${r.errors}, most connections open at once ${r.maxOpen}, most streams flowing at once ${r.maxFlowing}`,
    )
    log(
      `first byte p50 ${r.ttfbP50Ms.toFixed(1)} ms / p99 ${r.ttfbP99Ms.toFixed(1)} ms; stream duration p50 ${(r.durationP50Ms / 1000).toFixed(1)} s; wall ${r.wallS.toFixed(1)} s`,
    )
    log(`gateway RSS before ${r.rssBeforeMb.toFixed(1)} MB, peak ${r.peakRssMb.toFixed(1)} MB`)
    for (const sample of r.errorSamples) log(`  error: ${sample}`)
    const ok = r.errors === 0 && r.peakRssMb <= 300
    log(`\n${r.errors === 0 ? 'met   ' : 'MISSED'}  ${count} concurrent streams without errors (errors: ${r.errors})`)
    log(`${r.peakRssMb <= 300 ? 'met   ' : 'MISSED'}  gateway peak RSS ${r.peakRssMb.toFixed(1)} MB (target ≤ 300 MB)`)
    process.exitCode = ok ? 0 : 1
  } else if (values.soak) {
    const minutes = Number(values.minutes)
    log(`\n== soak: ${minutes} minute(s), autocannon at 80 % of peak (40 % of each kind's peak, both at once)`)
    const r = await runSoak(world, { minutes, sliceS: 60, connections: Number(values.connections) }, log)
    const first = r.slices[0]!
    const last = r.slices[r.slices.length - 1]!
    const growth = (last.rssMb - first.rssMb) / first.rssMb
    const drift = Math.max(
      ...r.slices.flatMap((s) => [s.p99Ms['non-streaming'] / first.p99Ms['non-streaming'], s.p99Ms.streaming / first.p99Ms.streaming]),
    )
    const requests = r.slices.reduce((n, s) => n + s.requests, 0)
    const bytesPerRequest = ((last.dbMb - first.dbMb) * 1024 * 1024) / Math.max(1, requests - first.requests)
    log(`\nRSS after minute 1: ${first.rssMb.toFixed(1)} MB, at the end: ${last.rssMb.toFixed(1)} MB (${(growth * 100).toFixed(1)} %)`)
    log(`worst p99 against minute 1: ×${drift.toFixed(2)}`)
    const maxWal = Math.max(...r.slices.map((s) => s.walMb))
    log(
      `database file: ${first.dbMb.toFixed(1)} MB → ${last.dbMb.toFixed(1)} MB for ${requests} requests (${bytesPerRequest.toFixed(0)} bytes per request after minute 1); WAL at most ${maxWal.toFixed(1)} MB`,
    )
    for (const t of r.tables.slice(0, 6))
      log(
        `  ${t.table.padEnd(14)} ${(t.bytes / 1024 / 1024).toFixed(1).padStart(8)} MB  ${String(t.rows).padStart(9)} rows  ${t.rows ? (t.bytes / t.rows).toFixed(0) : '-'} B/row (indexes included)`,
      )
    log(`errors: ${r.slices.reduce((n, s) => n + s.errors + s.non2xx, 0)}`)
    log(`\n${growth < 0.1 ? 'met   ' : 'MISSED'}  RSS growth after warm-up < 10 %`)
    log(`${drift <= 2 ? 'met   ' : 'MISSED'}  p99 within 2 × its first-minute value`)
    log(
      `${maxWal <= 80 ? 'met   ' : 'MISSED'}  WAL bounded (at most ${maxWal.toFixed(1)} MB; it starts over after each checkpoint catch-up)`,
    )
  } else {
    const tool: LoadTool = pickTool(values.tool as LoadTool | undefined)
    let throughput: KindResult[] = []
    let latency: LatencyResult[] = []
    if (values.only !== 'latency') {
      const options = {
        tool,
        connections: Number(values.connections),
        durationS: Number(values.duration),
        rounds: Number(values.rounds),
        warmupS: Number(values.warmup),
        threads: Number(values.threads),
        kinds: values.kind ? [values.kind as Kind] : (['non-streaming', 'streaming'] as Kind[]),
      }
      log(
        `\n== throughput: ${tool}, ${options.connections} connections, ${options.rounds} × ${options.durationS} s per target and kind (after ${options.warmupS} s warm-up)`,
      )
      throughput = await runThroughput(world, options, log)
    }
    if (values.only !== 'throughput') {
      log(`\n== added latency at concurrency 1: ${values.requests} requests per path, mock direct, floor and gateway interleaved`)
      latency = await runLatency(world, Number(values.requests), log)
    }
    if (throughput.length) log(['', 'throughput (median round):', ...throughputTable(throughput)].join('\n'))
    if (latency.length) log(['', 'concurrency 1 (ms):', ...latencyTable(latency)].join('\n'))
    const targets: Target[] = targetsOf(throughput, latency)
    log(['', 'targets:', ...targetLines(targets)].join('\n'))
    log(
      `\nload average at the end: ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')} (other work on the machine makes figures noisy)`,
    )
  }
} finally {
  await stop()
}
