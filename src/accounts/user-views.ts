// How users and invites are shown in /api answers: never a password hash, never a token hash.
import type { Invite } from '../store/invites'
import type { User } from '../store/users'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export function userView(user: User) {
  return {
    id: user.id,
    email: user.email,
    account_id: user.accountId,
    role: user.role,
    is_admin: user.isAdmin,
    created_at: iso(user.createdAt),
  }
}
export type UserView = ReturnType<typeof userView>

export function inviteView(invite: Invite) {
  return {
    email: invite.email,
    account_id: invite.accountId,
    role: invite.role,
    is_admin: invite.isAdmin,
    created_at: iso(invite.createdAt),
    expires_at: iso(invite.expiresAt),
  }
}
