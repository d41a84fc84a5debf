// Budget-alert thresholds (per account, per key) and which subjects are past theirs: one alert per crossing.
import type { Database } from 'bun:sqlite'

export interface AlertRules {
  /** Balance threshold of the account (micro-USD); null = the configured default. */
  balanceBelowMicros: number | null
  /** Percent of the window budget, per key id; a key absent = the configured default. */
  keyPercents: Map<string, number>
}

/** What the alert job looks at: every live account and every live key with a budget. */
export interface AlertCandidates {
  accounts: Array<{ accountId: string; email: string; balanceMicros: number; threshold: number | null }>
  keys: Array<{ keyId: string; accountId: string; label: string; budgetMicros: number; threshold: number | null }>
}

export interface AlertStore {
  rules(accountId: string): Promise<AlertRules>
  /** null removes the account's own threshold (back to the default). */
  setBalanceRule(accountId: string, micros: number | null): Promise<void>
  setKeyRule(accountId: string, keyId: string, percent: number | null): Promise<void>
  /** Keys expired at `now` are left out; `accountId` narrows to one account (its banner). */
  candidates(now: number, accountId?: string): Promise<AlertCandidates>
  /** The subjects currently past their threshold (alerted). */
  crossed(): Promise<Set<string>>
  /**
   * Marks `subject` crossed; false when it already was (so a crossing alerts once, even with two
   * processes or a restart between checks).
   */
  markCrossed(subject: string, accountId: string, at: number): Promise<boolean>
  /** Re-arms a subject that is back within its threshold. */
  clearCrossed(subject: string): Promise<void>
}

export function sqliteAlertStore(db: Database): AlertStore {
  const rules = db.query<{ key_id: string; threshold: number }, [string]>('SELECT key_id, threshold FROM alert_rules WHERE account_id = ?')
  const upsert = db.query(
    'INSERT INTO alert_rules (account_id, key_id, threshold) VALUES (?, ?, ?) ON CONFLICT (account_id, key_id) DO UPDATE SET threshold = excluded.threshold',
  )
  const remove = db.query('DELETE FROM alert_rules WHERE account_id = ? AND key_id = ?')
  const accounts = db.query<{ id: string; email: string; balance_micros: number; threshold: number | null }, { account: string | null }>(`
    SELECT a.id, a.email, a.balance_micros, r.threshold FROM accounts a
    LEFT JOIN alert_rules r ON r.account_id = a.id AND r.key_id = ''
    WHERE a.deleted_at IS NULL AND ($account IS NULL OR a.id = $account)`)
  const keys = db.query<
    { id: string; account_id: string; name: string | null; prefix: string; budget_micros: number; threshold: number | null },
    { now: number; account: string | null }
  >(`
    SELECT k.id, k.account_id, k.name, k.prefix, k.budget_micros, r.threshold FROM api_keys k
    JOIN accounts a ON a.id = k.account_id AND a.deleted_at IS NULL
    LEFT JOIN alert_rules r ON r.account_id = k.account_id AND r.key_id = k.id
    WHERE k.budget_micros IS NOT NULL AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $now)
      AND ($account IS NULL OR k.account_id = $account)`)
  const crossed = db.query<{ subject: string }, []>('SELECT subject FROM alert_state')
  const mark = db.query('INSERT INTO alert_state (subject, account_id, crossed_at) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING')
  const clear = db.query('DELETE FROM alert_state WHERE subject = ?')
  return {
    async rules(accountId) {
      const out: AlertRules = { balanceBelowMicros: null, keyPercents: new Map() }
      for (const r of rules.all(accountId)) {
        if (r.key_id === '') out.balanceBelowMicros = r.threshold
        else out.keyPercents.set(r.key_id, r.threshold)
      }
      return out
    },
    async setBalanceRule(accountId, micros) {
      if (micros === null) remove.run(accountId, '')
      else upsert.run(accountId, '', micros)
    },
    async setKeyRule(accountId, keyId, percent) {
      if (percent === null) remove.run(accountId, keyId)
      else upsert.run(accountId, keyId, percent)
    },
    async candidates(now, accountId) {
      const account = accountId ?? null
      return {
        accounts: accounts
          .all({ account })
          .map((a) => ({ accountId: a.id, email: a.email, balanceMicros: a.balance_micros, threshold: a.threshold })),
        keys: keys.all({ now, account }).map((k) => ({
          keyId: k.id,
          accountId: k.account_id,
          label: k.name ? `${k.name} (${k.prefix})` : k.prefix,
          budgetMicros: k.budget_micros,
          threshold: k.threshold,
        })),
      }
    },
    async crossed() {
      return new Set(crossed.all().map((r) => r.subject))
    },
    async markCrossed(subject, accountId, at) {
      return mark.run(subject, accountId, at).changes > 0
    },
    async clearCrossed(subject) {
      clear.run(subject)
    },
  }
}
