// An account's statement: every ledger entry but charges, and charges summed per UTC day between them.
import type { Database } from 'bun:sqlite'
import { DAY_MS } from '../clock'
import { ledgerEntryFromRow, type LedgerEntry } from './ledger'

/** A statement line: one non-charge entry, or the charges of one day (between two other entries). */
export type StatementLine =
  | { kind: 'entry'; entry: LedgerEntry }
  | { kind: 'charges'; day: number; amountMicros: number; balanceAfterMicros: number; lastId: number }

export interface LedgerStatementStore {
  /** Lines of entries in [from, to), oldest first; charges are summed, so the count follows the days, not the calls. */
  statement(accountId: string, from: number, to: number): Promise<StatementLine[]>
}

type EntryRow = Parameters<typeof ledgerEntryFromRow>[0]
type Bound = { id: number; balance_after_micros: number; amount_micros: number }

export function sqliteLedgerStatementStore(db: Database): LedgerStatementStore {
  // Through the partial index of non-charge entries (ledger_account_marks): charges are not walked.
  const marks = db.query<EntryRow, [string, number, number]>(
    `SELECT * FROM ledger INDEXED BY ledger_account_marks WHERE account_id = ? AND type != 'charge' AND created_at >= ? AND created_at < ? ORDER BY id`,
  )
  // Between two non-charge entries there are only charges, so a day's run of them is summed by
  // the balances of its first and last entry: two index seeks per day, never a scan of the charges.
  const first = db.query<Bound, [string, number, number, number, number]>(`
    SELECT id, balance_after_micros, amount_micros FROM ledger INDEXED BY ledger_account_time
    WHERE account_id = ? AND created_at >= ? AND created_at < ? AND id > ? AND id < ? ORDER BY created_at, id LIMIT 1`)
  const last = db.query<Bound, [string, number, number, number, number]>(`
    SELECT id, balance_after_micros, amount_micros FROM ledger INDEXED BY ledger_account_time
    WHERE account_id = ? AND created_at >= ? AND created_at < ? AND id > ? AND id < ? ORDER BY created_at DESC, id DESC LIMIT 1`)
  return {
    async statement(accountId, from, to) {
      const lines: StatementLine[] = []
      let previous = 0
      let previousAt = from
      /** The charges after the previous mark and before entry `until` (at time `untilAt`), one line per day. */
      const gap = (until: number, untilAt: number) => {
        // Entries are written in call order with the time of the call, so the gap's charges come at or
        // after the mark before it; a minute of slack covers another process's clock (the CLI's).
        for (let day = Math.floor((previousAt - 60_000) / DAY_MS) * DAY_MS; day < Math.min(to, untilAt + 60_000); day += DAY_MS) {
          const start = Math.max(day, from)
          const end = Math.min(day + DAY_MS, to)
          if (start >= end) continue
          const a = first.get(accountId, start, end, previous, until)
          if (!a) continue
          const b = last.get(accountId, start, end, previous, until)!
          lines.push({
            kind: 'charges',
            day,
            amountMicros: b.balance_after_micros - (a.balance_after_micros - a.amount_micros),
            balanceAfterMicros: b.balance_after_micros,
            lastId: b.id,
          })
        }
      }
      for (const row of marks.all(accountId, from, to)) {
        gap(row.id, row.created_at)
        previous = row.id
        previousAt = Math.max(from, row.created_at)
        lines.push({ kind: 'entry', entry: ledgerEntryFromRow(row) })
      }
      gap(Number.MAX_SAFE_INTEGER, to)
      return lines
    },
  }
}
