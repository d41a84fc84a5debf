// What a signed-in user sees and does in one account: overview, keys, ledger, activity, lookups.
import type { AdminService } from './service'
import { keyLimitsPatch } from './key-limits'
import { legacyBalance, legacySubscription, legacyUsage } from './legacy-billing'
import { keyView } from './views'
import type { Config } from '../config/schema'
import type { Catalog } from '../catalog/catalog'
import { type Clock, DAY_MS, utcDayStart } from '../clock'
import { GatewayError } from '../errors'
import type { Store } from '../store'
import { keySpendOf } from '../money/key-budget'
import type { RequestLogFilter, RequestLogPosition } from '../store/request-log'
import type { ApiKey } from '../store/keys'
import type { KeyPatchBody, MintKeyBody } from './self-service-model'

/**
 * The account a request acts on and whether it may change things. Routes build it: a user's own
 * account (owners and admins manage, members only look), or any account for admins' pages.
 */
export interface Scope {
  accountId: string
  canManage: boolean
}

/** An account's activity filter: the log's filter without the account (the session's) or the page. */
export type ActivityFilter = Omit<RequestLogFilter, 'accountId' | 'after' | 'limit'>

/** `limit` is clamped to 1–200 (default 50); `after` is the previous page's `next`. */
export interface ActivityPage {
  limit?: number
  after?: RequestLogPosition
}

export type PortalService = ReturnType<typeof createPortalService>

export interface PortalDeps {
  store: Store
  config: Config
  catalog: Catalog
  clock: Clock
  admin: AdminService
  /** Called after any write that changes what a key may do. */
  onAccessChange: () => void
}

const startOfMonth = (at: number) => {
  const d = new Date(at)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
}

