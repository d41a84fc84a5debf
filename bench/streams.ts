// Streams mode: thousands of concurrent open streams against a slow (dripping) mock: errors and RSS.
import { chatBody, CHAT_PATH } from './bodies'
import { memoryMb, resetPeakRss } from './procs'
import { quantile, RawConnection, type RawAnswer } from './raw-client'
import { dripModel, type BenchWorld } from './setup'

export interface StreamsResult {
  streams: number
  dripMs: number
  completed: number
  /** Connection failures, non-200 answers, bodies without the terminator. */
  errors: number
  errorSamples: string[]
  /** Most connections open at the same moment (sent, not yet finished). */
  maxOpen: number
  /** Most streams flowing at the same moment: first chunk received, last not yet. */
  maxFlowing: number
  ttfbP50Ms: number
  ttfbP99Ms: number
  durationP50Ms: number
  wallS: number
  peakRssMb: number
  rssBeforeMb: number
}

/** Opens `count` streams at once (each on its own connection) and waits for all of them, bounded. */
export async function runStreams(
  world: BenchWorld,
  count: number,
  dripMs: number,
  progress: (line: string) => void,
): Promise<StreamsResult> {
  const pid = world.gateway.proc.pid
  const port = Number(new URL(world.gateway.url).port)
  const request = RawConnection.post(CHAT_PATH, chatBody('streaming', dripModel(dripMs)), { authorization: `Bearer ${world.key}` })
  const rssBeforeMb = memoryMb(pid, 'VmRSS')
  resetPeakRss(pid)
  let open = 0
  let maxOpen = 0
  const errorSamples: string[] = []
  const answers: RawAnswer[] = []
  const started = performance.now()
  const sampler = setInterval(() => progress(`  ${open} streams open, gateway RSS ${memoryMb(pid, 'VmRSS').toFixed(1)} MB`), 2000)

  const one = async () => {
    let conn: RawConnection | null = null
    try {
      conn = await RawConnection.open('127.0.0.1', port)
      open++
      maxOpen = Math.max(maxOpen, open)
      const answer = await Promise.race([
        conn.request(request),
        Bun.sleep(180_000).then(() => {
          throw new Error('no end within 180 s')
        }),
      ])
      if (answer.status !== 200 || !answer.body.includes('data: [DONE]'))
        throw new Error(`status ${answer.status}: ${answer.body.slice(0, 200)}`)
      answers.push(answer)
    } catch (error) {
      if (errorSamples.length < 5) errorSamples.push((error as Error).message)
      return false
    } finally {
      if (conn) open--
      conn?.close()
    }
    return true
  }

  const outcomes = await Promise.all(Array.from({ length: count }, one))
  clearInterval(sampler)
  const failed = outcomes.filter((ok) => !ok).length
  // Sweep over [first byte, end] of every stream for the deepest overlap.
  const edges = answers.flatMap((a) => [
    { at: a.sentAt + a.ttfbMs, step: 1 },
    { at: a.sentAt + a.totalMs, step: -1 },
  ])
  edges.sort((x, y) => x.at - y.at || x.step - y.step)
  let flowing = 0
  let maxFlowing = 0
  for (const edge of edges) {
    flowing += edge.step
    maxFlowing = Math.max(maxFlowing, flowing)
  }
  return {
    streams: count,
    dripMs,
    completed: answers.length,
    errors: failed,
    errorSamples,
    maxOpen,
    maxFlowing,
    ttfbP50Ms: quantile(
      answers.map((a) => a.ttfbMs),
      0.5,
    ),
    ttfbP99Ms: quantile(
      answers.map((a) => a.ttfbMs),
      0.99,
    ),
    durationP50Ms: quantile(
      answers.map((a) => a.totalMs),
      0.5,
    ),
    wallS: (performance.now() - started) / 1000,
    peakRssMb: memoryMb(pid, 'VmHWM'),
    rssBeforeMb,
  }
}
