// Holds: money reserved for requests in flight, placed in memory, settled into the ledger (group-committed).
import { assertMicros } from '../money/usd'
import type { Database } from 'bun:sqlite'
import type { GroupCommit } from './group-commit'
import type { HoldBook } from '../money/hold-book'
import { keySpendOps, type KeyBudgetTerms, type RecordedKeySpend } from './key-spend'
import { ledgerRecorder, type LedgerEntry } from './ledger'

const PICOS_PER_MICRO = 1_000_000

export interface Hold {
  id: string
  accountId: string
  keyId: string | null
  requestId: string
  amountMicros: number
  createdAt: number
}

/** An account's money as recorded, with what is called for and held beside it. */
export interface AccountFunds {
  /** The written balance. */
  balanceMicros: number
  /** Balance changes called for and not yet written. */
  pendingMicros: number
  /** What open holds reserve. */
  heldMicros: number
}

/** What a hold is decided on (the rule is money/holds.ts `decideHold`). */
export interface HoldFacts {
  /** Null when the account does not exist or was deleted. */
  account: AccountFunds | null
  /**
   * The hold's key's budget; null for a hold without a key, or an unknown key. The key's facts are
   * read when asked: a refusal for money never reads them, and only a key with a budget needs its spend.
   */
  key(): KeyBudgetTerms | null
  keySpend(): RecordedKeySpend
}

export interface SettleResult {
  /** The charge entry; null when the cost was zero (nothing changed, so nothing is recorded). */
  entry: LedgerEntry | null
  /** What the hold had reserved. */
  heldMicros: number
  /** What was charged: the cost's whole micro-USD, plus one when the account's carried remainder passed a micro-dollar. */
  chargedMicros: number
}

export interface HoldStore {
  /**
   * Reads the facts the hold is decided on, asks `decide`, and reserves the hold if it says ok;
   * returns its answer. Reading, deciding and reserving are one step (here: synchronous, on the
   * one thread that places holds), so concurrent requests can never both pass on the same money.
   * Open holds are kept in memory (see hold-book.ts).
   */
  place<D extends { ok: boolean }>(hold: Hold, decide: (facts: HoldFacts) => D): Promise<D>
  /**
   * Resolves the hold by charging `costMicros` and `remainderPicos` (0 ≤ r < 10⁶) more: the
   * remainder joins the account's carried sub-micro-dollar amount, and each whole micro-dollar
   * it makes is charged with this request, so the ledger never falls a micro-dollar behind the
   * exact sum of costs; a cost above the hold is charged in full (the
   * overrun is noted on the entry). The key's spend is counted in the window `windowOf` picks.
   * Returns null if the hold was already resolved: a hold resolves once, when this is called;
   * from then until the charge is written, checks count the charge as pending, so the money is
   * counted once and never zero times.
   */
  settle(
    holdId: string,
    costMicros: number,
    at: number,
    windowOf: (key: KeyBudgetTerms) => number,
    remainderPicos?: number,
  ): Promise<SettleResult | null>
  /** Resolves the hold without charge. False if it was already resolved. */
  release(holdId: string): Promise<boolean>
  /**
   * Releases every open hold (at start nothing is in flight). Returns how many were open in this
   * process.
   */
  releaseAll(): Promise<number>
  /** Releases holds placed before `before` (a request cannot outlive its timeouts). */
  releaseOlderThan(before: number): Promise<number>
  countOpen(): Promise<number>
}

