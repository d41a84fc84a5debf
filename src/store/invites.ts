// Invite links: only the SHA-256 of each token is kept; a token is used once, before it expires.
import type { Database } from 'bun:sqlite'
import type { UserRole } from './users'

export interface Invite {
  tokenHash: string
  email: string
  /** null: the invitee gets a new account of their own, as its owner. */
  accountId: string | null
  role: UserRole
  isAdmin: boolean
  createdBy: string | null
  createdAt: number
  expiresAt: number
  usedAt: number | null
}

export interface InviteStore {
  insert(invite: Invite): Promise<void>
  get(tokenHash: string): Promise<Invite | null>
  /** Marks the invite used unless it already was; true for the one caller that wins. */
  markUsed(tokenHash: string, at: number): Promise<boolean>
  listOpen(now: number, accountId?: string): Promise<Invite[]>
}

type Row = {
  token_hash: string
  email: string
  account_id: string | null
  role: UserRole
  is_admin: number
  created_by: string | null
  created_at: number
  expires_at: number
  used_at: number | null
}

const fromRow = (row: Row): Invite => ({
  tokenHash: row.token_hash,
  email: row.email,
  accountId: row.account_id,
  role: row.role,
  isAdmin: row.is_admin === 1,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
})

export function sqliteInviteStore(db: Database): InviteStore {
  const insert = db.query(`
    INSERT INTO invites (token_hash, email, account_id, role, is_admin, created_by, created_at, expires_at, used_at)
    VALUES ($tokenHash, $email, $accountId, $role, $isAdmin, $createdBy, $createdAt, $expiresAt, NULL)`)
  const get = db.query<Row, [string]>('SELECT * FROM invites WHERE token_hash = ?')
  const markUsed = db.query('UPDATE invites SET used_at = $at WHERE token_hash = $tokenHash AND used_at IS NULL')
  const open = db.query<Row, [number]>('SELECT * FROM invites WHERE used_at IS NULL AND expires_at > ? ORDER BY created_at DESC')
  const openFor = db.query<Row, [number, string]>(
    'SELECT * FROM invites WHERE used_at IS NULL AND expires_at > ? AND account_id = ? ORDER BY created_at DESC',
  )
  return {
    async insert(invite) {
      insert.run({
        tokenHash: invite.tokenHash,
        email: invite.email,
        accountId: invite.accountId,
        role: invite.role,
        isAdmin: invite.isAdmin ? 1 : 0,
        createdBy: invite.createdBy,
        createdAt: invite.createdAt,
        expiresAt: invite.expiresAt,
      })
    },
    async get(tokenHash) {
      const row = get.get(tokenHash)
      return row ? fromRow(row) : null
    },
    async markUsed(tokenHash, at) {
      return markUsed.run({ tokenHash, at }).changes > 0
    },
    async listOpen(now, accountId) {
      return (accountId === undefined ? open.all(now) : openFor.all(now, accountId)).map(fromRow)
    },
  }
}
