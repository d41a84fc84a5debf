// Key spend on Postgres: budget terms, the latest window's spend, and what the key's open holds reserve on every instance.
import type { SQL } from 'bun'
import type { KeyBudgetTerms, KeySpendStore, RecordedKeySpend } from '../key-spend'
import { num } from './connect'

export async function keyTerms(tx: SQL, keyId: string): Promise<KeyBudgetTerms | null> {
  const [row] = await tx`SELECT budget_micros, budget_window_days, created_at FROM api_keys WHERE id = ${keyId}`
  if (!row) return null
  return {
    keyId,
    budgetMicros: row.budget_micros === null ? null : num(row.budget_micros),
    windowDays: num(row.budget_window_days),
    keyCreatedAt: num(row.created_at),
  }
}

export async function recordedSpend(tx: SQL, keyId: string): Promise<RecordedKeySpend> {
  const [row] = await tx`
    SELECT (SELECT window_start FROM key_spend WHERE key_id = ${keyId}) AS window_start,
           (SELECT spent_micros FROM key_spend WHERE key_id = ${keyId}) AS spent_micros,
           (SELECT COALESCE(SUM(amount_micros), 0) FROM holds WHERE key_id = ${keyId}) AS held_micros`
  return {
    spendWindowStart: row!.window_start === null ? null : num(row!.window_start),
    spentMicros: row!.spent_micros === null ? 0 : num(row!.spent_micros),
    pendingMicros: 0,
    heldMicros: num(row!.held_micros),
  }
}

export function postgresKeySpendStore(sql: SQL): KeySpendStore {
  return {
    async read(keyId) {
      const terms = await keyTerms(sql, keyId)
      return terms ? { ...terms, ...(await recordedSpend(sql, keyId)) } : null
    },
  }
}
