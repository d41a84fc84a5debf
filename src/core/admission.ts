// Whether a /v1 request may proceed at all: key, then the key's request limits.
import type { Config } from '../config/schema'
import { GatewayError } from '../errors'
import type { AuthenticatedKey, KeyAuthenticator } from './auth'
import type { Limiter } from './limiter'
import type { RequestContext } from './request-context'

export interface AdmissionDeps {
  config: Config
  auth: KeyAuthenticator
  limiter: Limiter | null
}

/**
 * Authenticates the key and, for model calls (`takesSlot`), takes a slot in the key's and the
 * account's request windows. Fills the context's account, key and rate-limit state.
 */
export async function admit(deps: AdmissionDeps, headers: Headers, ctx: RequestContext, takesSlot: boolean): Promise<AuthenticatedKey> {
  const auth = await deps.auth.authenticate(headers)
  ctx.accountId = auth.key.accountId
  ctx.keyId = auth.key.id
  if (deps.limiter && takesSlot) {
    const decision = deps.limiter.check({
      keyId: auth.key.id,
      keyRpm: auth.key.rpm ?? deps.config.limits.key_rpm,
      accountId: auth.key.accountId,
      accountRpm: deps.config.limits.account_rpm,
    })
    ctx.rateLimit = { limit: decision.limit, remaining: decision.remaining, resetSeconds: decision.resetSeconds }
    if (!decision.ok) {
      const scope = decision.code === 'key_rpm_exceeded' ? 'this key' : 'this account'
      throw new GatewayError(decision.code, `Rate limit of ${decision.limit} requests per minute reached for ${scope}; retry in ${decision.retryAfterSeconds} s.`, {
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
      })
    }
  }
  return auth
}
