// Dashboard sessions: the SHA-256 of the cookie's id, its user, its CSRF token and its lifetimes.
import type { Database } from 'bun:sqlite'
import { userFromRow, type User } from './users'

export interface SessionRecord {
  idHash: string
  userId: string
  csrfToken: string
  createdAt: number
  lastSeenAt: number
  expiresAt: number
}

export interface SessionWithUser extends SessionRecord {
  user: User
}

export interface SessionStore {
  insert(session: SessionRecord): Promise<void>
  /** The session and its user, or null (unknown id, its user is gone, or their account was deleted). */
  get(idHash: string): Promise<SessionWithUser | null>
  touch(idHash: string, at: number): Promise<void>
  remove(idHash: string): Promise<boolean>
  removeForUser(userId: string): Promise<number>
  /** Deletes sessions past their absolute end or idle since before `idleBefore`. */
  purge(now: number, idleBefore: number): Promise<number>
}

type Row = {
  id_hash: string
  user_id: string
  csrf_token: string
  created_at: number
  last_seen_at: number
  expires_at: number
}

export function sqliteSessionStore(db: Database): SessionStore {
  const insert = db.query(`
    INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
    VALUES ($idHash, $userId, $csrfToken, $createdAt, $lastSeenAt, $expiresAt)`)
  const get = db.query<
    Row & {
      u_id: string
      email: string
      password_hash: string
      account_id: string
      role: 'owner' | 'member'
      is_admin: number
      u_created_at: number
    },
    [string]
  >(`
    SELECT s.*, u.id AS u_id, u.email, u.password_hash, u.account_id, u.role, u.is_admin, u.created_at AS u_created_at
    FROM sessions s JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = u.account_id
    WHERE s.id_hash = ? AND a.deleted_at IS NULL`)
  const touch = db.query('UPDATE sessions SET last_seen_at = $at WHERE id_hash = $idHash')
  const remove = db.query('DELETE FROM sessions WHERE id_hash = ?')
  const removeForUser = db.query('DELETE FROM sessions WHERE user_id = ?')
  const purge = db.query('DELETE FROM sessions WHERE expires_at <= $now OR last_seen_at < $idleBefore')
  return {
    async insert(session) {
      insert.run({ ...session })
    },
    async get(idHash) {
      const row = get.get(idHash)
      if (!row) return null
      return {
        idHash: row.id_hash,
        userId: row.user_id,
        csrfToken: row.csrf_token,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        expiresAt: row.expires_at,
        user: userFromRow({
          id: row.u_id,
          email: row.email,
          password_hash: row.password_hash,
          account_id: row.account_id,
          role: row.role,
          is_admin: row.is_admin,
          created_at: row.u_created_at,
        }),
      }
    },
    async touch(idHash, at) {
      touch.run({ idHash, at })
    },
    async remove(idHash) {
      return remove.run(idHash).changes > 0
    },
    async removeForUser(userId) {
      return removeForUser.run(userId).changes
    },
    async purge(now, idleBefore) {
      return purge.run({ now, idleBefore }).changes
    },
  }
}
