// One ledger entry by id, only within its account (the dashboard's entry links).
import type { Database } from 'bun:sqlite'
import { ledgerEntryFromRow, type LedgerEntry } from './ledger'

export interface LedgerLookupStore {
  get(accountId: string, id: number): Promise<LedgerEntry | null>
}

export function sqliteLedgerLookupStore(db: Database): LedgerLookupStore {
  const byId = db.query<Parameters<typeof ledgerEntryFromRow>[0], [number, string]>('SELECT * FROM ledger WHERE id = ? AND account_id = ?')
  return {
    async get(accountId, id) {
      const row = byId.get(id, accountId)
      return row ? ledgerEntryFromRow(row) : null
    },
  }
}