export function createPortalService({ store, config, catalog, clock, admin, onAccessChange }: PortalDeps) {
  const requireManage = (scope: Scope, what: string) => {
    if (!scope.canManage) throw new GatewayError('forbidden', `Only the account owner can ${what}.`)
  }
  /** The key, only if it is this account's: anyone else's id answers exactly like an unknown one. */
  const ownKey = async (scope: Scope, keyId: string): Promise<ApiKey> => {
    const key = await store.keys.get(keyId)
    if (!key || key.accountId !== scope.accountId) throw new GatewayError('not_found', `No key '${keyId}'.`)
    return key
  }
  /** Settled spend in the key's current budget window (the windows the budget is enforced in). */
  const keySpend = async (key: ApiKey, now: number) => {
    const record = await store.keySpend.read(key.id)
    return record ? keySpendOf(record, now).spentMicros : 0
  }

  return {
    async overview(scope: Scope) {
      const account = await store.accounts.get(scope.accountId)
      if (!account || account.deletedAt !== null) throw new GatewayError('not_found', `No account '${scope.accountId}'.`)
      const now = clock.now()
      const today = utcDayStart(now)
      const from = today - 29 * DAY_MS
      const daily = new Map((await store.spend.byDay(scope.accountId, from, now + 1)).map((d) => [d.day, d.micros]))
      const keys = (await store.keys.listByAccount(scope.accountId)).filter((k) => k.revokedAt === null)
      return {
        account,
        spendMonthMicros: await store.spend.between(scope.accountId, startOfMonth(now), now + 1),
        spendByDay: Array.from({ length: 30 }, (_, i) => ({ day: from + i * DAY_MS, micros: daily.get(from + i * DAY_MS) ?? 0 })),
        liveKeys: keys.filter((k) => k.expiresAt === null || k.expiresAt > now).length,
      }
    },

    /** The account alone (its plan, balance): what most pages need, without the overview's spend sums over the ledger. */
    async account(scope: Scope) {
      const account = await store.accounts.get(scope.accountId)
      if (!account || account.deletedAt !== null) throw new GatewayError('not_found', `No account '${scope.accountId}'.`)
      return account
    },

    /** Keys not revoked (expired ones included, marked by their expiry), with spend in their budget window. */
    async keys(scope: Scope) {
      const now = clock.now()
      const keys = (await store.keys.listByAccount(scope.accountId)).filter((k) => k.revokedAt === null)
      return Promise.all(
        keys.map(async (k) => ({
          ...keyView(k),
          expired: k.expiresAt !== null && k.expiresAt <= now,
          window_spend_micros: await keySpend(k, now),
        })),
      )
    },

    async key(scope: Scope, keyId: string) {
      const key = await ownKey(scope, keyId)
      if (key.revokedAt !== null) throw new GatewayError('not_found', `No key '${keyId}'.`)
      return {
        ...keyView(key),
        expired: key.expiresAt !== null && key.expiresAt <= clock.now(),
        window_spend_micros: await keySpend(key, clock.now()),
      }
    },

    /** The full key is in this answer only. Budgets and IP lists go through the admin service's own checks. */
    async mintKey(scope: Scope, body: MintKeyBody) {
      requireManage(scope, 'create keys')
      return admin.mintKey(scope.accountId, body)
    },

    async updateKey(scope: Scope, keyId: string, body: KeyPatchBody) {
      requireManage(scope, 'change key limits')
      const key = await ownKey(scope, keyId)
      if (key.revokedAt !== null) throw new GatewayError('not_found', `No key '${keyId}'.`)
      const patch = keyLimitsPatch(body, catalog, clock.now())
      if (!(await store.keyUpdates.update(keyId, patch))) throw new GatewayError('not_found', `No key '${keyId}'.`)
      onAccessChange()
      return keyView((await store.keys.get(keyId))!)
    },

    async revokeKey(scope: Scope, keyId: string) {
      requireManage(scope, 'revoke keys')
      const key = await ownKey(scope, keyId)
      if (key.revokedAt !== null) throw new GatewayError('not_found', `No key '${keyId}'.`)
      return admin.revokeKey(keyId)
    },

    async ledger(scope: Scope, page: { limit?: number; before?: number }) {
      return admin.ledger(scope.accountId, page)
    },

    /** One ledger entry, only if it is this account's. */
    async ledgerEntry(scope: Scope, id: string) {
      const entry = /^\d{1,15}$/.test(id) ? await store.ledgerLookup.get(scope.accountId, Number(id)) : null
      if (!entry) throw new GatewayError('not_found', `No ledger entry '${id}'.`)
      return entry
    },

    /** The account's log, newest first: the operators' query, pinned to this account. */
    async activity(scope: Scope, filter: ActivityFilter, page: ActivityPage) {
      if (filter.keyId) await ownKey(scope, filter.keyId)
      const limit = Math.min(Math.max(page.limit ?? 50, 1), 200)
      return store.requestLog.list({ ...filter, accountId: scope.accountId, after: page.after, limit })
    },

    async activityModels(scope: Scope) {
      return store.requestLog.models(scope.accountId)
    },

    /** One logged request, only if it is this account's. */
    async request(scope: Scope, requestId: string) {
      const row = await store.requestLog.get(requestId.trim())
      if (!row || row.accountId !== scope.accountId)
        throw new GatewayError(
          'not_found',
          `No request '${requestId}' in this account's log (rows are kept ${config.logs.retention_days} days).`,
        )
      return row
    },

    /** The account's balance as `/v1/account/balance` shows it to the key's holder. */
    async balance(scope: Scope) {
      return legacyBalance(store, scope.accountId)
    },

    /** The legacy OpenAI subscription shape (`/v1/dashboard/billing/subscription`). */
    async legacySubscription(scope: Scope, keyExpiresAt: number | null) {
      return legacySubscription(store, scope.accountId, keyExpiresAt, clock.now())
    },

    /** The legacy OpenAI usage shape (`/v1/dashboard/billing/usage`). */
    async legacyUsage(scope: Scope, query: { start_date?: string; end_date?: string }) {
      return legacyUsage(store, scope.accountId, query, clock.now())
    },
  }
}
