// Key authentication for /v1: header → key → account, from memory, with immediate invalidation.
import type { Config } from '../config/schema'
import { GatewayError } from '../errors'
import type { Store } from '../store'
import type { KeyWithAccount } from '../store/keys'
import type { Catalog } from '../catalog/catalog'
import type { Clock } from '../clock'
import { hashKey, keyFromHeaders, parseKey } from './keys'

export interface AuthenticatedKey {
  key: KeyWithAccount
  /** Model ids this key may call (plan ∩ key allowlist, less the account's disabled models). */
  allowedModels: ReadonlySet<string>
  /** The provider and model a key-suffix key forces (resolved per request, see resolveModel), or null. */
  forcedModel: { provider: string; model: string } | null
}

interface CacheEntry {
  key: KeyWithAccount
  allowedModels: ReadonlySet<string>
}

/** Entries kept at most; past that the cache starts over (it refills from the database). */
const CACHE_LIMIT = 50_000

/**
 * Authenticates keys from an in-memory map keyed by the key's SHA-256, so a lookup costs one hash
 * and no query. Any write through this process calls `invalidate()`; writes by another process
 * (the `token-hub admin` CLI) are caught by SQLite's `data_version`, checked once per event-loop
 * turn (the requests of one turn arrived together; a check each cost more than the rest of
 * authentication), so no cache entry outlives a revocation past the turn it committed in.
 */
export class KeyAuthenticator {
  private readonly cache = new Map<string, CacheEntry>()
  private seenVersion: number
  private checkedThisTurn = false
  /** A shared store's version read of this turn, while it is under way. */
  private turnCheck: Promise<void> | null = null
  private readonly nextTurn = () => {
    this.checkedThisTurn = false
    this.turnCheck = null
  }
  private readonly seen = (version: number) => {
    if (version !== this.seenVersion) {
      this.seenVersion = version
      this.cache.clear()
    }
  }

  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    private readonly clock: Clock,
    private readonly config: Config,
  ) {
    const version = store.externalVersion()
    // A shared store's version is read with the first request; until then nothing is cached.
    this.seenVersion = typeof version === 'number' ? version : -1
    if (typeof version !== 'number') version.catch(() => {})
  }

  invalidate(): void {
    this.cache.clear()
  }

  async authenticate(headers: Headers): Promise<AuthenticatedKey> {
    const header = keyFromHeaders(headers)
    if (header.kind === 'missing') {
      throw new GatewayError('missing_api_key', 'Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>".')
    }
    if (header.kind === 'garbled') throw new GatewayError('missing_api_key', `Malformed credentials: ${header.reason}.`)
    const parsed = parseKey(header.value, this.config.keys.prefix)
    if (!parsed) throw new GatewayError('invalid_api_key', 'Invalid API key.')

    if (!this.checkedThisTurn) {
      this.checkedThisTurn = true
      setImmediate(this.nextTurn)
      const version = this.store.externalVersion()
      // SQLite answers at once; a shared store (Postgres, written by every instance) with one
      // round trip that all requests of this turn wait for: a revoke committed anywhere before
      // it is seen here.
      if (typeof version === 'number') this.seen(version)
      else this.turnCheck = version.then(this.seen)
    }
    if (this.turnCheck) {
      try {
        await this.turnCheck
      } catch (error) {
        throw new GatewayError('store_unavailable', `Keys cannot be checked right now (${(error as Error).message}); retry shortly.`)
      }
    }
    const hash = hashKey(parsed.key)
    let entry = this.cache.get(hash)
    if (!entry) {
      const key = await this.store.keys.findByHash(hash)
      if (!key) throw new GatewayError('invalid_api_key', 'Invalid API key.')
      // Models disabled for the account are not callable, so they are not listed as allowed either.
      const allowed = this.catalog.allowedFor(key.accountPlan, key.models)
      const allowedModels =
        key.accountDisabledModels.length === 0 ? allowed : new Set([...allowed].filter((id) => !key.accountDisabledModels.includes(id)))
      entry = { key, allowedModels }
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear()
      this.cache.set(hash, entry)
    }
    const { key } = entry
    if (key.revokedAt !== null) throw new GatewayError('key_revoked', 'This API key has been revoked.')
    if (key.accountDeletedAt !== null) throw new GatewayError('key_expired', "This API key's account has been deleted.")
    if (key.expiresAt !== null && key.expiresAt <= this.clock.now()) {
      throw new GatewayError('key_expired', `This API key expired at ${new Date(key.expiresAt).toISOString()}.`)
    }
    return { key, allowedModels: entry.allowedModels, forcedModel: parsed.forced }
  }
}
