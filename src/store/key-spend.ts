// Key budgets: what each key spent in its current window and holds open, in one row per key.
import { DAY_MS } from '../clock'
import type { Database } from 'bun:sqlite'
import type { HoldBook } from '../money/hold-book'

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

export interface KeySpendStore {
  /** The key's spend in the window containing `now`; null for an unknown key. */
  get(keyId: string, now: number): Promise<KeySpend | null>
}

type KeyRow = { budget_micros: number | null; budget_window_days: number; created_at: number }
type SpendRow = { window_start: number; spent_micros: number }

/**
 * What the hold store reads and writes of a key's spend. Open holds, and charges called for but
 * not yet written, are in the hold book.
 */
export function keySpendOps(db: Database, book: HoldBook) {
  const keyRow = db.query<KeyRow, [string]>('SELECT budget_micros, budget_window_days, created_at FROM api_keys WHERE id = ?')
  const spendRow = db.query<SpendRow, [string]>('SELECT window_start, spent_micros FROM key_spend WHERE key_id = ?')
  // Adds a charge to the window containing it; a row from an earlier window starts over.
  const charge = db.query(`
    INSERT INTO key_spend (key_id, window_start, spent_micros) VALUES ($keyId, $start, $cost)
    ON CONFLICT (key_id) DO UPDATE SET
      spent_micros = CASE WHEN window_start < excluded.window_start THEN excluded.spent_micros ELSE spent_micros + excluded.spent_micros END,
      window_start = MAX(window_start, excluded.window_start)`)

  const windowOf = (keyId: string, now: number) => {
    const key = keyRow.get(keyId)
    return key ? budgetWindow(key.created_at, key.budget_window_days, now) : null
  }

  /** The spend of a key whose row was read already. */
  const spendOf = (keyId: string, key: KeyRow, now: number): KeySpend => {
    const window = budgetWindow(key.created_at, key.budget_window_days, now)
    const row = spendRow.get(keyId)
    const current = row !== null && row.window_start >= window.start
    return {
      keyId,
      budgetMicros: key.budget_micros,
      windowDays: key.budget_window_days,
      windowStart: window.start,
      windowEnd: window.end,
      spentMicros: (current ? row.spent_micros : 0) + book.keyPending(keyId),
      heldMicros: book.keyHeld(keyId),
    }
  }

  return {
    read(keyId: string, now: number): KeySpend | null {
      const key = keyRow.get(keyId)
      return key ? spendOf(keyId, key, now) : null
    },
    /** Whether `amount` more fits the key's window budget; unknown keys and keys without a budget always fit. */
    fits(keyId: string, amount: number, now: number): { ok: true } | { ok: false; spend: KeySpend } {
      // Most keys have no budget: one lookup decides, without reading the spend row.
      const key = keyRow.get(keyId)
      if (!key || key.budget_micros === null) return { ok: true }
      const spend = spendOf(keyId, key, now)
      if (spend.spentMicros + spend.heldMicros + amount <= key.budget_micros) return { ok: true }
      return { ok: false, spend }
    },
    /** Counts a charge of `cost` in the window containing `now`. */
    charge(keyId: string, cost: number, now: number): void {
      const window = windowOf(keyId, now)
      if (window) charge.run({ keyId, start: window.start, cost })
    },
  }
}

export function sqliteKeySpendStore(db: Database, book: HoldBook): KeySpendStore {
  const ops = keySpendOps(db, book)
  return {
    async get(keyId, now) {
      return ops.read(keyId, now)
    },
  }
}
