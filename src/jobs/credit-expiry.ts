// The periodic housekeeping of credit: top-up lots past their 12 months are written off.
import type { Clock } from '../clock'
import type { Store } from '../store'
import { lotRemaining } from '../money/credit-lots'

export interface ExpiryRun {
  /** Lots examined and closed. */
  lots: number
  /** Micro-USD written off in `expiry` entries. */
  expiredMicros: number
}

export interface CreditExpiry {
  /** Expires every lot due at the clock's now; safe to call at any time, any number of times. */
  runOnce(): Promise<ExpiryRun>
  /** Runs `runOnce` every `intervalMs` until stopped (the timer does not keep the process alive). */
  start(intervalMs: number): () => void
}

export function createCreditExpiry(store: Store, clock: Clock): CreditExpiry {
  let running: Promise<ExpiryRun> | null = null
  const run = async (): Promise<ExpiryRun> => {
    const result: ExpiryRun = { lots: 0, expiredMicros: 0 }
    const now = clock.now()
    for (;;) {
      const due = await store.topups.dueLots(now, 100)
      let progressed = false
      for (const lot of due) {
        // The unused part is decided inside the write transaction, against the ledger as it is then.
        const expired = await store.topups.expireLot(lot.id, now, (topup, history) =>
          topup.lotExpiredAt !== null ? { ok: false, reason: 'already expired' } : { ok: true, value: lotRemaining(history, topup.id) },
        )
        if (!expired.ok) continue
        progressed = true
        result.lots++
        result.expiredMicros += expired.entry ? -expired.entry.amountMicros : 0
      }
      if (!progressed || due.length < 100) return result
    }
  }
  const runOnce = () => {
    // One run at a time: a slow run and the next tick must not expire the same lot twice.
    running ??= run().finally(() => {
      running = null
    })
    return running
  }
  return {
    runOnce,
    start(intervalMs) {
      const timer = setInterval(() => {
        runOnce().catch((error) => console.error('credit expiry run failed:', error))
      }, intervalMs)
      timer.unref?.()
      return () => clearInterval(timer)
    },
  }
}
