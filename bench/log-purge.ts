// The purge figure on a realistic database: 1M log rows (request ids as the server makes them) in a WAL file,
// purged while a client sends chat requests one after another. Run: node_modules/.bin/bun run bench/log-purge.ts
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
console.log(`without purge: ${summary(await requestLoop(() => performance.now() > baselineEnd))}`)

let done = false
started = performance.now()
const purge = hub.hub.retention.runOnce().finally(() => {
  done = true
})
const during = await requestLoop(() => done)
const report = await purge
console.log(`purged ${report.deleted} rows in ${(report.totalMs / 1000).toFixed(1)} s, ${report.batches} batches, longest batch ${report.maxBatchMs.toFixed(1)} ms wall, ${report.maxBatchCpuMs.toFixed(1)} ms CPU`)
console.log(`during purge: ${summary(during)}`)
await hub.close()
rmSync(dir, { recursive: true, force: true })
