// Key spend: each key's budget terms and what it spent in its latest window, in one row per key.
import type { Database } from 'bun:sqlite'
import type { HoldBook } from '../money/hold-book'

/** A key's budget: its ceiling and the windows it is counted in, anchored at the key's creation. */
export interface KeyBudgetTerms {
  keyId: string
  /** The key's ceiling per window; null = no budget. */
  budgetMicros: number | null
  windowDays: number
  keyCreatedAt: number
}

/** What a key spent and holds, as recorded. */
export interface RecordedKeySpend {
  /** The window the written spend was counted in; null before the key's first charge. */
  spendWindowStart: number | null
  /** Written charges in that window. */
  spentMicros: number
  /** Charges by the key called for and not yet written. */
  pendingMicros: number
  /** Open holds of the key. */
  heldMicros: number
}

/** A key's budget and spend as recorded; the rules that read them are in money/key-budget.ts. */
export type KeySpendRecord = KeyBudgetTerms & RecordedKeySpend

export interface KeySpendStore {
  /** The key's budget terms and recorded spend; null for an unknown key. */
  read(keyId: string): Promise<KeySpendRecord | null>
}

type TermsRow = { budget_micros: number | null; budget_window_days: number; created_at: number }
type SpendRow = { window_start: number; spent_micros: number }

/**
 * What the hold store reads and writes of a key's spend. Open holds, and charges called for but
 * not yet written, are in the hold book.
 */
export function keySpendOps(db: Database, book: HoldBook) {
  const termsRow = db.query<TermsRow, [string]>('SELECT budget_micros, budget_window_days, created_at FROM api_keys WHERE id = ?')
  const spendRow = db.query<SpendRow, [string]>('SELECT window_start, spent_micros FROM key_spend WHERE key_id = ?')
  // Adds a charge to its window; a row from an earlier window starts over.
  const charge = db.query(`
    INSERT INTO key_spend (key_id, window_start, spent_micros) VALUES ($keyId, $start, $cost)
    ON CONFLICT (key_id) DO UPDATE SET
      spent_micros = CASE WHEN window_start < excluded.window_start THEN excluded.spent_micros ELSE spent_micros + excluded.spent_micros END,
      window_start = MAX(window_start, excluded.window_start)`)

  const terms = (keyId: string): KeyBudgetTerms | null => {
    const row = termsRow.get(keyId)
    return row ? { keyId, budgetMicros: row.budget_micros, windowDays: row.budget_window_days, keyCreatedAt: row.created_at } : null
  }
  const spend = (keyId: string): RecordedKeySpend => {
    const row = spendRow.get(keyId)
    return {
      spendWindowStart: row?.window_start ?? null,
      spentMicros: row?.spent_micros ?? 0,
      pendingMicros: book.keyPending(keyId),
      heldMicros: book.keyHeld(keyId),
    }
  }

  return {
    terms,
    spend,
    read(keyId: string): KeySpendRecord | null {
      const key = terms(keyId)
      return key ? { ...key, ...spend(keyId) } : null
    },
    /** Adds `cost` to the key's spend in the window `windowOf` picks from its terms; an unknown key records nothing. */
    charge(keyId: string, cost: number, windowOf: (terms: KeyBudgetTerms) => number): void {
      const key = terms(keyId)
      if (key) charge.run({ keyId, start: windowOf(key), cost })
    },
  }
}

export function sqliteKeySpendStore(db: Database, book: HoldBook): KeySpendStore {
  const ops = keySpendOps(db, book)
  return {
    async read(keyId) {
      return ops.read(keyId)
    },
  }
}
