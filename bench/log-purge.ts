// The purge figure on a realistic database: 1M log rows (request ids as the server makes them) in a WAL file,
// purged while a client sends chat requests one after another. Run: node_modules/.bin/bun run bench/log-purge.ts [rows]
// The target (formerly a unit test): no batch holds the event loop for 50 ms or more, and requests during
// the purge keep p99 under 50 ms. It prints the longest batch and every event-loop block over 50 ms, and
// exits 1 when the target is missed. Wall-clock figures: run it on a quiet machine.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock } from '../src/clock'
import { newRequestId } from '../src/ids'
import { chatBody, post, startHub } from '../test/helpers'

const ROWS = Number(process.argv[2] ?? 1_000_000)
const dir = mkdtempSync(join(tmpdir(), 'token-hub-purge-'))
const clock = new ManualClock()
const hub = await startHub({ sqlitePath: join(dir, 'hub.db'), config: { limits: { account_rpm: 10_000_000 } }, deps: { clock } })
const { key } = await hub.account({ balanceUsd: '1000.00', key: { rpm: 10_000_000 } })

const insert = hub.hub.store.db.query(`
  INSERT INTO request_log (request_id, ts, account_id, key_id, route, model, provider, status, error_code,
    prompt_tokens, completion_tokens, cost_micros, latency_ms, ttfb_ms, stream, client_ip, attempts)
  VALUES (?, ?, ?, ?, '/v1/chat/completions', 'gpt-4o-mini', 'mock', 200, NULL, 12, 30, 20, 8.5, NULL, 0, '127.0.0.1', NULL)`)
const oldest = clock.now() - 30 * 86_400_000
let started = performance.now()
hub.hub.store.db.transaction(() => {
  for (let i = 0; i < ROWS; i++) insert.run(newRequestId(oldest + i), oldest + i, `acct_${i % 97}`, `key_${i % 997}`)
})()
console.log(`inserted ${ROWS} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`)

/** Sends chat requests one after another until `until()` is true; returns their latencies, sorted. */
async function requestLoop(until: () => boolean): Promise<number[]> {
  const latencies: number[] = []
  while (!until()) {
    const t = performance.now()
    await (await post(hub, '/v1/chat/completions', key, chatBody(`request ${latencies.length}`))).arrayBuffer()
    latencies.push(performance.now() - t)
  }
  return latencies.sort((a, b) => a - b)
}
const summary = (latencies: number[]) => {
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(1)
  const slow = latencies.filter((ms) => ms > 50).length
  return `${latencies.length} chat requests: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms, ${slow} over 50 ms`
}

// Baseline: the same requests for 5 s with no purge running (the disk is still settling the insert).
const baselineEnd = performance.now() + 5_000
const baseline = await requestLoop(() => performance.now() > baselineEnd)
console.log(`without purge: ${summary(baseline)}`)

/** Event-loop blocks: gaps between ticks of a 5 ms interval, beyond the 5 ms, longer than 50 ms. */
function blockMonitor() {
  const blocks: number[] = []
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    const late = now - last - 5
    if (late > 50) blocks.push(late)
    last = now
  }, 5)
  return {
    stop() {
      clearInterval(timer)
      return blocks
    },
  }
}

const countRows = () => hub.hub.store.db.query<{ n: number }, []>('SELECT COUNT(*) AS n FROM request_log').get()!.n
let done = false
started = performance.now()
const monitor = blockMonitor()
const purge = hub.hub.retention.runOnce().finally(() => {
  done = true
})
const during = await requestLoop(() => done)
const report = await purge
const blocks = monitor.stop()
console.log(
  `purged ${report.deleted} rows in ${(report.totalMs / 1000).toFixed(1)} s, ${report.batches} batches, longest batch ${report.maxBatchMs.toFixed(1)} ms wall, ${report.maxBatchCpuMs.toFixed(1)} ms CPU`,
)
console.log(`during purge: ${summary(during)}`)
console.log(
  `event-loop blocks over 50 ms during the purge: ${blocks.length}` +
    (blocks.length ? ` (${blocks.map((ms) => ms.toFixed(1)).join(', ')} ms)` : ''),
)

// The target. The batch figure is CPU time on this thread: wall time also counts the CPU the OS gave to
// other processes mid-batch, which on a shared machine alone sends requests past 50 ms now and then.
const p99 = during[Math.min(during.length - 1, Math.floor(during.length * 0.99))] ?? 0
// Only the ROWS seeded rows were old enough to go; every request's own row stays (once its write has landed).
await Bun.sleep(100)
const kept = countRows() === baseline.length + during.length
const checks: [string, boolean][] = [
  [`all ${ROWS} expired rows purged, requests' rows kept`, report.deleted === ROWS && kept],
  [`longest batch < 50 ms CPU (${report.maxBatchCpuMs.toFixed(1)} ms)`, report.maxBatchCpuMs < 50],
  [`requests during the purge p99 < 50 ms (${p99.toFixed(1)} ms)`, p99 < 50],
]
for (const [what, ok] of checks) console.log(`${ok ? 'met   ' : 'MISSED'} ${what}`)
await hub.close()
rmSync(dir, { recursive: true, force: true })
if (checks.some(([, ok]) => !ok)) process.exitCode = 1
