// The operator's operations (accounts, credits, keys, the log), shared by /admin/* and `token-hub admin`.
import { availableMicros, debitTakesNoHeldMoney } from '../money/holds'
import type { Config } from '../config/schema'
import type { Catalog } from '../catalog/catalog'
import type { Clock } from '../clock'
import { newAccountId, newKeyId, randomBase62 } from '../ids'
import { mintKey } from '../access/keys'
import { formatUsd, parseUsd } from '../money/usd'
import { GatewayError } from '../errors'
import type { Store } from '../store'
import type { ApiKey } from '../store/keys'
import type { Scope } from './self-service'
import type { CreateAccountBody, CreditsBody, MintKeyBody, PatchAccountBody, RequestListQuery } from './model'
import { keyLimitsPatch } from './key-limits'
import { encodeCursor, parseRequestListQuery } from '../observability/request-list'
import { accountView, keyView, ledgerEntryView, requestView, type AccountView, type KeyView } from './views'

export interface AdminServiceDeps {
  store: Store
  config: Config
  catalog: Catalog
  clock: Clock
  /** Called after any write that can change what a key may do (revoke, delete, plan…). */
  onAccessChange?: () => void
}

export type AdminService = ReturnType<typeof createAdminService>

export function createAdminService({ store, config, catalog, clock, onAccessChange = () => {} }: AdminServiceDeps) {
  const liveAccount = async (id: string) => {
    const account = await store.accounts.get(id)
    if (!account || account.deletedAt !== null) throw new GatewayError('not_found', `No account '${id}'.`)
    return account
  }

  const credit = (accountId: string, amount: number, note: string | undefined) =>
    store.ledger.append({
      accountId,
      type: 'topup',
      amountMicros: amount,
      topupId: `manual_${randomBase62(16)}`,
      note: note ?? 'manual credit',
      createdAt: clock.now(),
    })

  /** An adjustment never takes money that requests in flight hold (their holds are in the serving process). */
  const debit = async (accountId: string, amount: number, note: string | undefined) => {
    const entry = { accountId, type: 'adjustment' as const, amountMicros: amount, note: note ?? 'manual credit', createdAt: clock.now() }
    const outcome = await store.ledger.appendIf(entry, (funds) => debitTakesNoHeldMoney(funds, amount))
    if (outcome.ok) return outcome.entry
    if (outcome.reason === 'account_not_found') return null
    const { funds } = outcome
    throw new GatewayError(
      'conflict',
      `An adjustment of -$${formatUsd(-amount)} would take money held by requests in flight: $${formatUsd(funds.heldMicros)} is held ` +
        `and $${formatUsd(availableMicros(funds))} available. Adjust by at most what is available, or once those requests have finished.`,
      { param: 'amount_usd' },
    )
  }

  return {
    async createAccount(body: CreateAccountBody): Promise<AccountView> {
      const plan = body.plan ?? config.billing.default_plan
      if (!catalog.hasPlan(plan)) throw new GatewayError('invalid_body', `Unknown plan '${plan}'.`, { param: 'plan' })
      const email = body.email.trim().toLowerCase()
      if (await store.accounts.findByEmail(email)) {
        throw new GatewayError('conflict', `An account with email '${email}' already exists.`, { param: 'email' })
      }
      const account = await store.accounts.create({ id: newAccountId(), email, name: body.name ?? null, plan, createdAt: clock.now() })
      return accountView(account)
    },

    async getAccount(id: string): Promise<AccountView> {
      return accountView(await liveAccount(id))
    },

    /** Live accounts for the admin pages and /api/admin, newest first, optionally filtered by email, name or id. */
    async directory(options: { query?: string; limit?: number; offset?: number } = {}) {
      return store.directory.accounts(options)
    },

    /** An operator's scope on any live account (404 for an unknown or deleted one): full management. */
    async scope(accountId: string): Promise<Scope> {
      await liveAccount(accountId)
      return { accountId, canManage: true }
    },

    /** Disables models for one account (403 model_disabled); takes effect on its keys' next request. */
    async patchAccount(id: string, body: PatchAccountBody): Promise<AccountView> {
      await liveAccount(id)
      body.disabled_models.forEach((model, i) => {
        if (!catalog.get(model)) throw new GatewayError('invalid_body', `Unknown model '${model}'.`, { param: `disabled_models[${i}]` })
      })
      await store.accounts.setDisabledModels(id, [...new Set(body.disabled_models)])
      onAccessChange()
      return this.getAccount(id)
    },

    async deleteAccount(id: string): Promise<void> {
      await liveAccount(id)
      await store.accounts.softDelete(id, clock.now())
      onAccessChange()
    },

    /** A positive amount is a top-up by the operator; a negative one an adjustment. */
    async addCredits(id: string, body: CreditsBody) {
      await liveAccount(id)
      const amount = parseUsd(body.amount_usd)
      if (amount === null || amount === 0) {
        throw new GatewayError('invalid_body', 'amount_usd must be a non-zero USD amount with at most 6 decimals.', { param: 'amount_usd' })
      }
      const entry = amount > 0 ? await credit(id, amount, body.note) : await debit(id, amount, body.note)
      if (!entry) throw new GatewayError('not_found', `No account '${id}'.`)
      return { entry: ledgerEntryView(entry), account: await this.getAccount(id) }
    },

    async mintKey(accountId: string, body: MintKeyBody): Promise<KeyView & { key: string }> {
      await liveAccount(accountId)
      const now = clock.now()
      const limits = keyLimitsPatch(
        { ...body, expires_in_days: body.expires_in_days === undefined ? config.keys.default_expiry_days || null : body.expires_in_days },
        catalog,
        now,
      )
      const minted = mintKey(config.keys.prefix)
      const key: ApiKey = {
        id: newKeyId(),
        accountId,
        name: body.name ?? null,
        hash: minted.hash,
        prefix: minted.displayPrefix,
        models: limits.models ?? null,
        ipAllowlist: limits.ipAllowlist ?? null,
        rpm: limits.rpm ?? null,
        budgetMicros: limits.budgetMicros ?? null,
        budgetWindowDays: limits.budgetWindowDays ?? 30,
        createdAt: now,
        expiresAt: limits.expiresAt ?? null,
        revokedAt: null,
      }
      await store.keys.insert(key)
      return { ...keyView(key), key: minted.key }
    },

    async listKeys(accountId: string): Promise<KeyView[]> {
      await liveAccount(accountId)
      return (await store.keys.listByAccount(accountId)).map(keyView)
    },

    async revokeKey(id: string): Promise<KeyView> {
      const key = await store.keys.get(id)
      if (!key) throw new GatewayError('not_found', `No key '${id}'.`)
      await store.keys.revoke(id, clock.now())
      onAccessChange()
      return keyView((await store.keys.get(id))!)
    },

    async getRequest(requestId: string) {
      const row = await store.requestLog.get(requestId)
      if (!row) throw new GatewayError('not_found', `No logged request '${requestId}'.`)
      return requestView(row)
    },

    /** The operational log, newest first, filtered; `next_cursor` continues the list. */
    async listRequests(query: RequestListQuery) {
      const page = await store.requestLog.list(parseRequestListQuery(query))
      return { data: page.rows.map(requestView), next_cursor: page.next ? encodeCursor(page.next) : null }
    },

    async ledger(accountId: string, options: { limit?: number; before?: number } = {}) {
      const account = await store.accounts.get(accountId)
      if (!account) throw new GatewayError('not_found', `No account '${accountId}'.`)
      const page = await store.ledger.list(accountId, options)
      return { data: page.entries.map(ledgerEntryView), next_before: page.nextBefore }
    },
  }
}
