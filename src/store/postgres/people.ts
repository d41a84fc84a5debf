// Dashboard users, their sessions and invites on Postgres.
import type { SQL } from 'bun'
import type { User, UserStore } from '../users'
import type { SessionStore } from '../sessions'
import type { Invite, InviteStore } from '../invites'
import { num, numOrNull } from './connect'

type Row = Record<string, unknown>

const userFromRow = (row: Row, prefix = ''): User => ({
  id: row[`${prefix}id`] as string,
  email: row.email as string,
  passwordHash: row.password_hash as string,
  accountId: row.account_id as string,
  role: row.role as User['role'],
  isAdmin: row.is_admin === true,
  createdAt: num(row[`${prefix}created_at`]),
})

export function postgresUserStore(sql: SQL): UserStore {
  return {
    async create(user) {
      const rows = await sql`
        INSERT INTO users (id, email, password_hash, account_id, role, is_admin, created_at)
        VALUES (${user.id}, ${user.email}, ${user.passwordHash}, ${user.accountId}, ${user.role}, ${user.isAdmin}, ${user.createdAt})
        ON CONFLICT (email) DO NOTHING RETURNING id`
      return rows.length > 0
    },
    async get(id) {
      const [row] = await sql`SELECT * FROM users WHERE id = ${id}`
      return row ? userFromRow(row) : null
    },
    async findByEmail(email) {
      const [row] = await sql`SELECT * FROM users WHERE email = ${email}`
      return row ? userFromRow(row) : null
    },
    async listByAccount(accountId) {
      return (await sql`SELECT * FROM users WHERE account_id = ${accountId} ORDER BY created_at, id`).map((r: Row) => userFromRow(r))
    },
    async count() {
      const [row] = await sql`SELECT COUNT(*) AS n FROM users`
      return num(row!.n)
    },
    async setPassword(id, hash) {
      await sql`UPDATE users SET password_hash = ${hash} WHERE id = ${id}`
    },
    async setAdmin(id, admin) {
      await sql`UPDATE users SET is_admin = ${admin} WHERE id = ${id}`
    },
    async remove(id) {
      return (await sql`DELETE FROM users WHERE id = ${id} RETURNING id`).length > 0
    },
  }
}

export function postgresSessionStore(sql: SQL): SessionStore {
  return {
    async insert(s) {
      await sql`INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
                VALUES (${s.idHash}, ${s.userId}, ${s.csrfToken}, ${s.createdAt}, ${s.lastSeenAt}, ${s.expiresAt})`
    },
    async get(idHash) {
      const [row] = await sql`
        SELECT s.*, u.id AS u_id, u.email, u.password_hash, u.account_id, u.role, u.is_admin, u.created_at AS u_created_at
        FROM sessions s JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = u.account_id
        WHERE s.id_hash = ${idHash} AND a.deleted_at IS NULL`
      if (!row) return null
      return {
        idHash: row.id_hash as string,
        userId: row.user_id as string,
        csrfToken: row.csrf_token as string,
        createdAt: num(row.created_at),
        lastSeenAt: num(row.last_seen_at),
        expiresAt: num(row.expires_at),
        user: userFromRow(row, 'u_'),
      }
    },
    async touch(idHash, at) {
      await sql`UPDATE sessions SET last_seen_at = ${at} WHERE id_hash = ${idHash}`
    },
    async remove(idHash) {
      return (await sql`DELETE FROM sessions WHERE id_hash = ${idHash} RETURNING id_hash`).length > 0
    },
    async removeForUser(userId) {
      return (await sql`DELETE FROM sessions WHERE user_id = ${userId} RETURNING id_hash`).length
    },
    async purge(now, idleBefore) {
      return (await sql`DELETE FROM sessions WHERE expires_at <= ${now} OR last_seen_at < ${idleBefore} RETURNING id_hash`).length
    },
  }
}

const inviteFromRow = (row: Row): Invite => ({
  tokenHash: row.token_hash as string,
  email: row.email as string,
  accountId: (row.account_id as string | null) ?? null,
  role: row.role as Invite['role'],
  isAdmin: row.is_admin === true,
  createdBy: (row.created_by as string | null) ?? null,
  createdAt: num(row.created_at),
  expiresAt: num(row.expires_at),
  usedAt: numOrNull(row.used_at),
})

export function postgresInviteStore(sql: SQL): InviteStore {
  return {
    async insert(i) {
      await sql`INSERT INTO invites (token_hash, email, account_id, role, is_admin, created_by, created_at, expires_at, used_at)
                VALUES (${i.tokenHash}, ${i.email}, ${i.accountId}, ${i.role}, ${i.isAdmin}, ${i.createdBy}, ${i.createdAt}, ${i.expiresAt}, NULL)`
    },
    async get(tokenHash) {
      const [row] = await sql`SELECT * FROM invites WHERE token_hash = ${tokenHash}`
      return row ? inviteFromRow(row) : null
    },
    async markUsed(tokenHash, at) {
      return (
        (await sql`UPDATE invites SET used_at = ${at} WHERE token_hash = ${tokenHash} AND used_at IS NULL RETURNING token_hash`).length > 0
      )
    },
    async listOpen(now, accountId) {
      const rows =
        accountId === undefined
          ? await sql`SELECT * FROM invites WHERE used_at IS NULL AND expires_at > ${now} ORDER BY created_at DESC`
          : await sql`SELECT * FROM invites WHERE used_at IS NULL AND expires_at > ${now} AND account_id = ${accountId} ORDER BY created_at DESC`
      return rows.map(inviteFromRow)
    },
  }
}
