// Holds: money reserved for requests in flight, placed, settled and released atomically (group-committed).
import type { Database } from 'bun:sqlite'
import type { GroupCommit } from './group-commit'
import { keySpendOps, type KeySpend } from './key-spend'
import { ledgerRecorder, type LedgerEntry } from './ledger'

export interface Hold {
  id: string
  accountId: string
  keyId: string | null
  requestId: string
  amountMicros: number
  createdAt: number
}

export type PlaceHoldResult =
  | { ok: true; hold: Hold }
  | { ok: false; reason: 'insufficient_balance' | 'account_not_found' }
  | { ok: false; reason: 'key_budget_exceeded'; spend: KeySpend }

export interface SettleResult {
  /** The charge entry; null when the cost was zero (nothing changed, so nothing is recorded). */
  entry: LedgerEntry | null
  /** What the hold had reserved. */
  heldMicros: number
}

export interface HoldStore {
  /**
   * Reserves `amountMicros` against the account's available balance (balance − open holds) and
   * the key's window budget (spent + open holds ≤ budget), or neither. Each check and its
   * reservation are one conditional UPDATE, and the whole operation runs alone in its own
   * savepoint of an IMMEDIATE transaction (see group-commit.ts), so concurrent requests can never
   * both pass on the same money.
   */
  place(hold: Hold): Promise<PlaceHoldResult>
  /**
   * Resolves the hold by charging `costMicros`; a cost above the hold is charged in full (the
   * overrun is noted on the entry). Returns null if the hold was already resolved: a hold
   * resolves once.
   */
  settle(holdId: string, costMicros: number, at: number): Promise<SettleResult | null>
  /** Resolves the hold without charge. False if it was already resolved. */
  release(holdId: string): Promise<boolean>
  /** Releases every open hold (at start: nothing is in flight yet). Returns how many. */
  releaseAll(): Promise<number>
  /** Releases holds placed before `before` (a request cannot outlive its timeouts). */
  releaseOlderThan(before: number): Promise<number>
  countOpen(): Promise<number>
}

/** Thrown inside a transaction to roll it back with a reason. */
class Refused extends Error {
  constructor(readonly result: PlaceHoldResult) {
    super('refused')
  }
}

export function sqliteHoldStore(db: Database, batch: GroupCommit): HoldStore {
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
  // A settlement frees the hold and charges the balance in one statement.
  const charge = db.query<{ balance_micros: number }, { accountId: string; held: number; cost: number }>(
    'UPDATE accounts SET held_micros = held_micros - $held, balance_micros = balance_micros - $cost WHERE id = $accountId RETURNING balance_micros',
  )
  const record = ledgerRecorder(db)
  const keys = keySpendOps(db)
  const olderThan = db.query<{ id: string }, [number]>('SELECT id FROM holds WHERE created_at < ?')
  const count = db.query<{ n: number }, []>('SELECT COUNT(*) AS n FROM holds')
  const deleteAll = db.query('DELETE FROM holds')
  const clearAccounts = db.query('UPDATE accounts SET held_micros = 0 WHERE held_micros <> 0')
  const clearKeys = db.query('UPDATE key_spend SET held_micros = 0 WHERE held_micros <> 0')

  // place, settle and release are plain functions: the group commit runs each in its own savepoint.
  const place = (hold: Hold): PlaceHoldResult => {
    if (reserve.run({ accountId: hold.accountId, amount: hold.amountMicros }).changes === 0) {
      return { ok: false, reason: accountExists.get(hold.accountId) ? 'insufficient_balance' : 'account_not_found' }
    }
    if (hold.keyId !== null) {
      const budget = keys.reserve(hold.keyId, hold.amountMicros, hold.createdAt)
      // Undo the account's reservation with the rest of the transaction.
      if (!budget.ok) throw new Refused({ ok: false, reason: 'key_budget_exceeded', spend: budget.spend })
    }
    insert.run({ ...hold })
    return { ok: true, hold }
  }

  const settle = (holdId: string, costMicros: number, at: number): SettleResult | null => {
    const taken = take.get(holdId)
    if (!taken) return null
    if (taken.key_id !== null) keys.charge(taken.key_id, taken.amount_micros, costMicros, at)
    if (costMicros === 0) {
      unreserve.run({ accountId: taken.account_id, amount: taken.amount_micros })
      return { entry: null, heldMicros: taken.amount_micros }
    }
    const { balance_micros } = charge.get({ accountId: taken.account_id, held: taken.amount_micros, cost: costMicros })!
    const overrun = costMicros - taken.amount_micros
    const entry = record(
      {
        accountId: taken.account_id,
        type: 'charge',
        amountMicros: -costMicros,
        requestId: taken.request_id,
        keyId: taken.key_id,
        note: overrun > 0 ? `overrun: cost ${costMicros} µUSD exceeded the ${taken.amount_micros} µUSD hold by ${overrun}` : null,
        createdAt: at,
      },
      balance_micros,
    )
    return { entry, heldMicros: taken.amount_micros }
  }

  const release = (holdId: string): boolean => {
    const taken = take.get(holdId)
    if (!taken) return false
    unreserve.run({ accountId: taken.account_id, amount: taken.amount_micros })
    if (taken.key_id !== null) keys.release(taken.key_id, taken.amount_micros)
    return true
  }

  const releaseOlderThan = db.transaction((before: number) => {
    let released = 0
    for (const { id } of olderThan.all(before)) if (release(id)) released++
    return released
  })

  // Nothing is in flight: every reservation goes, and the held columns are reset outright, which
  // also repairs any drift between them and the holds table.
  const releaseAll = db.transaction(() => {
    const released = deleteAll.run().changes
    clearAccounts.run()
    clearKeys.run()
    return released
  })

  return {
    async place(hold) {
      try {
        return await batch.run(() => place(hold))
      } catch (error) {
        if (error instanceof Refused) return error.result
        throw error
      }
    },
    settle: (holdId, costMicros, at) => batch.run(() => settle(holdId, costMicros, at)),
    release: (holdId) => batch.run(() => release(holdId)),
    async releaseAll() {
      return releaseAll.immediate()
    },
    async releaseOlderThan(before) {
      return releaseOlderThan.immediate(before)
    },
    async countOpen() {
      return count.get()!.n
    },
  }
}
