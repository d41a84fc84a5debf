// The ledger reduced to what credit-lot accounting needs: lot events in order, charges summed between them.
import type { Database } from 'bun:sqlite'

/**
 * One step of an account's history, oldest first:
 * - `credit`: a top-up (a lot; `expiresAt` null for credit that never expires) or another positive entry;
 * - `lot`: an entry that names its lot (an expiry, a refund, a refund reverted), signed;
 * - `debit`: everything else that took money (charges, negative adjustments), summed between lot events.
 */
export type LotHistoryEntry =
  | { kind: 'credit'; entryId: number; topupId: string | null; amountMicros: number; expiresAt: number | null; at: number }
  | { kind: 'lot'; entryId: number; topupId: string; amountMicros: number }
  | { kind: 'debit'; amountMicros: number }

type Row = {
  id: number
  type: string
  amount_micros: number
  balance_after_micros: number
  topup_id: string | null
  created_at: number
  lot_expires_at: number | null
  is_lot: number
}

/**
 * Reads an account's lot history with one query for the non-charge entries (through the partial
 * index `ledger_account_marks`) and no scan of the charges between them: every entry stores the
 * balance after it, and between two non-charge entries there are only charges, so their sum is the
 * difference of two balances. Its cost follows the number of top-ups and adjustments, not of requests.
 */
export function sqliteLotHistory(db: Database) {
  const marks = db.query<Row, [string]>(`
    SELECT l.id, l.type, l.amount_micros, l.balance_after_micros, l.topup_id, l.created_at, t.lot_expires_at, (t.id IS NOT NULL) AS is_lot
    FROM ledger l LEFT JOIN topups t ON t.id = l.topup_id
    WHERE l.account_id = ? AND l.type != 'charge' ORDER BY l.id`)
  const newest = db.query<{ id: number; balance_after_micros: number }, [string]>(
    'SELECT id, balance_after_micros FROM ledger WHERE account_id = ? ORDER BY id DESC LIMIT 1',
  )
  return (accountId: string): LotHistoryEntry[] => {
    const out: LotHistoryEntry[] = []
    // The balance after the previous non-charge entry (0 before the account's first entry).
    let after = 0
    /** The charges between the previous mark and a point whose balance (before it) is `before`. */
    const gap = (before: number) => {
      const total = before - after
      if (total !== 0) out.push({ kind: 'debit', amountMicros: -total })
    }
    let lastMark = 0
    for (const row of marks.all(accountId)) {
      gap(row.balance_after_micros - row.amount_micros)
      after = row.balance_after_micros
      lastMark = row.id
      if (row.type === 'topup' && row.amount_micros > 0) {
        out.push({
          kind: 'credit',
          entryId: row.id,
          topupId: row.topup_id,
          amountMicros: row.amount_micros,
          expiresAt: row.is_lot ? row.lot_expires_at : null,
          at: row.created_at,
        })
      } else if (row.topup_id !== null && row.is_lot && row.type !== 'topup') {
        out.push({ kind: 'lot', entryId: row.id, topupId: row.topup_id, amountMicros: row.amount_micros })
      } else if (row.amount_micros > 0) {
        out.push({ kind: 'credit', entryId: row.id, topupId: null, amountMicros: row.amount_micros, expiresAt: null, at: row.created_at })
      } else if (row.amount_micros < 0) {
        out.push({ kind: 'debit', amountMicros: -row.amount_micros })
      }
    }
    const last = newest.get(accountId)
    if (last && last.id > lastMark) gap(last.balance_after_micros)
    return out
  }
}
