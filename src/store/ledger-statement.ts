// An account's statement: every ledger entry but charges, and charges summed per UTC day between them.
import type { Database } from 'bun:sqlite'
import { DAY_MS } from '../clock'
import { ledgerEntryFromRow, type LedgerEntry } from './ledger'

/** A statement line: one non-charge entry, or the charges of one day (between two other entries). */
export type StatementLine =
  | { kind: 'entry'; entry: LedgerEntry }
  | { kind: 'charges'; day: number; count: number; amountMicros: number; balanceAfterMicros: number; lastId: number }

export interface LedgerStatementStore {
  /** Lines of entries in [from, to), oldest first; charges are summed, so the count follows the days, not the calls. */
  statement(accountId: string, from: number, to: number): Promise<StatementLine[]>
}

type EntryRow = Parameters<typeof ledgerEntryFromRow>[0]

export function sqliteLedgerStatementStore(db: Database): LedgerStatementStore {
  // Through the partial index of non-charge entries (ledger_account_marks): charges are not walked.
  const marks = db.query<EntryRow, [string, number, number]>(
    `SELECT * FROM ledger INDEXED BY ledger_account_marks WHERE account_id = ? AND type != 'charge' AND created_at >= ? AND created_at < ? ORDER BY id`,
  )
  // Charges between two entry ids, per day; the last id gives the balance after the day's charges.
  const charges = db.query<
    { day: number; n: number; amount: number; last_id: number },
    [number, number, string, number, number, number, number]
  >(`
    SELECT (created_at / ?) * ? AS day, COUNT(*) AS n, SUM(amount_micros) AS amount, MAX(id) AS last_id FROM ledger
    WHERE account_id = ? AND type = 'charge' AND id > ? AND id < ? AND created_at >= ? AND created_at < ?
    GROUP BY day ORDER BY day`)
  const balanceAfter = db.query<{ balance_after_micros: number }, [number]>('SELECT balance_after_micros FROM ledger WHERE id = ?')
  return {
    async statement(accountId, from, to) {
      const lines: StatementLine[] = []
      let previous = 0
      const gap = (until: number) => {
        for (const c of charges.all(DAY_MS, DAY_MS, accountId, previous, until, from, to)) {
          lines.push({
            kind: 'charges',
            day: c.day,
            count: c.n,
            amountMicros: c.amount,
            balanceAfterMicros: balanceAfter.get(c.last_id)!.balance_after_micros,
            lastId: c.last_id,
          })
        }
      }
      for (const row of marks.all(accountId, from, to)) {
        gap(row.id)
        previous = row.id
        lines.push({ kind: 'entry', entry: ledgerEntryFromRow(row) })
      }
      gap(Number.MAX_SAFE_INTEGER)
      return lines
    },
  }
}
