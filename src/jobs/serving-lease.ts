// The serving lease: a row that tells other processes (the CLI) that a server serves this database, and how to reach it.
import type { Clock } from '../clock'
import type { Store } from '../store'

/** The settings key of the lease. */
export const SERVING_LEASE_KEY = 'serving_lease'
/** How often a serving process renews its lease. */
export const LEASE_RENEW_MS = 5_000
/** A lease not renewed for this long belongs to a process that died without clearing it. */
export const LEASE_STALE_MS = 4 * LEASE_RENEW_MS

export interface ServingLease {
  /** The admin API's base URL, reachable on this machine. */
  url: string
  pid: number
  /**
   * A secret the server accepts as its admin token for this run. Whoever can read the database
   * can already move its money directly; this lets the CLI go through the server instead.
   */
  token: string
  /** When the lease was last renewed (ms since the epoch). */
  at: number
}

/**
 * Writes the lease now and renews it on a timer until `stop()`, which clears it. Holds live in
 * the serving process's memory, so a command that moves money must go through that process while
 * this lease is fresh (see cli/admin.ts).
 */
export function startServingLease(store: Store, lease: Omit<ServingLease, 'at'>, clock: Clock) {
  const renew = () =>
    store.settings.set(SERVING_LEASE_KEY, JSON.stringify({ ...lease, at: clock.now() })).catch((error) => {
      // A locked or full database: the next renewal tries again, well within the stale limit.
      console.error('serving lease renewal failed:', (error as Error).message)
    })
  const timer = setInterval(() => void renew(), LEASE_RENEW_MS)
  timer.unref?.()
  return {
    ready: renew(),
    async stop() {
      clearInterval(timer)
      await store.settings.delete(SERVING_LEASE_KEY)
    },
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as { code?: string }).code === 'EPERM'
  }
}

/** The lease of a server serving this database now, or null when none is (none written, stale, or its process gone). */
export async function readServingLease(store: Store, now: number, isAlive: (pid: number) => boolean = alive): Promise<ServingLease | null> {
  const raw = await store.settings.get(SERVING_LEASE_KEY)
  if (!raw) return null
  let lease: ServingLease
  try {
    lease = JSON.parse(raw) as ServingLease
  } catch {
    return null
  }
  if (typeof lease.at !== 'number' || now - lease.at > LEASE_STALE_MS) return null
  if (typeof lease.pid !== 'number' || !isAlive(lease.pid)) return null
  return lease
}
