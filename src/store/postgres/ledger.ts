// The ledger on Postgres: every balance change is one entry, written in the same transaction as the balance.
import type { SQL } from 'bun'
import type { LedgerEntry, LedgerStore, NewLedgerEntry } from '../ledger'
import type { AccountFunds } from '../holds'
import { assertMicros } from '../../money/usd'
import type { AccountSequencer } from './sequencer'
import { num } from './connect'

type Row = Record<string, unknown>

export const ledgerEntryFromPgRow = (row: Row): LedgerEntry => ({
  id: num(row.id),
  accountId: row.account_id as string,
  type: row.type as LedgerEntry['type'],
  amountMicros: num(row.amount_micros),
  balanceAfterMicros: num(row.balance_after_micros),
  requestId: (row.request_id as string | null) ?? null,
  topupId: (row.topup_id as string | null) ?? null,
  keyId: (row.key_id as string | null) ?? null,
  note: (row.note as string | null) ?? null,
  createdAt: num(row.created_at),
})

/** Records an entry whose amount the caller applied to the balance in the same transaction `tx`. */
export async function recordEntry(tx: SQL, entry: NewLedgerEntry, balanceAfterMicros: number): Promise<LedgerEntry> {
  assertMicros(entry.amountMicros, `a ${entry.type} entry`)
  assertMicros(balanceAfterMicros, 'a balance')
  if (entry.type === 'charge' && entry.amountMicros > 0) throw new Error('refused to write a positive charge: a charge is never a credit')
  const [row] = await tx`
    INSERT INTO ledger (account_id, type, amount_micros, balance_after_micros, request_id, topup_id, key_id, note, created_at)
    VALUES (${entry.accountId}, ${entry.type}, ${entry.amountMicros}, ${balanceAfterMicros}, ${entry.requestId ?? null},
            ${entry.topupId ?? null}, ${entry.keyId ?? null}, ${entry.note ?? null}, ${entry.createdAt})
    RETURNING id`
  return {
    id: num(row.id),
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
}

/** The account's funds, its row locked until `tx` ends (held = Σ of its open holds on every instance); null if unknown or deleted. */
export async function lockedFunds(tx: SQL, accountId: string): Promise<AccountFunds | null> {
  const [row] = await tx`SELECT balance_micros FROM accounts WHERE id = ${accountId} AND deleted_at IS NULL FOR UPDATE`
  if (!row) return null
  const [held] = await tx`SELECT COALESCE(SUM(amount_micros), 0) AS held FROM holds WHERE account_id = ${accountId}`
  return { balanceMicros: num(row.balance_micros), pendingMicros: 0, heldMicros: num(held!.held) }
}

async function appendIn(tx: SQL, entry: NewLedgerEntry): Promise<LedgerEntry | null> {
  const [row] =
    await tx`UPDATE accounts SET balance_micros = balance_micros + ${entry.amountMicros} WHERE id = ${entry.accountId} RETURNING balance_micros`
  return row ? recordEntry(tx, entry, num(row.balance_micros)) : null
}

export function postgresLedgerStore(sql: SQL, order: AccountSequencer): LedgerStore {
  const check = (entry: NewLedgerEntry) => {
    assertMicros(entry.amountMicros, `a ${entry.type} entry`)
    if (entry.type === 'charge' && entry.amountMicros > 0) throw new Error('refused to write a positive charge: a charge is never a credit')
  }
  return {
    append(entry) {
      check(entry)
      return order.run([entry.accountId], () => sql.begin((tx) => appendIn(tx, entry)))
    },
    appendIf(entry, allow) {
      check(entry)
      return order.run([entry.accountId], () =>
        sql.begin(async (tx) => {
          const funds = await lockedFunds(tx, entry.accountId)
          if (!funds) return { ok: false as const, reason: 'account_not_found' as const }
          if (!allow(funds)) return { ok: false as const, reason: 'refused' as const, funds }
          const written = await appendIn(tx, entry)
          return written ? { ok: true as const, entry: written } : { ok: false as const, reason: 'account_not_found' as const }
        }),
      )
    },
    async list(accountId, options = {}) {
      const limit = Math.min(Math.max(options.limit ?? 50, 1), 500)
      const before = options.before ?? Number.MAX_SAFE_INTEGER
      const rows = await sql`SELECT * FROM ledger WHERE account_id = ${accountId} AND id < ${before} ORDER BY id DESC LIMIT ${limit + 1}`
      const entries = rows.slice(0, limit).map(ledgerEntryFromPgRow)
      return { entries, nextBefore: rows.length > limit ? entries[entries.length - 1]!.id : null }
    },
    async sum(accountId) {
      const [row] = await sql`SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger WHERE account_id = ${accountId}`
      return num(row!.total)
    },
  }
}
