// The ledger: every balance change is one entry, written in the same transaction as the balance.
import type { AccountFunds } from './holds'
import { assertMicros } from '../money/usd'
import type { Database } from 'bun:sqlite'
import type { GroupCommit } from './group-commit'
import type { HoldBook } from '../money/hold-book'

export type LedgerType = 'topup' | 'charge' | 'refund' | 'adjustment' | 'expiry'

export interface LedgerEntry {
  id: number
  accountId: string
  type: LedgerType
  amountMicros: number
  balanceAfterMicros: number
  requestId: string | null
  topupId: string | null
  keyId: string | null
  note: string | null
  createdAt: number
}

export interface NewLedgerEntry {
  accountId: string
  type: LedgerType
  /** Signed: positive credits the account, negative debits it. */
  amountMicros: number
  requestId?: string | null
  topupId?: string | null
  keyId?: string | null
  note?: string | null
  createdAt: number
}

export interface LedgerPage {
  entries: LedgerEntry[]
  /** Pass as `before` to get the next (older) page; null on the last page. */
  nextBefore: number | null
}

export type ConditionalAppend =
  | { ok: true; entry: LedgerEntry }
  | { ok: false; reason: 'account_not_found' }
  | { ok: false; reason: 'refused'; funds: AccountFunds }

export interface LedgerStore {
  /** Applies the entry to the balance and records it, atomically. Returns null if the account is unknown. */
  append(entry: NewLedgerEntry): Promise<LedgerEntry | null>
  /**
   * `append`, if `allow` (a money rule) says so on the account's funds: read, decided and queued in
   * one synchronous step, as a hold is placed, so no hold can take the same money in between.
   */
  appendIf(entry: NewLedgerEntry, allow: (funds: AccountFunds) => boolean): Promise<ConditionalAppend>
  /** Newest first. */
  list(accountId: string, options?: { limit?: number; before?: number }): Promise<LedgerPage>
  /** Σ amount of the account's entries: equals its balance, always. */
  sum(accountId: string): Promise<number>
}

type Row = {
  id: number
  account_id: string
  type: LedgerType
  amount_micros: number
  balance_after_micros: number
  request_id: string | null
  topup_id: string | null
  key_id: string | null
  note: string | null
  created_at: number
}

export const ledgerEntryFromRow = (row: Row): LedgerEntry => ({
  id: row.id,
  accountId: row.account_id,
  type: row.type,
  amountMicros: row.amount_micros,
  balanceAfterMicros: row.balance_after_micros,
  requestId: row.request_id,
  topupId: row.topup_id,
  keyId: row.key_id,
  note: row.note,
  createdAt: row.created_at,
})

/** Appends an entry inside the caller's transaction; shared by every writer of the ledger. */
export function ledgerAppender(db: Database) {
  const bump = db.query<{ balance_micros: number }, { id: string; amount: number }>(
    'UPDATE accounts SET balance_micros = balance_micros + $amount WHERE id = $id RETURNING balance_micros',
  )
  const record = ledgerRecorder(db)
  return (entry: NewLedgerEntry): LedgerEntry | null => {
    assertMicros(entry.amountMicros, `a ${entry.type} entry`)
    if (entry.type === 'charge' && entry.amountMicros > 0) throw new Error('refused to write a positive charge: a charge is never a credit')
    const updated = bump.get({ id: entry.accountId, amount: entry.amountMicros })
    return updated ? record(entry, updated.balance_micros) : null
  }
}

/**
 * Records an entry whose amount the caller has already applied to the balance, in the same
 * transaction (a settlement moves the balance and the held amount in one UPDATE). Positional
 * parameters and no `RETURNING *`: the entry is built from what was written.
 */
export function ledgerRecorder(db: Database) {
  const insert = db.query(`
    INSERT INTO ledger (account_id, type, amount_micros, balance_after_micros, request_id, topup_id, key_id, note, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  return (entry: NewLedgerEntry, balanceAfterMicros: number): LedgerEntry => {
    assertMicros(entry.amountMicros, `a ${entry.type} entry`)
    assertMicros(balanceAfterMicros, 'a balance')
    if (entry.type === 'charge' && entry.amountMicros > 0) throw new Error('refused to write a positive charge: a charge is never a credit')
    const written: Omit<LedgerEntry, 'id'> = {
      accountId: entry.accountId,
      type: entry.type,
      amountMicros: entry.amountMicros,
      balanceAfterMicros,
      requestId: entry.requestId ?? null,
      topupId: entry.topupId ?? null,
      keyId: entry.keyId ?? null,
      note: entry.note ?? null,
      createdAt: entry.createdAt,
    }
    const { lastInsertRowid } = insert.run(
      written.accountId,
      written.type,
      written.amountMicros,
      balanceAfterMicros,
      written.requestId,
      written.topupId,
      written.keyId,
      written.note,
      written.createdAt,
    )
    return { id: Number(lastInsertRowid), ...written }
  }
}

export function sqliteLedgerStore(db: Database, batch: GroupCommit, book: HoldBook): LedgerStore {
  const append = ledgerAppender(db)
  const page = db.query<Row, [string, number, number]>('SELECT * FROM ledger WHERE account_id = ? AND id < ? ORDER BY id DESC LIMIT ?')
  const sum = db.query<{ total: number }, [string]>('SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger WHERE account_id = ?')
  const funds = db.query<{ balance_micros: number }, [string]>('SELECT balance_micros FROM accounts WHERE id = ?')
  // In the money queue: an entry commits in call order with the settlements around it, and
  // holds placed before it lands already count it (pending in the hold book).
  const queue = (entry: NewLedgerEntry): Promise<LedgerEntry | null> => {
    // Checked before the book counts it: a NaN pending total would admit everything.
    assertMicros(entry.amountMicros, `a ${entry.type} entry`)
    book.addPending(entry.accountId, entry.amountMicros)
    return batch.run(
      () => append(entry),
      () => book.removePending(entry.accountId, entry.amountMicros),
    )
  }
  return {
    async append(entry) {
      return queue(entry)
    },
    async appendIf(entry, allow) {
      const account = funds.get(entry.accountId)
      if (!account) return { ok: false, reason: 'account_not_found' }
      const facts = book.funds(entry.accountId, account.balance_micros)
      if (!allow(facts)) return { ok: false, reason: 'refused', funds: facts }
      const written = await queue(entry)
      return written ? { ok: true, entry: written } : { ok: false, reason: 'account_not_found' }
    },
    async list(accountId, options = {}) {
      const limit = Math.min(Math.max(options.limit ?? 50, 1), 500)
      const rows = page.all(accountId, options.before ?? Number.MAX_SAFE_INTEGER, limit + 1)
      const entries = rows.slice(0, limit).map(ledgerEntryFromRow)
      return { entries, nextBefore: rows.length > limit ? entries[entries.length - 1]!.id : null }
    },
    async sum(accountId) {
      return sum.get(accountId)!.total
    },
  }
}
