// Instance-wide listings for admins: accounts with their users and balances.
import type { Database } from 'bun:sqlite'
import type { HoldBook } from '../money/hold-book'

export interface AccountSummary {
  id: string
  email: string
  name: string | null
  plan: string
  balanceMicros: number
  heldMicros: number
  /** What new holds may take: the one rule, `availableMicros` in money/holds.ts. */
  availableMicros: number
  users: number
  createdAt: number
}

export interface DirectoryStore {
  /** Live accounts, newest first, optionally filtered by a substring of email, name or id. */
  accounts(options?: { query?: string; limit?: number; offset?: number }): Promise<{ rows: AccountSummary[]; total: number }>
}

type Row = {
  id: string
  email: string
  name: string | null
  plan: string
  balance_micros: number
  users: number
  created_at: number
}

export function sqliteDirectoryStore(db: Database, book: HoldBook): DirectoryStore {
  const page = db.query<Row, { q: string; raw: string; limit: number; offset: number }>(`
    SELECT a.id, a.email, a.name, a.plan, a.balance_micros, a.created_at,
           (SELECT COUNT(*) FROM users u WHERE u.account_id = a.id) AS users
    FROM accounts a
    WHERE a.deleted_at IS NULL AND ($q = '' OR instr(lower(a.email), $q) > 0 OR instr(lower(COALESCE(a.name, '')), $q) > 0 OR a.id = $raw)
    ORDER BY a.created_at DESC, a.id LIMIT $limit OFFSET $offset`)
  const count = db.query<{ n: number }, { q: string; raw: string }>(`
    SELECT COUNT(*) AS n FROM accounts a
    WHERE a.deleted_at IS NULL AND ($q = '' OR instr(lower(a.email), $q) > 0 OR instr(lower(COALESCE(a.name, '')), $q) > 0 OR a.id = $raw)`)
  return {
    async accounts(options = {}) {
      const raw = (options.query ?? '').trim()
      const q = raw.toLowerCase()
      const limit = Math.min(Math.max(options.limit ?? 50, 1), 200)
      const rows = page.all({ q, raw, limit, offset: Math.max(options.offset ?? 0, 0) })
      return {
        total: count.get({ q, raw })!.n,
        rows: rows.map((r) => ({
          id: r.id,
          email: r.email,
          name: r.name,
          plan: r.plan,
          balanceMicros: r.balance_micros,
          heldMicros: book.accountHeld(r.id),
          availableMicros: book.available(r.id, r.balance_micros),
          users: r.users,
          createdAt: r.created_at,
        })),
      }
    },
  }
}
