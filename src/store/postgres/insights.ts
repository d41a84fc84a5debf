// The usage aggregate, budget alerts and the account statement on Postgres (the same queries as SQLite's usage-daily, alerts, ledger-statement).
import type { SQL } from 'bun'
import { DAY_MS } from '../../clock'
import { USAGE_GROUPS, type UsageStore, type UsageSums } from '../usage-daily'
import type { AlertRules, AlertStore } from '../alerts'
import type { LedgerStatementStore, StatementLine } from '../ledger-statement'
import { ledgerEntryFromPgRow } from './ledger'
import { num } from './connect'

type Row = Record<string, unknown>

export function postgresUsageStore(sql: SQL): UsageStore {
  return {
    async byDay(filter, groupBy) {
      const g = USAGE_GROUPS[groupBy]
      const values: Array<string | number> = [filter.fromDay, filter.toDay]
      let where = 'u.day >= $1 AND u.day < $2'
      if (filter.accountId !== undefined) {
        values.push(filter.accountId)
        where += ' AND u.account_id = $3'
      }
      // Grouping fragments come from the fixed table above; values are bound.
      const rows = await sql.unsafe(
        `SELECT u.day, ${g.column} AS grp, ${g.label} AS label, SUM(u.requests) AS requests, SUM(u.cost_micros) AS cost,
                SUM(u.prompt_tokens) AS prompt, SUM(u.completion_tokens) AS completion, SUM(u.cache_read_tokens) AS cache_read,
                SUM(u.cache_write_tokens) AS cache_write, SUM(u.cache_write_1h_tokens) AS cache_write_1h, SUM(u.reasoning_tokens) AS reasoning
         FROM usage_daily u ${g.join} WHERE ${where} GROUP BY u.day, ${g.column}, ${g.label} ORDER BY u.day, ${g.column}`,
        values,
      )
      return rows.map(
        (r: Row): UsageSums => ({
          day: num(r.day),
          group: r.grp as string,
          label: r.label as string,
          requests: num(r.requests),
          costMicros: num(r.cost),
          promptTokens: num(r.prompt),
          completionTokens: num(r.completion),
          cacheReadTokens: num(r.cache_read),
          cacheWriteTokens: num(r.cache_write),
          cacheWrite1hTokens: num(r.cache_write_1h),
          reasoningTokens: num(r.reasoning),
        }),
      )
    },
  }
}

export function postgresAlertStore(sql: SQL): AlertStore {
  const upsert = (accountId: string, keyId: string, threshold: number) =>
    sql`INSERT INTO alert_rules (account_id, key_id, threshold) VALUES (${accountId}, ${keyId}, ${threshold})
        ON CONFLICT (account_id, key_id) DO UPDATE SET threshold = excluded.threshold`
  const remove = (accountId: string, keyId: string) => sql`DELETE FROM alert_rules WHERE account_id = ${accountId} AND key_id = ${keyId}`
  return {
    async rules(accountId) {
      const out: AlertRules = { balanceBelowMicros: null, keyPercents: new Map() }
      for (const r of (await sql`SELECT key_id, threshold FROM alert_rules WHERE account_id = ${accountId}`) as Row[]) {
        if (r.key_id === '') out.balanceBelowMicros = num(r.threshold)
        else out.keyPercents.set(r.key_id as string, num(r.threshold))
      }
      return out
    },
    async setBalanceRule(accountId, micros) {
      await (micros === null ? remove(accountId, '') : upsert(accountId, '', micros))
    },
    async setKeyRule(accountId, keyId, percent) {
      await (percent === null ? remove(accountId, keyId) : upsert(accountId, keyId, percent))
    },
    async candidates(now, accountId) {
      const account = accountId ?? null
      const accounts = await sql`
        SELECT a.id, a.email, a.balance_micros, r.threshold FROM accounts a
        LEFT JOIN alert_rules r ON r.account_id = a.id AND r.key_id = ''
        WHERE a.deleted_at IS NULL AND (${account}::text IS NULL OR a.id = ${account})`
      const keys = await sql`
        SELECT k.id, k.account_id, k.name, k.prefix, k.budget_micros, r.threshold FROM api_keys k
        JOIN accounts a ON a.id = k.account_id AND a.deleted_at IS NULL
        LEFT JOIN alert_rules r ON r.account_id = k.account_id AND r.key_id = k.id
        WHERE k.budget_micros IS NOT NULL AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ${now})
          AND (${account}::text IS NULL OR k.account_id = ${account})`
      const threshold = (v: unknown) => (v === null || v === undefined ? null : num(v))
      return {
        accounts: (accounts as Row[]).map((a) => ({
          accountId: a.id as string,
          email: a.email as string,
          balanceMicros: num(a.balance_micros),
          threshold: threshold(a.threshold),
        })),
        keys: (keys as Row[]).map((k) => ({
          keyId: k.id as string,
          accountId: k.account_id as string,
          label: k.name ? `${k.name as string} (${k.prefix as string})` : (k.prefix as string),
          budgetMicros: num(k.budget_micros),
          threshold: threshold(k.threshold),
        })),
      }
    },
    async crossed() {
      return new Set(((await sql`SELECT subject FROM alert_state`) as Row[]).map((r) => r.subject as string))
    },
    async markCrossed(subject, accountId, at) {
      const rows = await sql`INSERT INTO alert_state (subject, account_id, crossed_at) VALUES (${subject}, ${accountId}, ${at})
                             ON CONFLICT (subject) DO NOTHING RETURNING subject`
      return rows.length > 0
    },
    async clearCrossed(subject) {
      await sql`DELETE FROM alert_state WHERE subject = ${subject}`
    },
  }
}

