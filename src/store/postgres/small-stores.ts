// The small table families on Postgres: settings, spend, one ledger entry, key edits, the admin directory.
import type { SQL } from 'bun'
import { DAY_MS } from '../../clock'
import type { SettingsStore } from '../settings'
import type { SpendStore } from '../spend'
import type { LedgerLookupStore } from '../ledger-lookup'
import type { KeyLimitsPatch, KeyUpdateStore } from '../key-updates'
import type { DirectoryStore } from '../directory'
import { availableMicros } from '../../money/holds'
import { ledgerEntryFromPgRow } from './ledger'
import { num } from './connect'

export function postgresSettingsStore(sql: SQL): SettingsStore {
  return {
    async get(key) {
      const [row] = await sql`SELECT value FROM settings WHERE key = ${key}`
      return (row?.value as string | undefined) ?? null
    },
    async set(key, value) {
      await sql`INSERT INTO settings (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`
    },
    async delete(key) {
      await sql`DELETE FROM settings WHERE key = ${key}`
    },
  }
}

export function postgresSpendStore(sql: SQL): SpendStore {
  return {
    async between(accountId, from, to) {
      const [row] = await sql`
        SELECT COALESCE(-SUM(amount_micros), 0) AS total FROM ledger
        WHERE account_id = ${accountId} AND type = 'charge' AND created_at >= ${from} AND created_at < ${to}`
      return num(row!.total)
    },
    async byDay(accountId, from, to) {
      const rows = await sql`
        SELECT (created_at / ${DAY_MS}) * ${DAY_MS} AS day, -SUM(amount_micros) AS micros FROM ledger
        WHERE account_id = ${accountId} AND type = 'charge' AND created_at >= ${from} AND created_at < ${to}
        GROUP BY 1 ORDER BY 1`
      return rows.map((r: Record<string, unknown>) => ({ day: num(r.day), micros: num(r.micros) }))
    },
  }
}

export function postgresLedgerLookupStore(sql: SQL): LedgerLookupStore {
  return {
    async get(accountId, id) {
      const [row] = await sql`SELECT * FROM ledger WHERE id = ${id} AND account_id = ${accountId}`
      return row ? ledgerEntryFromPgRow(row) : null
    },
  }
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

export function postgresKeyUpdateStore(sql: SQL, changed: () => Promise<void>): KeyUpdateStore {
  return {
    async update(id, patch) {
      const sets: string[] = []
      const values: Array<string | number | null> = []
      for (const [field, column] of Object.entries(COLUMNS) as Array<[keyof KeyLimitsPatch, string]>) {
        const value = patch[field]
        if (value === undefined) continue
        values.push(Array.isArray(value) ? JSON.stringify(value) : value)
        sets.push(`${column} = $${values.length}`)
      }
      if (sets.length === 0) return (await sql`SELECT 1 FROM api_keys WHERE id = ${id} AND revoked_at IS NULL`).length > 0
      values.push(id)
      // Column names come from the fixed map above; values are bound.
      const rows = await sql.unsafe(
        `UPDATE api_keys SET ${sets.join(', ')} WHERE id = $${values.length} AND revoked_at IS NULL RETURNING id`,
        values,
      )
      if (rows.length > 0) await changed()
      return rows.length > 0
    },
  }
}

export function postgresDirectoryStore(sql: SQL): DirectoryStore {
  return {
    async accounts(options = {}) {
      const raw = (options.query ?? '').trim()
      const q = raw.toLowerCase()
      const limit = Math.min(Math.max(options.limit ?? 50, 1), 200)
      const offset = Math.max(options.offset ?? 0, 0)
      const rows = await sql`
        SELECT a.id, a.email, a.name, a.plan, a.balance_micros, a.created_at,
               (SELECT COUNT(*) FROM users u WHERE u.account_id = a.id) AS users,
               (SELECT COALESCE(SUM(amount_micros), 0) FROM holds h WHERE h.account_id = a.id) AS held
        FROM accounts a
        WHERE a.deleted_at IS NULL AND (${q} = '' OR strpos(lower(a.email), ${q}) > 0 OR strpos(lower(COALESCE(a.name, '')), ${q}) > 0 OR a.id = ${raw})
        ORDER BY a.created_at DESC, a.id LIMIT ${limit} OFFSET ${offset}`
      const [count] = await sql`
        SELECT COUNT(*) AS n FROM accounts a
        WHERE a.deleted_at IS NULL AND (${q} = '' OR strpos(lower(a.email), ${q}) > 0 OR strpos(lower(COALESCE(a.name, '')), ${q}) > 0 OR a.id = ${raw})`
      return {
        total: num(count!.n),
        rows: rows.map((r: Record<string, unknown>) => {
          const balance = num(r.balance_micros)
          const held = num(r.held)
          return {
            id: r.id as string,
            email: r.email as string,
            name: (r.name as string | null) ?? null,
            plan: r.plan as string,
            balanceMicros: balance,
            heldMicros: held,
            availableMicros: availableMicros({ balanceMicros: balance, pendingMicros: 0, heldMicros: held }),
            users: num(r.users),
            createdAt: num(r.created_at),
          }
        }),
      }
    },
  }
}
