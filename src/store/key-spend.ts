// Key budgets: what each key spent in its current window and holds open, in one row per key.
import type { Database } from 'bun:sqlite'

export const DAY_MS = 86_400_000

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
type SpendRow = { window_start: number; spent_micros: number; held_micros: number }

/**
 * The statements the hold store runs inside its own transactions, so a key's window spend moves
 * in the same commit as the account's balance and held amount.
 */
export function keySpendOps(db: Database) {
  const keyRow = db.query<KeyRow, [string]>('SELECT budget_micros, budget_window_days, created_at FROM api_keys WHERE id = ?')
  const spendRow = db.query<SpendRow, [string]>('SELECT window_start, spent_micros, held_micros FROM key_spend WHERE key_id = ?')
  // Moves the row into the current window (spend starts over; open holds stay).
  const roll = db.query(`
    INSERT INTO key_spend (key_id, window_start) VALUES ($keyId, $start)
    ON CONFLICT (key_id) DO UPDATE SET
      spent_micros = CASE WHEN window_start < excluded.window_start THEN 0 ELSE spent_micros END,
      window_start = MAX(window_start, excluded.window_start)`)
  const reserve = db.query(`
    UPDATE key_spend SET held_micros = held_micros + $amount
    WHERE key_id = $keyId AND ($budget IS NULL OR spent_micros + held_micros + $amount <= $budget)`)
  const unreserve = db.query('UPDATE key_spend SET held_micros = held_micros - $amount WHERE key_id = $keyId')
  const charge = db.query('UPDATE key_spend SET held_micros = held_micros - $held, spent_micros = spent_micros + $cost WHERE key_id = $keyId')

  const windowOf = (keyId: string, now: number) => {
    const key = keyRow.get(keyId)
    return key ? { key, ...budgetWindow(key.created_at, key.budget_window_days, now) } : null
  }

  const read = (keyId: string, now: number): KeySpend | null => {
    const window = windowOf(keyId, now)
    if (!window) return null
    const row = spendRow.get(keyId)
    const current = row !== null && row.window_start >= window.start
    return {
      keyId,
      budgetMicros: window.key.budget_micros,
      windowDays: window.key.budget_window_days,
      windowStart: window.start,
      windowEnd: window.end,
      spentMicros: current ? row.spent_micros : 0,
      heldMicros: row?.held_micros ?? 0,
    }
  }

  return {
    read,
    /** Adds `amount` to the key's holds if its window budget allows; unknown keys have no budget. */
    reserve(keyId: string, amount: number, now: number): { ok: true } | { ok: false; spend: KeySpend } {
      const window = windowOf(keyId, now)
      if (!window) return { ok: true }
      roll.run({ keyId, start: window.start })
      if (reserve.run({ keyId, amount, budget: window.key.budget_micros }).changes > 0) return { ok: true }
      return { ok: false, spend: read(keyId, now)! }
    },
    release(keyId: string, amount: number): void {
      unreserve.run({ keyId, amount })
    },
    /** Resolves a hold of `held` into a charge of `cost`, counted in the window containing `now`. */
    charge(keyId: string, held: number, cost: number, now: number): void {
      const window = windowOf(keyId, now)
      if (!window) return
      roll.run({ keyId, start: window.start })
      charge.run({ keyId, held, cost })
    },
  }
}

export function sqliteKeySpendStore(db: Database): KeySpendStore {
  const ops = keySpendOps(db)
  return {
    async get(keyId, now) {
      return ops.read(keyId, now)
    },
  }
}
