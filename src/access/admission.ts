// Whether a /v1 request may proceed at all: key, then the key's IP allowlist, then its request limits.
import type { Config } from '../config/schema'
import { GatewayError } from '../errors'
import type { AuthenticatedKey, KeyAuthenticator } from './auth'
import { CidrList, parseCidr } from './ip'
import { reportedState, type Limiter, type LimitSubject } from '../limits/limiter'
import type { RequestContext } from '../gateway/request-context'

export interface AdmissionDeps {
  config: Config
  auth: KeyAuthenticator
  limiter: Limiter
  /** Told of every request the limiter refuses (metrics). */
  onLimited?: (code: 'key_rpm_exceeded' | 'account_rpm_exceeded') => void
}

/**
 * Parsed allowlists, by the key record's own array: the auth cache hands out the same record until
 * it is invalidated, so each list is parsed once, and a changed key brings a new array.
 */
const allowlists = new WeakMap<readonly string[], CidrList>()

function allowlistOf(entries: readonly string[]): CidrList {
  let list = allowlists.get(entries)
  if (!list) {
    // Entries were validated when the key was minted; one that no longer parses matches nothing.
    list = new CidrList(entries.map(parseCidr).filter((cidr) => cidr !== null))
    allowlists.set(entries, list)
  }
  return list
}

/**
 * Authenticates the key, checks the client IP against the key's allowlist, and reports the
 * tighter request window on the context. Model calls (`takesSlot`) take a slot in the key's and
 * the account's windows or are refused with 429; other routes only look (`peek`).
 */
export async function admit(deps: AdmissionDeps, headers: Headers, ctx: RequestContext, takesSlot: boolean): Promise<AuthenticatedKey> {
  const auth = await deps.auth.authenticate(headers)
  ctx.authenticated(auth.key)
  const subject: LimitSubject = {
    keyId: auth.key.id,
    keyRpm: auth.key.rpm ?? deps.config.limits.key_rpm,
    accountId: auth.key.accountId,
    accountRpm: deps.config.limits.account_rpm,
  }
  const { ipAllowlist } = auth.key
  if (ipAllowlist !== null && ipAllowlist.length > 0 && !allowlistOf(ipAllowlist).contains(ctx.clientIp)) {
    ctx.limitsChecked(await deps.limiter.peek(subject))
    throw new GatewayError('ip_not_allowed', `Client IP ${ctx.clientIp ?? '(unknown)'} is not in this key's IP allowlist.`)
  }
  if (!takesSlot) {
    ctx.limitsChecked(await deps.limiter.peek(subject))
    return auth
  }
  const decision = await deps.limiter.check(subject)
  ctx.limitsChecked(reportedState(decision))
  // Limits that cannot be checked are not skipped (fail closed): refused before any upstream call.
  if (!decision.ok && decision.code === 'limiter_unavailable')
    throw new GatewayError('store_unavailable', `Refused: ${decision.reason}; retry shortly.`)
  if (!decision.ok) {
    deps.onLimited?.(decision.code)
    const scope = decision.code === 'key_rpm_exceeded' ? 'this key' : 'this account'
    throw new GatewayError(
      decision.code,
      `Rate limit of ${decision.limit} requests per minute reached for ${scope}; retry in ${decision.retryAfterSeconds} s.`,
      {
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
      },
    )
  }
  return auth
}
