// Key budgets: the window a key's spend counts in, what it spent there, and whether more fits.
import { DAY_MS } from '../clock'
import type { KeyBudgetTerms, KeySpendRecord, RecordedKeySpend } from '../store/key-spend'

/** The budget window containing `now`: windows of `days` days anchored at the key's creation. */
export function budgetWindow(createdAt: number, days: number, now: number): { start: number; end: number } {
  const length = Math.max(1, days) * DAY_MS
  const start = createdAt + Math.max(0, Math.floor((now - createdAt) / length)) * length
  return { start, end: start + length }
}

export interface KeySpend {
  keyId: string
  /** The key's ceiling per window; null = no budget (spend is still counted). */
  budgetMicros: number | null
  windowDays: number
  windowStart: number
  /** When the window resets (the next window starts). */
  windowEnd: number
  /** Settled charges in the current window. */
  spentMicros: number
  /** Open holds of the key; they count against the budget until settled or released. */
  heldMicros: number
}

/** The key's spend in the window containing `now`: recorded spend of an earlier window counts as none. */
export function keySpendOf(record: KeySpendRecord, now: number): KeySpend {
  return spendIn(record, record, now)
}

function spendIn(key: KeyBudgetTerms, recorded: RecordedKeySpend, now: number): KeySpend {
  const window = budgetWindow(key.keyCreatedAt, key.windowDays, now)
  const current = recorded.spendWindowStart !== null && recorded.spendWindowStart >= window.start
  return {
    keyId: key.keyId,
    budgetMicros: key.budgetMicros,
    windowDays: key.windowDays,
    windowStart: window.start,
    windowEnd: window.end,
    spentMicros: (current ? recorded.spentMicros : 0) + recorded.pendingMicros,
    heldMicros: recorded.heldMicros,
  }
}

/**
 * Whether `amount` more fits the key's window budget (spent + held + amount ≤ budget); unknown keys
 * and keys without a budget always fit. Most keys have none, so their spend is read only when needed.
 */
export function fitsKeyBudget(
  key: KeyBudgetTerms | null,
  spend: () => RecordedKeySpend,
  amount: number,
  now: number,
): { ok: true } | { ok: false; spend: KeySpend } {
  if (key === null || key.budgetMicros === null) return { ok: true }
  const current = spendIn(key, spend(), now)
  if (current.spentMicros + current.heldMicros + amount <= key.budgetMicros) return { ok: true }
  return { ok: false, spend: current }
}

/** The rule a store counts a charge made at `at` by: the start of the key's window containing it. */
export const chargeWindowAt =
  (at: number) =>
  (key: KeyBudgetTerms): number =>
    budgetWindow(key.keyCreatedAt, key.windowDays, at).start
