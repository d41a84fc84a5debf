// Users: creation, sign-in with throttling, sign-up modes, invites, the first admin's one-time setup.
import type { AdminService } from './service'
import type { Config } from '../config/schema'
import type { Clock } from '../clock'
import { randomBase62 } from '../ids'
import { hashKey } from '../access/keys'
import { GatewayError } from '../errors'
import type { Store } from '../store'
import type { Invite } from '../store/invites'
import type { User, UserRole } from '../store/users'
import { hashPassword, passwordProblem, verifyDecoy, verifyPassword } from './password'
import { createLoginThrottle } from './sign-in-throttle'

const HOUR_MS = 3_600_000
const SETUP_SETTING = 'setup_token_sha256'
const EMAIL = /^[^@\s]+@[^@\s]+$/

export interface UserServiceDeps {
  store: Store
  config: Config
  clock: Clock
  admin: AdminService
  /** Where invite links go when there is no mailer (the server log). */
  notify?: (line: string) => void
}

export interface NewUser {
  email: string
  password: string
  /** Join this account; without it a new account is created and the user owns it. */
  accountId?: string | null
  role?: UserRole
  isAdmin?: boolean
  plan?: string
}

export type UserService = ReturnType<typeof createUserService>

export const normalizeEmail = (email: string) => email.trim().toLowerCase()

