// Holds: money reserved for requests in flight, placed, settled and released in single transactions.
import type { Database } from 'bun:sqlite'
import { ledgerAppender, type LedgerEntry } from './ledger'

export interface Hold {
  id: string
  accountId: string
  keyId: string | null
  requestId: string
  amountMicros: number
  createdAt: number
}

export type PlaceHoldResult = { ok: true; hold: Hold } | { ok: false; reason: 'insufficient_balance' | 'account_not_found' }

export interface HoldStore {
  /**
   * Reserves `amountMicros` if balance − open holds covers it; check and reserve are one
   * conditional UPDATE, so concurrent requests can never both pass on the same money.
   */
  place(hold: Hold): Promise<PlaceHoldResult>
  /**
   * Resolves the hold by charging `costMicros` (which may exceed the hold: the overrun is
   * charged in full). Returns null if the hold was already resolved: a hold settles once.
   */
  settle(holdId: string, costMicros: number, at: number, note?: string): Promise<{ entry: LedgerEntry | null } | null>
  /** Resolves the hold without charge. False if it was already resolved. */
  release(holdId: string): Promise<boolean>
  /** Releases every open hold (at start: nothing is in flight yet). Returns how many. */
  releaseAll(): Promise<number>
  /** Releases holds older than `before` (a request cannot outlive its timeouts). */
  releaseOlderThan(before: number): Promise<number>
  countOpen(): Promise<number>
}

export function sqliteHoldStore(db: Database): HoldStore {
  const reserve = db.query(`
    UPDATE accounts SET held_micros = held_micros + $amount
    WHERE id = $accountId AND deleted_at IS NULL AND balance_micros - held_micros >= $amount`)
  const accountExists = db.query<{ one: number }, [string]>('SELECT 1 AS one FROM accounts WHERE id = ? AND deleted_at IS NULL')
  const insert = db.query(`
    INSERT INTO holds (id, account_id, key_id, request_id, amount_micros, created_at)
    VALUES ($id, $accountId, $keyId, $requestId, $amountMicros, $createdAt)`)
  const take = db.query<{ account_id: string; key_id: string | null; request_id: string; amount_micros: number }, [string]>(
    'DELETE FROM holds WHERE id = ? RETURNING account_id, key_id, request_id, amount_micros',
  )
  const unreserve = db.query('UPDATE accounts SET held_micros = held_micros - $amount WHERE id = $accountId')
  const appendEntry = ledgerAppender(db)
  const open = db.query<{ id: string }, [number]>('SELECT id FROM holds WHERE created_at < ?')
  const count = db.query<{ n: number }, []>('SELECT COUNT(*) AS n FROM holds')

  const place = db.transaction((hold: Hold): PlaceHoldResult => {
    if (reserve.run({ accountId: hold.accountId, amount: hold.amountMicros }).changes === 0) {
      return { ok: false, reason: accountExists.get(hold.accountId) ? 'insufficient_balance' : 'account_not_found' }
    }
    insert.run({ ...hold })
    return { ok: true, hold }
  })

  const settle = db.transaction((holdId: string, costMicros: number, at: number, note?: string) => {
    const taken = take.get(holdId)
    if (!taken) return null
    unreserve.run({ accountId: taken.account_id, amount: taken.amount_micros })
    if (costMicros === 0) return { entry: null }
    const entry = appendEntry({
      accountId: taken.account_id,
      type: 'charge',
      amountMicros: -costMicros,
      requestId: taken.request_id,
      keyId: taken.key_id,
      note: note ?? null,
      createdAt: at,
    })
    return { entry }
  })

  const release = db.transaction((holdId: string) => {
    const taken = take.get(holdId)
    if (!taken) return false
    unreserve.run({ accountId: taken.account_id, amount: taken.amount_micros })
    return true
  })

  const releaseOlderThan = db.transaction((before: number) => {
    let released = 0
    for (const { id } of open.all(before)) if (release(id)) released++
    return released
  })

  return {
    async place(hold) {
      return place(hold)
    },
    async settle(holdId, costMicros, at, note) {
      return settle(holdId, costMicros, at, note)
    },
    async release(holdId) {
      return release(holdId)
    },
    async releaseAll() {
      return releaseOlderThan(Number.MAX_SAFE_INTEGER)
    },
    async releaseOlderThan(before) {
      return releaseOlderThan(before)
    },
    async countOpen() {
      return count.get()!.n
    },
  }
}
