// The hold rules: what an account has available, whether a hold fits, and the window its charge counts in.
import type { AccountFunds, Hold, HoldFacts, HoldStore, SettleResult } from '../store/holds'
import { chargeWindowAt, fitsKeyBudget, type KeySpend } from './key-budget'

export type PlaceHoldResult =
  | { ok: true; hold: Hold }
  | { ok: false; reason: 'insufficient_balance' | 'account_not_found' }
  | { ok: false; reason: 'key_budget_exceeded'; spend: KeySpend }

/**
 * The one rule for an account's available money: its written balance, plus changes called for and
 * not yet written, minus what requests in flight hold. Holds, refunds and every view use it.
 */
export function availableMicros(funds: AccountFunds): number {
  return funds.balanceMicros + funds.pendingMicros - funds.heldMicros
}

/**
 * Whether a debit outside any request (an operator's adjustment) may be taken: never from money
 * requests in flight hold, since they were admitted against it. With nothing held an operator may
 * still take an account below zero, as a correction can need.
 */
export function debitTakesNoHeldMoney(funds: AccountFunds, debitMicros: number): boolean {
  return funds.heldMicros === 0 || availableMicros(funds) + debitMicros >= 0
}

/**
 * Whether `hold` may be placed: the account exists, its available money covers the hold, and the
 * key's window budget covers it too (spent + open holds + this one ≤ budget). The key's window is
 * the one containing the hold's `createdAt`.
 */
export function decideHold(facts: HoldFacts, hold: Hold): PlaceHoldResult {
  if (facts.account === null) return { ok: false, reason: 'account_not_found' }
  if (availableMicros(facts.account) < hold.amountMicros) return { ok: false, reason: 'insufficient_balance' }
  const budget = fitsKeyBudget(facts.key(), facts.keySpend, hold.amountMicros, hold.createdAt)
  if (!budget.ok) return { ok: false, reason: 'key_budget_exceeded', spend: budget.spend }
  return { ok: true, hold }
}

/**
 * Places the hold if it fits. The store reads the facts, runs the rule and reserves in one atomic
 * step (SQLite: synchronously on the one thread; a shared store: in one transaction), so
 * concurrent requests can never both pass on the same money.
 */
export function placeHold(holds: HoldStore, hold: Hold): Promise<PlaceHoldResult> {
  return holds.place(hold, (facts) => decideHold(facts, hold))
}

/**
 * Settles the hold at `costMicros` and `remainderPicos` below the micro-dollar (carried per
 * account), the key's charge counted in the window containing `at`. Null if it was already resolved.
 */
export function settleHold(
  holds: HoldStore,
  holdId: string,
  costMicros: number,
  at: number,
  remainderPicos = 0,
): Promise<SettleResult | null> {
  return holds.settle(holdId, costMicros, at, chargeWindowAt(at), remainderPicos)
}
