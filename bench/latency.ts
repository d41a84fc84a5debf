// Latency mode: one request at a time, gateway and floor against the mock direct, interleaved on keep-alive sockets.
import { chatBody, CHAT_PATH, type Kind } from './bodies'
import { headerOf, quantile, RawConnection, type RawAnswer } from './raw-client'
import type { BenchWorld } from './setup'

export interface Percentiles {
  p50: number
  p99: number
}

export interface PathLatency {
  total: Percentiles
  /** First byte of the body (for a stream, the first chunk). */
  ttfb: Percentiles
}

export interface LatencyResult {
  kind: Kind
  requests: number
  direct: PathLatency
  /** The raw Bun proxy: what any extra hop costs, for comparison. */
  floor: PathLatency
  gateway: PathLatency
  /** The gateway's own `Server-Timing` figures (median, ms). */
  serverTiming: Record<string, number>
  failures: number
}

const percentiles = (samples: number[]): Percentiles => ({ p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) })

/** `gateway-pre;dur=0.120, upstream;dur=0.800` → { 'gateway-pre': 0.12, upstream: 0.8 } */
export function parseServerTiming(value: string | null): Record<string, number> {
  const out: Record<string, number> = {}
  for (const part of (value ?? '').split(',')) {
    const match = /^\s*([\w-]+);dur=([\d.]+)/.exec(part)
    if (match) out[match[1]!] = Number(match[2])
  }
  return out
}

const complete = (kind: Kind, answer: RawAnswer) =>
  answer.status === 200 && (kind === 'non-streaming' ? answer.body.includes('"usage"') : answer.body.includes('data: [DONE]'))

export async function runLatency(world: BenchWorld, requests: number, progress: (line: string) => void): Promise<LatencyResult[]> {
  const results: LatencyResult[] = []
  const port = (url: string) => Number(new URL(url).port)
  for (const kind of ['non-streaming', 'streaming'] as const) {
    const direct = await RawConnection.open('127.0.0.1', port(world.mock.url))
    const floor = await RawConnection.open('127.0.0.1', port(world.floor.url))
    const gateway = await RawConnection.open('127.0.0.1', port(world.gateway.url))
    const body = chatBody(kind)
    const toMock = RawConnection.post(CHAT_PATH, body, {})
    const toGateway = RawConnection.post(CHAT_PATH, body, { authorization: `Bearer ${world.key}` })
    const samples = { direct: [] as RawAnswer[], floor: [] as RawAnswer[], gateway: [] as RawAnswer[] }
    const timings: Record<string, number[]> = {}
    let failures = 0
    const warmup = Math.min(500, Math.max(50, requests >> 2))
    for (let i = 0; i < warmup + requests; i++) {
      // Interleaved one by one, so any drift of the machine touches both paths alike.
      const d = await direct.request(toMock)
      const f = await floor.request(toGateway)
      const g = await gateway.request(toGateway)
      if (!complete(kind, d) || !complete(kind, f) || !complete(kind, g)) failures++
      if (i < warmup) continue
      samples.direct.push(d)
      samples.floor.push(f)
      samples.gateway.push(g)
      for (const [name, ms] of Object.entries(parseServerTiming(headerOf(g.head, 'server-timing')))) {
        timings[name] ??= []
        timings[name].push(ms)
      }
    }
    direct.close()
    floor.close()
    gateway.close()
    const path = (answers: RawAnswer[]): PathLatency => ({
      total: percentiles(answers.map((a) => a.totalMs)),
      ttfb: percentiles(answers.map((a) => a.ttfbMs)),
    })
    const serverTiming = Object.fromEntries(Object.entries(timings).map(([name, values]) => [name, quantile(values, 0.5)]))
    const result: LatencyResult = {
      kind,
      requests,
      direct: path(samples.direct),
      floor: path(samples.floor),
      gateway: path(samples.gateway),
      serverTiming,
      failures,
    }
    results.push(result)
    progress(
      `  ${kind} c=1: direct p50 ${result.direct.total.p50.toFixed(3)} ms, floor ${result.floor.total.p50.toFixed(3)} ms, gateway ${result.gateway.total.p50.toFixed(3)} ms, ` +
        `TTFB direct ${result.direct.ttfb.p50.toFixed(3)} / gateway ${result.gateway.ttfb.p50.toFixed(3)} ms, failures ${failures}`,
    )
  }
  return results
}
