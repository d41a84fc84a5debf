// Releases holds older than any request can live, so a hold lost by a bug never locks money for good.
import type { Config } from '../config/schema'
import type { HoldStore } from '../store/holds'
import type { Clock } from '../clock'

/** Slack on top of the timeouts: settling, logging and a loaded machine. */
const GRACE_MS = 60_000

/**
 * The age past which a hold cannot belong to a live request. Each upstream attempt has its own
 * timeout (a model and each of its fallbacks), and a stream's relay ends by its own deadline of
 * `stream_timeout_s` after the first frame; a request therefore ends within
 * (longest chain + 1) × the longer timeout, and its hold is settled or released before that.
 */
export function holdTtlMs(config: Config): number {
  const longestChain = 1 + Math.max(0, ...config.models.map((m) => m.fallbacks?.length ?? 0))
  const attemptS = Math.max(config.upstream.timeout_s, config.upstream.stream_timeout_s)
  return (longestChain + 1) * attemptS * 1000 + GRACE_MS
}

export interface HoldSweeper {
  /** Releases the expired holds now; returns how many. */
  sweep(): Promise<number>
  stop(): void
}

/**
 * Sweeps every `intervalMs` (default: a tenth of the TTL, at most a minute). Holds left by a crash
 * are released at start (`releaseAll`); this covers what a running process could leak.
 */
export function startHoldSweeper(options: { holds: HoldStore; clock: Clock; ttlMs: number; intervalMs?: number }): HoldSweeper {
  const { holds, clock, ttlMs } = options
  const sweep = async () => {
    const released = await holds.releaseOlderThan(clock.now() - ttlMs)
    if (released > 0) console.warn(`released ${released} hold(s) older than ${Math.round(ttlMs / 1000)} s`)
    return released
  }
  const timer = setInterval(
    () => {
      sweep().catch((error) => console.error('hold sweep failed:', (error as Error).message))
    },
    options.intervalMs ?? Math.min(60_000, Math.ceil(ttlMs / 10)),
  )
  timer.unref?.()
  return { sweep, stop: () => clearInterval(timer) }
}
