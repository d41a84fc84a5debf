// Accounts table on Postgres: what is held is the Σ of the account's open hold rows, whichever instance placed them.
import type { SQL } from 'bun'
import type { Account, AccountStore } from '../accounts'
import { availableMicros } from '../../money/holds'
import { num, numOrNull } from './connect'

type Row = Record<string, unknown>

export const accountFromRow = (row: Row): Account => {
  const balance = num(row.balance_micros)
  const held = num(row.held_micros)
  return {
    id: row.id as string,
    email: row.email as string,
    name: (row.name as string | null) ?? null,
    plan: row.plan as string,
    balanceMicros: balance,
    heldMicros: held,
    availableMicros: availableMicros({ balanceMicros: balance, pendingMicros: 0, heldMicros: held }),
    disabledModels: JSON.parse(row.disabled_models as string) as string[],
    createdAt: num(row.created_at),
    deletedAt: numOrNull(row.deleted_at),
  }
}

export function postgresAccountStore(sql: SQL, changed: () => Promise<void>): AccountStore {
  const get = async (where: 'id' | 'email', value: string) => {
    const rows =
      where === 'id'
        ? await sql`SELECT a.*, (SELECT COALESCE(SUM(amount_micros), 0) FROM holds h WHERE h.account_id = a.id) AS held_micros
                    FROM accounts a WHERE a.id = ${value}`
        : await sql`SELECT a.*, (SELECT COALESCE(SUM(amount_micros), 0) FROM holds h WHERE h.account_id = a.id) AS held_micros
                    FROM accounts a WHERE a.email = ${value} AND a.deleted_at IS NULL`
    return rows[0] ? accountFromRow(rows[0]) : null
  }
  return {
    async create(account) {
      await sql`INSERT INTO accounts (id, email, name, plan, created_at)
                VALUES (${account.id}, ${account.email}, ${account.name}, ${account.plan}, ${account.createdAt})`
      return (await get('id', account.id))!
    },
    get: (id) => get('id', id),
    findByEmail: (email) => get('email', email),
    async softDelete(id, at) {
      const rows = await sql`UPDATE accounts SET deleted_at = ${at} WHERE id = ${id} AND deleted_at IS NULL RETURNING id`
      if (rows.length > 0) await changed()
      return rows.length > 0
    },
    async setDisabledModels(id, models) {
      await sql`UPDATE accounts SET disabled_models = ${JSON.stringify(models)} WHERE id = ${id}`
      await changed()
    },
    async setPlan(id, plan) {
      await sql`UPDATE accounts SET plan = ${plan} WHERE id = ${id}`
      await changed()
    },
  }
}
