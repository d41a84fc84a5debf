// What an account spent: charges summed over a period and by UTC day, from the ledger.
import { DAY_MS } from '../clock'
import type { Database } from 'bun:sqlite'

export interface SpendStore {
  /** Micro-USD charged in [from, to), as a positive number. */
  between(accountId: string, from: number, to: number): Promise<number>
  /** Micro-USD charged per UTC day since `from` (days without charges are absent). */
  byDay(accountId: string, from: number, to: number): Promise<Array<{ day: number; micros: number }>>
}

export function sqliteSpendStore(db: Database): SpendStore {
  const total = db.query<{ total: number }, [string, number, number]>(`
    SELECT COALESCE(-SUM(amount_micros), 0) AS total FROM ledger
    WHERE account_id = ? AND type = 'charge' AND created_at >= ? AND created_at < ?`)
  const daily = db.query<{ day: number; micros: number }, [number, number, string, number, number]>(`
    SELECT (created_at / ?) * ? AS day, -SUM(amount_micros) AS micros FROM ledger
    WHERE account_id = ? AND type = 'charge' AND created_at >= ? AND created_at < ?
    GROUP BY day ORDER BY day`)
  return {
    async between(accountId, from, to) {
      return total.get(accountId, from, to)!.total
    },
    async byDay(accountId, from, to) {
      return daily.all(DAY_MS, DAY_MS, accountId, from, to)
    },
  }
}
