// Billing of one request: hold the estimated maximum, then settle at real usage or release.
import type { Store } from '../store'
import type { Hold } from '../store/holds'
import type { Clock } from './clock'
import { formatUsd } from './money'
import { newHoldId } from './ids'

export type HoldOutcome =
  | { ok: true; hold: Hold }
  | { ok: false; code: 'insufficient_balance' | 'key_budget_exceeded'; message: string }

export interface HoldInput {
  accountId: string
  keyId: string
  requestId: string
  /** The request's estimated maximum cost. */
  amountMicros: number
}

/**
 * The money path of a request. `hold` runs before any upstream call; exactly one of `settle` or
 * `release` follows (later calls for the same hold are no-ops).
 */
export interface Billing {
  hold(input: HoldInput): Promise<HoldOutcome>
  /** Charges the real cost; returns what was charged (0 if the hold was already resolved). */
  settle(hold: Hold, costMicros: number): Promise<number>
  release(hold: Hold): Promise<void>
}

export function createBilling(store: Store, clock: Clock): Billing {
  return {
    async hold(input) {
      const hold: Hold = {
        id: newHoldId(),
        accountId: input.accountId,
        keyId: input.keyId,
        requestId: input.requestId,
        amountMicros: input.amountMicros,
        createdAt: clock.now(),
      }
      const placed = await store.holds.place(hold)
      if (placed.ok) return placed
      return {
        ok: false,
        code: 'insufficient_balance',
        message: `Insufficient balance: this request may cost up to $${formatUsd(input.amountMicros)} and the account's available balance is lower. Top up or lower max_tokens.`,
      }
    },
    async settle(hold, costMicros) {
      const settled = await store.holds.settle(hold.id, costMicros, clock.now())
      return settled ? costMicros : 0
    },
    async release(hold) {
      await store.holds.release(hold.id)
    },
  }
}
