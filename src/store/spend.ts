// What an account spent: charges summed over a period and by UTC day, from the ledger's balances.
import { DAY_MS } from '../clock'
import type { Database } from 'bun:sqlite'

export interface SpendStore {
  /** Micro-USD charged in [from, to), as a positive number. */
  between(accountId: string, from: number, to: number): Promise<number>
  /** Micro-USD charged per UTC day since `from` (days without charges are absent). */
  byDay(accountId: string, from: number, to: number): Promise<Array<{ day: number; micros: number }>>
}

/**
 * Every entry stores the balance after it, so the charges of a period are the balance's change over
 * it less the other entries (top-ups, refunds, expiries, adjustments: few, through their partial
 * index): two index seeks and a short sum per period, however many charges it holds. Entries are
 * written in call order with the time of the call, so the newest entry before a time is the balance then.
 */
export function sqliteSpendStore(db: Database): SpendStore {
  const balanceBefore = db.query<{ balance_after_micros: number }, [string, number]>(`
    SELECT balance_after_micros FROM ledger INDEXED BY ledger_account_time
    WHERE account_id = ? AND created_at < ? ORDER BY created_at DESC, id DESC LIMIT 1`)
  const others = db.query<{ total: number }, [string, number, number]>(`
    SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger INDEXED BY ledger_account_marks
    WHERE account_id = ? AND type != 'charge' AND created_at >= ? AND created_at < ?`)
  const balanceAt = (accountId: string, at: number) => balanceBefore.get(accountId, at)?.balance_after_micros ?? 0
  const charged = (accountId: string, from: number, to: number) =>
    -(balanceAt(accountId, to) - balanceAt(accountId, from) - others.get(accountId, from, to)!.total)
  return {
    async between(accountId, from, to) {
      return charged(accountId, from, to)
    },
    async byDay(accountId, from, to) {
      const days: Array<{ day: number; micros: number }> = []
      for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
        const micros = charged(accountId, Math.max(day, from), Math.min(day + DAY_MS, to))
        if (micros !== 0) days.push({ day, micros })
      }
      return days
    },
  }
}