export function createUserService({ store, config, clock, admin, notify = (line) => console.log(line) }: UserServiceDeps) {
  const throttle = createLoginThrottle(clock, config.auth.login_max_failures, config.auth.login_lockout_minutes * 60_000)
  const baseUrl = config.server.public_url.replace(/\/+$/, '')

  const checkPassword = (password: string) => {
    const problem = passwordProblem(password, config.auth.min_password_length)
    if (problem) throw new GatewayError('invalid_body', problem, { param: 'password' })
  }

  const liveInvite = async (token: string): Promise<Invite | null> => {
    const invite = await store.invites.get(hashKey(token))
    return invite && invite.usedAt === null && invite.expiresAt > clock.now() ? invite : null
  }

  const service = {
    /** Creates a user (and, without `accountId`, the account they own). */
    async createUser(input: NewUser): Promise<User> {
      const email = normalizeEmail(input.email)
      if (!EMAIL.test(email)) throw new GatewayError('invalid_body', 'That is not an email address.', { param: 'email' })
      checkPassword(input.password)
      if (await store.users.findByEmail(email))
        throw new GatewayError('conflict', `A user with email '${email}' already exists.`, { param: 'email' })
      let accountId = input.accountId ?? null
      let role: UserRole = input.role ?? 'member'
      if (accountId === null) {
        accountId = (await admin.createAccount({ email, plan: input.plan })).id
        role = 'owner'
      } else {
        await admin.getAccount(accountId)
      }
      const user: User = {
        id: `user_${randomBase62(16)}`,
        email,
        passwordHash: await hashPassword(input.password),
        accountId,
        role,
        isAdmin: input.isAdmin ?? false,
        createdAt: clock.now(),
      }
      if (!(await store.users.create(user)))
        throw new GatewayError('conflict', `A user with email '${email}' already exists.`, { param: 'email' })
      return user
    },

    /** Email + password → the user; throttled per email and per client IP. */
    async signIn(emailInput: string, password: string, ip: string | null): Promise<User> {
      const email = normalizeEmail(emailInput)
      // Counted before the password is checked: attempts in flight together cannot all pass a check made before any of them failed.
      const decision = throttle.begin(email, ip)
      if (!decision.ok) {
        const wait = decision.retryAfterSeconds
        throw new GatewayError('too_many_attempts', `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`, {
          headers: { 'retry-after': String(wait) },
        })
      }
      const { attempt } = decision
      const user = await store.users.findByEmail(email)
      // Without a user the decoy still spends a hash's time, so timing does not tell which emails exist.
      const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyDecoy(password).then(() => false)
      if (!ok || !user) {
        attempt.fail()
        throw new GatewayError('unauthorized', 'Wrong email or password.')
      }
      const account = await store.accounts.get(user.accountId)
      if (!account || account.deletedAt !== null) {
        attempt.fail()
        throw new GatewayError('unauthorized', 'This account has been deleted.')
      }
      attempt.succeed()
      return user
    },

    /** Self-service sign-up: with `signup = "open"`, or with an invite in any mode that issues them. */
    async signUp(emailInput: string, password: string, inviteToken?: string): Promise<User> {
      if (inviteToken) return service.acceptInvite(inviteToken, password, emailInput)
      if (config.auth.signup !== 'open') {
        throw new GatewayError(
          'forbidden',
          config.auth.signup === 'invite'
            ? 'Sign-up needs an invite link from an admin.'
            : 'Sign-up is closed on this server; ask an admin for an account.',
        )
      }
      const email = normalizeEmail(emailInput)
      if (await store.accounts.findByEmail(email)) {
        // An account an admin created for this email is claimed through its invite, never by signing up.
        throw new GatewayError('conflict', `An account for '${email}' already exists; ask an admin for an invite link.`, { param: 'email' })
      }
      return service.createUser({ email, password })
    },

    /**
     * An invite link. Admins invite anyone (into an account, or into a new one of their own, as
     * admins too); owners invite into their own account; with `signup = "closed"` only admins invite.
     */
    async createInvite(by: User | null, input: { email: string; accountId: string | null; role?: UserRole; isAdmin?: boolean }) {
      const email = normalizeEmail(input.email)
      if (!EMAIL.test(email)) throw new GatewayError('invalid_body', 'That is not an email address.', { param: 'email' })
      const byAdmin = by === null || by.isAdmin
      if (!byAdmin) {
        if (config.auth.signup === 'closed') throw new GatewayError('forbidden', 'Sign-up is closed: only admins can invite.')
        if (by.role !== 'owner') throw new GatewayError('forbidden', 'Only the account owner can invite people.')
        if (input.accountId !== by.accountId || input.isAdmin)
          throw new GatewayError('forbidden', 'Owners can invite people into their own account only.')
      }
      if (await store.users.findByEmail(email)) throw new GatewayError('conflict', `'${email}' already has a user.`, { param: 'email' })
      if (input.accountId !== null) await admin.getAccount(input.accountId)
      const token = randomBase62(40)
      const now = clock.now()
      const invite: Invite = {
        tokenHash: hashKey(token),
        email,
        accountId: input.accountId,
        role: input.accountId === null ? 'owner' : (input.role ?? 'member'),
        isAdmin: byAdmin && (input.isAdmin ?? false),
        createdBy: by?.id ?? null,
        createdAt: now,
        expiresAt: now + config.auth.invite_ttl_hours * HOUR_MS,
        usedAt: null,
      }
      await store.invites.insert(invite)
      const url = `${baseUrl}/invite/${token}`
      notify(`token-hub: invite for ${email} (valid ${config.auth.invite_ttl_hours} h): ${url}`)
      return { invite, url }
    },

    /** Whether the user may invite people at all (the rule createInvite enforces): admins, or owners unless sign-up is closed. */
    canInvite(by: User): boolean {
      return by.isAdmin || (by.role === 'owner' && config.auth.signup !== 'closed')
    },

    /** The invite behind a link, if it can still be used. */
    inviteFor: liveInvite,

    /** Uses the invite (once) and creates its user with the chosen password. */
    async acceptInvite(token: string, password: string, emailInput?: string): Promise<User> {
      const invite = await liveInvite(token)
      if (!invite) throw new GatewayError('not_found', 'This invite link is invalid, used or expired; ask for a new one.')
      if (emailInput && normalizeEmail(emailInput) !== invite.email) {
        throw new GatewayError('invalid_body', `This invite is for ${invite.email}.`, { param: 'email' })
      }
      checkPassword(password)
      if (await store.users.findByEmail(invite.email))
        throw new GatewayError('conflict', `'${invite.email}' already has a user; sign in instead.`)
      if (!(await store.invites.markUsed(invite.tokenHash, clock.now())))
        throw new GatewayError('not_found', 'This invite link was just used.')
      // An admin-created account with this email and no users yet is the invitee's own.
      let accountId = invite.accountId
      if (accountId === null) {
        const existing = await store.accounts.findByEmail(invite.email)
        if (existing && (await store.users.listByAccount(existing.id)).length === 0) accountId = existing.id
      }
      return service.createUser({
        email: invite.email,
        password,
        accountId,
        role: accountId === invite.accountId ? invite.role : 'owner',
        isAdmin: invite.isAdmin,
      })
    },

    /**
     * While the instance has no users: a one-time setup token (printed at start) that creates the
     * first admin. Each call replaces the previous token; null once a user exists.
     */
    async issueSetupToken(): Promise<string | null> {
      if ((await store.users.count()) > 0) return null
      const token = randomBase62(32)
      await store.settings.set(SETUP_SETTING, hashKey(token))
      return token
    },

    async setupOpen(token: string): Promise<boolean> {
      if ((await store.users.count()) > 0) return false
      const expected = await store.settings.get(SETUP_SETTING)
      return expected !== null && expected === hashKey(token)
    },

    async completeSetup(token: string, email: string, password: string): Promise<User> {
      if (!(await service.setupOpen(token)))
        throw new GatewayError('not_found', 'This setup link is invalid or has been used; sign in instead.')
      await store.settings.set(SETUP_SETTING, '')
      return service.createUser({ email, password, isAdmin: true })
    },

    /** Returns the user with the new password, for the caller's fresh session. */
    async changePassword(user: User, current: string, next: string): Promise<User> {
      if (!(await verifyPassword(current, user.passwordHash)))
        throw new GatewayError('invalid_body', 'The current password is wrong.', { param: 'current_password' })
      checkPassword(next)
      await store.users.setPassword(user.id, await hashPassword(next))
      // Other sessions of this user end; the caller issues a fresh one for this browser.
      await store.sessions.removeForUser(user.id)
      return (await store.users.get(user.id))!
    },

    async team(accountId: string) {
      return { users: await store.users.listByAccount(accountId), invites: await store.invites.listOpen(clock.now(), accountId) }
    },

    /** Owners remove members of their account; admins remove anyone but themselves. */
    async removeUser(by: User, userId: string): Promise<void> {
      const target = await store.users.get(userId)
      if (!target || (!by.isAdmin && target.accountId !== by.accountId)) throw new GatewayError('not_found', `No user '${userId}'.`)
      if (target.id === by.id) throw new GatewayError('forbidden', 'You cannot remove yourself.')
      if (!by.isAdmin && by.role !== 'owner') throw new GatewayError('forbidden', 'Only the account owner can remove people.')
      await store.users.remove(target.id)
    },
  }
  return service
}
