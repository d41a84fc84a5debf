// Accounts table: who owns keys and a balance.
import type { Database } from 'bun:sqlite'
import type { HoldBook } from '../money/hold-book'

export interface Account {
  id: string
  email: string
  name: string | null
  plan: string
  balanceMicros: number
  heldMicros: number
  /** What new holds may take: the one rule, `availableMicros` in money/holds.ts. */
  availableMicros: number
  disabledModels: string[]
  createdAt: number
  deletedAt: number | null
}

export interface NewAccount {
  id: string
  email: string
  name: string | null
  plan: string
  createdAt: number
}

/** Account persistence. Balance changes go through the ledger store, never through here. */
export interface AccountStore {
  create(account: NewAccount): Promise<Account>
  get(id: string): Promise<Account | null>
  findByEmail(email: string): Promise<Account | null>
  softDelete(id: string, at: number): Promise<boolean>
  setDisabledModels(id: string, models: string[]): Promise<void>
  setPlan(id: string, plan: string): Promise<void>
}

type Row = {
  id: string
  email: string
  name: string | null
  plan: string
  balance_micros: number
  disabled_models: string
  created_at: number
  deleted_at: number | null
}

// What is held lives in the hold book (requests in flight in this process), not in the row.
const fromRow = (row: Row, book: HoldBook): Account => ({
  id: row.id,
  email: row.email,
  name: row.name,
  plan: row.plan,
  balanceMicros: row.balance_micros,
  heldMicros: book.accountHeld(row.id),
  availableMicros: book.available(row.id, row.balance_micros),
  disabledModels: JSON.parse(row.disabled_models) as string[],
  createdAt: row.created_at,
  deletedAt: row.deleted_at,
})

export function sqliteAccountStore(db: Database, book: HoldBook): AccountStore {
  const insert = db.query('INSERT INTO accounts (id, email, name, plan, created_at) VALUES ($id, $email, $name, $plan, $createdAt)')
  const byId = db.query<Row, [string]>('SELECT * FROM accounts WHERE id = ?')
  const byEmail = db.query<Row, [string]>('SELECT * FROM accounts WHERE email = ? AND deleted_at IS NULL')
  const remove = db.query('UPDATE accounts SET deleted_at = $at WHERE id = $id AND deleted_at IS NULL')
  const setDisabled = db.query('UPDATE accounts SET disabled_models = $models WHERE id = $id')
  const setPlan = db.query('UPDATE accounts SET plan = $plan WHERE id = $id')
  return {
    async create(account) {
      insert.run({ ...account })
      return fromRow(byId.get(account.id)!, book)
    },
    async get(id) {
      const row = byId.get(id)
      return row ? fromRow(row, book) : null
    },
    async findByEmail(email) {
      const row = byEmail.get(email)
      return row ? fromRow(row, book) : null
    },
    async softDelete(id, at) {
      return remove.run({ id, at }).changes > 0
    },
    async setDisabledModels(id, models) {
      setDisabled.run({ id, models: JSON.stringify(models) })
    },
    async setPlan(id, plan) {
      setPlan.run({ id, plan })
    },
  }
}
