// The money module: hold, settle, release, credit, available balance and key window spend behind one interface.
import type { MoneyStore } from '../store'
import { isConnectionError } from '../store/postgres/connect'
import type { Hold } from '../store/holds'
import type { LedgerEntry } from '../store/ledger'
import type { Clock } from '../clock'
import { formatUsd } from './usd'
import { newHoldId } from '../ids'
import { placeHold, settleHold } from './holds'
import { keySpendOf, type KeySpend } from './key-budget'

export type HoldOutcome =
  | { ok: true; hold: Hold }
  | { ok: false; code: 'insufficient_balance' | 'key_budget_exceeded' | 'key_expired' | 'store_unavailable'; message: string }

export interface HoldInput {
  accountId: string
  keyId: string
  requestId: string
  /** The request's estimated maximum cost. */
  amountMicros: number
}

/** A credit to an account outside any request: a manual credit or correction (signed). */
export interface CreditInput {
  accountId: string
  type: 'topup' | 'adjustment'
  amountMicros: number
  note?: string | null
}

/**
 * The money module's interface: every implementation (SQLite with holds in this process's memory
 * today; a shared store across instances later) passes the same conformance suites
 * (test/money/conformance/, over the implementations listed in implementations.ts). Nothing here
 * assumes where holds live.
 *
 * The money path of a request: `hold` runs before any upstream call; exactly one of `settle` or
 * `release` follows (later calls for the same hold are no-ops).
 *
 * @example
 * const outcome = await billing.hold({ accountId, keyId, requestId, amountMicros: 10_000 })
 * if (!outcome.ok) throw new GatewayError(outcome.code, outcome.message)
 * try { answer = await callUpstream() } catch (e) { await billing.release(outcome.hold); throw e }
 * const { micros, remainderPicos } = splitPicos(exactCost(model, answer.usage).picos)
 * await billing.settle(outcome.hold, micros, remainderPicos)
 */
export interface Billing {
  hold(input: HoldInput): Promise<HoldOutcome>
  /**
   * Charges the real cost (in full, even above the hold): `costMicros`, and `remainderPicos`
   * (0 ≤ r < 10⁶ pico-USD) carried with the account's earlier remainders, whose every whole
   * micro-dollar is charged here. Returns what was charged (0 if the hold was already resolved).
   */
  settle(hold: Hold, costMicros: number, remainderPicos?: number): Promise<number>
  /** Gives the whole hold back; false if it was already resolved. */
  release(hold: Hold): Promise<boolean>
  /** The key's spend in its current budget window. */
  keySpend(keyId: string): Promise<KeySpend | null>
  /** Credits (or, negative, debits) the account; null if there is no such account. */
  credit(input: CreditInput): Promise<LedgerEntry | null>
  /** What new holds may take now (balance + writes not yet landed − open holds); null if no such account. */
  available(accountId: string): Promise<number | null>
}

const iso = (ms: number) => new Date(ms).toISOString()

function budgetMessage(spend: KeySpend, amountMicros: number): string {
  return (
    `This key's budget of $${formatUsd(spend.budgetMicros ?? 0)} per ${spend.windowDays} day(s) would be exceeded: ` +
    `$${formatUsd(spend.spentMicros)} spent and $${formatUsd(spend.heldMicros)} held by requests in flight this window, ` +
    `and this request may cost up to $${formatUsd(amountMicros)}. The window resets at ${iso(spend.windowEnd)}.`
  )
}

export function createBilling(store: MoneyStore, clock: Clock): Billing {
  return {
    async hold(input) {
      // A call that could not be billed is not started: refused before any upstream call.
      const problem = store.writeProblem()
      if (problem) {
        return { ok: false, code: 'store_unavailable', message: `Money cannot be recorded right now (${problem}); retry shortly.` }
      }
      const hold: Hold = {
        id: newHoldId(),
        accountId: input.accountId,
        keyId: input.keyId,
        requestId: input.requestId,
        amountMicros: input.amountMicros,
        createdAt: clock.now(),
      }
      let placed: Awaited<ReturnType<typeof placeHold>>
      try {
        placed = await placeHold(store.holds, hold)
      } catch (error) {
        // A shared database that cannot be reached: refused like a store that cannot be written.
        if (!isConnectionError(error)) throw error
        return {
          ok: false,
          code: 'store_unavailable',
          message: `Money cannot be recorded right now (${(error as Error).message}); retry shortly.`,
        }
      }
      if (placed.ok) return placed
      switch (placed.reason) {
        case 'key_budget_exceeded':
          return { ok: false, code: 'key_budget_exceeded', message: budgetMessage(placed.spend, input.amountMicros) }
        case 'account_not_found':
          return { ok: false, code: 'key_expired', message: "This API key's account has been deleted." }
        case 'insufficient_balance':
          return {
            ok: false,
            code: 'insufficient_balance',
            message: `Insufficient balance: this request may cost up to $${formatUsd(input.amountMicros)} and the account's available balance is lower. Top up or lower max_tokens.`,
          }
      }
    },
    async settle(hold, costMicros, remainderPicos = 0) {
      const settled = await settleHold(store.holds, hold.id, costMicros, clock.now(), remainderPicos)
      return settled ? settled.chargedMicros : 0
    },
    async release(hold) {
      return store.holds.release(hold.id)
    },
    async keySpend(keyId) {
      const now = clock.now()
      const record = await store.keySpend.read(keyId)
      return record ? keySpendOf(record, now) : null
    },
    async credit(input) {
      return store.ledger.append({ ...input, createdAt: clock.now() })
    },
    async available(accountId) {
      const account = await store.accounts.get(accountId)
      return account && account.deletedAt === null ? account.availableMicros : null
    },
  }
}