export function postgresLedgerStatementStore(sql: SQL): LedgerStatementStore {
  const bound = async (accountId: string, start: number, end: number, after: number, before: number, last: boolean) => {
    const [row] = last
      ? await sql`SELECT id, balance_after_micros, amount_micros FROM ledger
                  WHERE account_id = ${accountId} AND created_at >= ${start} AND created_at < ${end} AND id > ${after} AND id < ${before}
                  ORDER BY created_at DESC, id DESC LIMIT 1`
      : await sql`SELECT id, balance_after_micros, amount_micros FROM ledger
                  WHERE account_id = ${accountId} AND created_at >= ${start} AND created_at < ${end} AND id > ${after} AND id < ${before}
                  ORDER BY created_at, id LIMIT 1`
    return row ? { id: num(row.id), balanceAfter: num(row.balance_after_micros), amount: num(row.amount_micros) } : null
  }
  return {
    async statement(accountId, from, to) {
      const lines: StatementLine[] = []
      let previous = 0
      let previousAt = from
      // As on SQLite: between two non-charge entries there are only charges, summed per day by the balances of their first and last.
      const gap = async (until: number, untilAt: number) => {
        for (let day = Math.floor((previousAt - 60_000) / DAY_MS) * DAY_MS; day < Math.min(to, untilAt + 60_000); day += DAY_MS) {
          const start = Math.max(day, from)
          const end = Math.min(day + DAY_MS, to)
          if (start >= end) continue
          const a = await bound(accountId, start, end, previous, until, false)
          if (!a) continue
          const b = (await bound(accountId, start, end, previous, until, true))!
          lines.push({
            kind: 'charges',
            day,
            amountMicros: b.balanceAfter - (a.balanceAfter - a.amount),
            balanceAfterMicros: b.balanceAfter,
            lastId: b.id,
          })
        }
      }
      const marks =
        await sql`SELECT * FROM ledger WHERE account_id = ${accountId} AND type != 'charge' AND created_at >= ${from} AND created_at < ${to} ORDER BY id`
      for (const row of marks as Row[]) {
        const entry = ledgerEntryFromPgRow(row)
        await gap(entry.id, entry.createdAt)
        previous = entry.id
        previousAt = Math.max(from, entry.createdAt)
        lines.push({ kind: 'entry', entry })
      }
      await gap(Number.MAX_SAFE_INTEGER, to)
      return lines
    },
  }
}
