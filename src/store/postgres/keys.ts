// API keys table on Postgres: only the SHA-256 of each key, with a display prefix; every change bumps the shared version.
import type { SQL } from 'bun'
import type { ApiKey, KeyStore } from '../keys'
import { num, numOrNull } from './connect'

type Row = Record<string, unknown>

const fromRow = (row: Row): ApiKey => ({
  id: row.id as string,
  accountId: row.account_id as string,
  name: (row.name as string | null) ?? null,
  hash: row.hash as string,
  prefix: row.prefix as string,
  models: row.models === null ? null : (JSON.parse(row.models as string) as string[]),
  ipAllowlist: row.ip_allowlist === null ? null : (JSON.parse(row.ip_allowlist as string) as string[]),
  rpm: numOrNull(row.rpm),
  budgetMicros: numOrNull(row.budget_micros),
  budgetWindowDays: num(row.budget_window_days),
  createdAt: num(row.created_at),
  expiresAt: numOrNull(row.expires_at),
  revokedAt: numOrNull(row.revoked_at),
})

export function postgresKeyStore(sql: SQL, changed: () => Promise<void>): KeyStore {
  return {
    async insert(key) {
      await sql`
        INSERT INTO api_keys (id, account_id, name, hash, prefix, models, ip_allowlist, rpm, budget_micros,
                              budget_window_days, created_at, expires_at, revoked_at)
        VALUES (${key.id}, ${key.accountId}, ${key.name}, ${key.hash}, ${key.prefix},
                ${key.models ? JSON.stringify(key.models) : null}, ${key.ipAllowlist ? JSON.stringify(key.ipAllowlist) : null},
                ${key.rpm}, ${key.budgetMicros}, ${key.budgetWindowDays}, ${key.createdAt}, ${key.expiresAt}, ${key.revokedAt})`
      await changed()
    },
    async get(id) {
      const [row] = await sql`SELECT * FROM api_keys WHERE id = ${id}`
      return row ? fromRow(row) : null
    },
    async findByHash(hash) {
      const [row] = await sql`
        SELECT k.*, a.plan AS account_plan, a.deleted_at AS account_deleted_at, a.disabled_models AS account_disabled_models
        FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.hash = ${hash}`
      if (!row) return null
      return {
        ...fromRow(row),
        accountPlan: row.account_plan as string,
        accountDeletedAt: numOrNull(row.account_deleted_at),
        accountDisabledModels: JSON.parse(row.account_disabled_models as string) as string[],
      }
    },
    async listByAccount(accountId) {
      return (await sql`SELECT * FROM api_keys WHERE account_id = ${accountId} ORDER BY created_at DESC, id`).map(fromRow)
    },
    async revoke(id, at) {
      const rows = await sql`UPDATE api_keys SET revoked_at = ${at} WHERE id = ${id} AND revoked_at IS NULL RETURNING id`
      if (rows.length > 0) await changed()
      return rows.length > 0
    },
  }
}
