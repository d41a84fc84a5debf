// API keys table: only the SHA-256 of each key is stored, with a short display prefix.
import type { Database } from 'bun:sqlite'

export interface ApiKey {
  id: string
  accountId: string
  name: string | null
  hash: string
  prefix: string
  models: string[] | null
  ipAllowlist: string[] | null
  rpm: number | null
  budgetMicros: number | null
  budgetWindowDays: number
  createdAt: number
  expiresAt: number | null
  revokedAt: number | null
}

/** A key joined with the account state that decides whether it may be used. */
export interface KeyWithAccount extends ApiKey {
  accountPlan: string
  accountDeletedAt: number | null
  accountDisabledModels: string[]
}

export interface KeyStore {
  insert(key: ApiKey): Promise<void>
  get(id: string): Promise<ApiKey | null>
  findByHash(hash: string): Promise<KeyWithAccount | null>
  listByAccount(accountId: string): Promise<ApiKey[]>
  revoke(id: string, at: number): Promise<boolean>
}

type Row = {
  id: string
  account_id: string
  name: string | null
  hash: string
  prefix: string
  models: string | null
  ip_allowlist: string | null
  rpm: number | null
  budget_micros: number | null
  budget_window_days: number
  created_at: number
  expires_at: number | null
  revoked_at: number | null
}
type JoinedRow = Row & { account_plan: string; account_deleted_at: number | null; account_disabled_models: string }

const fromRow = (row: Row): ApiKey => ({
  id: row.id,
  accountId: row.account_id,
  name: row.name,
  hash: row.hash,
  prefix: row.prefix,
  models: row.models === null ? null : (JSON.parse(row.models) as string[]),
  ipAllowlist: row.ip_allowlist === null ? null : (JSON.parse(row.ip_allowlist) as string[]),
  rpm: row.rpm,
  budgetMicros: row.budget_micros,
  budgetWindowDays: row.budget_window_days,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
})

export function sqliteKeyStore(db: Database): KeyStore {
  const insert = db.query(`
    INSERT INTO api_keys (id, account_id, name, hash, prefix, models, ip_allowlist, rpm, budget_micros,
                          budget_window_days, created_at, expires_at, revoked_at)
    VALUES ($id, $accountId, $name, $hash, $prefix, $models, $ipAllowlist, $rpm, $budgetMicros,
            $budgetWindowDays, $createdAt, $expiresAt, $revokedAt)`)
  const byId = db.query<Row, [string]>('SELECT * FROM api_keys WHERE id = ?')
  const byHash = db.query<JoinedRow, [string]>(`
    SELECT k.*, a.plan AS account_plan, a.deleted_at AS account_deleted_at,
           a.disabled_models AS account_disabled_models
    FROM api_keys k JOIN accounts a ON a.id = k.account_id
    WHERE k.hash = ?`)
  const byAccount = db.query<Row, [string]>('SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at DESC, id')
  const revoke = db.query('UPDATE api_keys SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL')
  return {
    async insert(key) {
      insert.run({
        ...key,
        models: key.models ? JSON.stringify(key.models) : null,
        ipAllowlist: key.ipAllowlist ? JSON.stringify(key.ipAllowlist) : null,
      })
    },
    async get(id) {
      const row = byId.get(id)
      return row ? fromRow(row) : null
    },
    async findByHash(hash) {
      const row = byHash.get(hash)
      if (!row) return null
      return {
        ...fromRow(row),
        accountPlan: row.account_plan,
        accountDeletedAt: row.account_deleted_at,
        accountDisabledModels: JSON.parse(row.account_disabled_models) as string[],
      }
    },
    async listByAccount(accountId) {
      return byAccount.all(accountId).map(fromRow)
    },
    async revoke(id, at) {
      return revoke.run({ id, at }).changes > 0
    },
  }
}
