// Dashboard users: email + argon2id password hash, one account each (owner or member), instance admins.
import type { Database } from 'bun:sqlite'

export type UserRole = 'owner' | 'member'

export interface User {
  id: string
  email: string
  passwordHash: string
  accountId: string
  role: UserRole
  isAdmin: boolean
  createdAt: number
}

export interface UserStore {
  /** False when the email is taken. */
  create(user: User): Promise<boolean>
  get(id: string): Promise<User | null>
  findByEmail(email: string): Promise<User | null>
  listByAccount(accountId: string): Promise<User[]>
  count(): Promise<number>
  setPassword(id: string, passwordHash: string): Promise<void>
  setAdmin(id: string, isAdmin: boolean): Promise<void>
  /** Deletes the user and (by cascade) their sessions. */
  remove(id: string): Promise<boolean>
}

type Row = {
  id: string
  email: string
  password_hash: string
  account_id: string
  role: UserRole
  is_admin: number
  created_at: number
}

export const userFromRow = (row: Row): User => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  accountId: row.account_id,
  role: row.role,
  isAdmin: row.is_admin === 1,
  createdAt: row.created_at,
})

export function sqliteUserStore(db: Database): UserStore {
  const insert = db.query(`
    INSERT INTO users (id, email, password_hash, account_id, role, is_admin, created_at)
    VALUES ($id, $email, $passwordHash, $accountId, $role, $isAdmin, $createdAt)
    ON CONFLICT(email) DO NOTHING`)
  const byId = db.query<Row, [string]>('SELECT * FROM users WHERE id = ?')
  const byEmail = db.query<Row, [string]>('SELECT * FROM users WHERE email = ?')
  const byAccount = db.query<Row, [string]>('SELECT * FROM users WHERE account_id = ? ORDER BY created_at, id')
  const count = db.query<{ n: number }, []>('SELECT COUNT(*) AS n FROM users')
  const setPassword = db.query('UPDATE users SET password_hash = $hash WHERE id = $id')
  const setAdmin = db.query('UPDATE users SET is_admin = $admin WHERE id = $id')
  const remove = db.query('DELETE FROM users WHERE id = ?')
  return {
    async create(user) {
      return insert.run({ ...user, isAdmin: user.isAdmin ? 1 : 0 }).changes > 0
    },
    async get(id) {
      const row = byId.get(id)
      return row ? userFromRow(row) : null
    },
    async findByEmail(email) {
      const row = byEmail.get(email)
      return row ? userFromRow(row) : null
    },
    async listByAccount(accountId) {
      return byAccount.all(accountId).map(userFromRow)
    },
    async count() {
      return count.get()!.n
    },
    async setPassword(id, hash) {
      setPassword.run({ id, hash })
    },
    async setAdmin(id, admin) {
      setAdmin.run({ id, admin: admin ? 1 : 0 })
    },
    async remove(id) {
      return remove.run(id).changes > 0
    },
  }
}
