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
  topup_id: string | null
  created_at: number
  lot_expires_at: number | null
  is_lot: number
}

/**
 * Reads an account's lot history with one query for the non-charge entries and one range sum per gap
 * between them, so its cost follows the number of top-ups and adjustments, not of requests.
 */
export function sqliteLotHistory(db: Database) {
  const marks = db.query<Row, [string]>(`
    SELECT l.id, l.type, l.amount_micros, l.topup_id, l.created_at, t.lot_expires_at, (t.id IS NOT NULL) AS is_lot
    FROM ledger l LEFT JOIN topups t ON t.id = l.topup_id
    WHERE l.account_id = ? AND l.type != 'charge' ORDER BY l.id`)
  const charges = db.query<{ total: number }, [string, number, number]>(
    `SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger WHERE account_id = ? AND id > ? AND id < ? AND type = 'charge'`,
  )
  return (accountId: string): LotHistoryEntry[] => {
    const out: LotHistoryEntry[] = []
    let previous = 0
    const gap = (until: number) => {
      const total = charges.get(accountId, previous, until)!.total
      if (total !== 0) out.push({ kind: 'debit', amountMicros: -total })
    }
    for (const row of marks.all(accountId)) {
      gap(row.id)
      previous = row.id
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
    gap(Number.MAX_SAFE_INTEGER)
    return out
  }
}