export function sqliteHoldStore(db: Database, batch: GroupCommit, book: HoldBook): HoldStore {
  const funds = db.query<{ balance_micros: number }, [string]>('SELECT balance_micros FROM accounts WHERE id = ? AND deleted_at IS NULL')
  const charge = db.query<{ balance_micros: number }, { accountId: string; cost: number }>(
    'UPDATE accounts SET balance_micros = balance_micros - $cost WHERE id = $accountId RETURNING balance_micros',
  )
  const carried = db.query<{ charge_remainder_picos: number }, [string]>('SELECT charge_remainder_picos FROM accounts WHERE id = ?')
  const carry = db.query('UPDATE accounts SET charge_remainder_picos = $picos WHERE id = $accountId')
  const record = ledgerRecorder(db)
  const keys = keySpendOps(db, book)
  const facts = (hold: Hold): HoldFacts => {
    const account = funds.get(hold.accountId)
    const keyId = hold.keyId
    return {
      account: account ? book.funds(hold.accountId, account.balance_micros) : null,
      key: () => (keyId === null ? null : keys.terms(keyId)),
      keySpend: () => keys.spend(keyId!),
    }
  }

  // Writes a charge taken from the book at call time; runs inside the group commit.
  const write = (hold: Hold, cost: number, remainderPicos: number, at: number, windowOf: (key: KeyBudgetTerms) => number): SettleResult => {
    let costMicros = cost
    if (remainderPicos > 0) {
      // Read and written in this transaction: the carry moves in the order charges commit.
      const total = (carried.get(hold.accountId)?.charge_remainder_picos ?? 0) + remainderPicos
      costMicros += Math.floor(total / PICOS_PER_MICRO)
      carry.run({ accountId: hold.accountId, picos: total % PICOS_PER_MICRO })
    }
    if (costMicros === 0) return { entry: null, heldMicros: hold.amountMicros, chargedMicros: 0 }
    if (hold.keyId !== null) keys.charge(hold.keyId, costMicros, windowOf)
    const { balance_micros } = charge.get({ accountId: hold.accountId, cost: costMicros })!
    const overrun = costMicros - hold.amountMicros
    const entry = record(
      {
        accountId: hold.accountId,
        type: 'charge',
        amountMicros: -costMicros,
        requestId: hold.requestId,
        keyId: hold.keyId,
        note: overrun > 0 ? `overrun: cost ${costMicros} µUSD exceeded the ${hold.amountMicros} µUSD hold by ${overrun}` : null,
        createdAt: at,
      },
      balance_micros,
    )
    return { entry, heldMicros: hold.amountMicros, chargedMicros: costMicros }
  }

  const settle: HoldStore['settle'] = async (holdId, costMicros, at, windowOf, remainderPicos = 0) => {
    // Before the book or the database sees it: a cost that is not a count of micro-USD, or a
    // negative one (a charge that would credit), is refused and the hold stays open for release.
    assertMicros(costMicros, 'a charge')
    if (costMicros < 0) throw new Error(`refused to write a charge of ${costMicros} µUSD: a charge is never a credit`)
    if (!Number.isSafeInteger(remainderPicos) || remainderPicos < 0 || remainderPicos >= PICOS_PER_MICRO) {
      throw new Error(`refused to carry ${remainderPicos} pico-USD: a remainder is a whole number below one micro-USD`)
    }
    const hold = book.take(holdId)
    if (!hold) return null
    if (costMicros === 0 && remainderPicos === 0) return { entry: null, heldMicros: hold.amountMicros, chargedMicros: 0 }
    // The most this can charge: the carry adds at most one micro-dollar, and only with a remainder.
    const most = costMicros + (remainderPicos > 0 ? 1 : 0)
    book.addPending(hold.accountId, -most, hold.keyId, most)
    // Pending until the write has committed: the database has the charge from then on (or, if
    // the op itself fails, never will; the request then fails and nothing is charged, as for a
    // release). A database that cannot be written keeps it pending and retries.
    return batch.run(
      () => write(hold, costMicros, remainderPicos, at, windowOf),
      () => book.removePending(hold.accountId, -most, hold.keyId, most),
    )
  }

  return {
    async place(hold, decide) {
      const decision = decide(facts(hold))
      if (decision.ok) book.add(hold)
      return decision
    },
    settle,
    // A release writes nothing: the reservation is only in memory.
    async release(holdId) {
      return book.take(holdId) !== null
    },
    async releaseAll() {
      return book.clear()
    },
    async releaseOlderThan(before) {
      let released = 0
      for (const hold of book.olderThan(before)) if (book.take(hold.id)) released++
      return released
    },
    async countOpen() {
      return book.size
    },
  }
}
