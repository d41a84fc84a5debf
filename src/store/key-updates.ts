// Editing a key's limits after minting (name, allowlists, rpm, budget, expiry); the secret never changes.
import type { Database } from 'bun:sqlite'

/** Fields to change; absent fields stay as they are, null clears a limit. */
export interface KeyLimitsPatch {
  name?: string | null
  models?: string[] | null
  ipAllowlist?: string[] | null
  rpm?: number | null
  budgetMicros?: number | null
  budgetWindowDays?: number
  expiresAt?: number | null
}

export interface KeyUpdateStore {
  /** False if the key does not exist or is revoked. */
  update(id: string, patch: KeyLimitsPatch): Promise<boolean>
}

const COLUMNS: Record<keyof KeyLimitsPatch, string> = {
  name: 'name',
  models: 'models',
  ipAllowlist: 'ip_allowlist',
  rpm: 'rpm',
  budgetMicros: 'budget_micros',
  budgetWindowDays: 'budget_window_days',
  expiresAt: 'expires_at',
}

export function sqliteKeyUpdateStore(db: Database): KeyUpdateStore {
  return {
    async update(id, patch) {
      const sets: string[] = []
      const params: Record<string, string | number | null> = { id }
      for (const [field, column] of Object.entries(COLUMNS) as Array<[keyof KeyLimitsPatch, string]>) {
        const value = patch[field]
        if (value === undefined) continue
        sets.push(`${column} = $${field}`)
        params[field] = Array.isArray(value) ? JSON.stringify(value) : value
      }
      if (sets.length === 0) return db.query('SELECT 1 FROM api_keys WHERE id = ? AND revoked_at IS NULL').get(id) !== null
      // Column names come from the fixed map above; values are bound.
      return db.query(`UPDATE api_keys SET ${sets.join(', ')} WHERE id = $id AND revoked_at IS NULL`).run(params).changes > 0
    },
  }
}
