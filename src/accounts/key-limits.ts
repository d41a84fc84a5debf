// A key's limits from a mint or edit body: validated once, with one meaning of null ("no limit").
import type { Catalog } from '../catalog/catalog'
import { DAY_MS } from '../clock'
import { GatewayError } from '../errors'
import { parseCidr } from '../access/ip'
import { parseUsd } from '../money/usd'
import type { KeyLimitsPatch } from '../store/key-updates'
import type { MintKeyBody } from './model'

/** The limit fields of a mint or edit body (`keyLimitFields` in model.ts), plus the key's name. */
export type KeyLimitsBody = Omit<MintKeyBody, 'name'> & { name?: string | null }

/**
 * The change a body asks for: an absent field stays as it is, null clears the limit, anything
 * else is checked (known models, addresses the gateway's own parser reads, a positive budget)
 * or refused with 400 naming the field. Minting applies the same patch to a key with no limits.
 */
export function keyLimitsPatch(body: KeyLimitsBody, catalog: Catalog, now: number): KeyLimitsPatch {
  const patch: KeyLimitsPatch = {}
  if (body.name !== undefined) patch.name = body.name
  if (body.models !== undefined) {
    body.models?.forEach((id, i) => {
      if (id !== '*' && !catalog.resolve(id) && !catalog.hasPattern(id))
        throw new GatewayError('invalid_body', `Unknown model '${id}'.`, { param: `models[${i}]` })
    })
    patch.models = body.models
  }
  if (body.ip_allowlist !== undefined) {
    // The same parser the gateway matches with: what is saved is what is enforced.
    body.ip_allowlist?.forEach((entry, i) => {
      if (!parseCidr(entry))
        throw new GatewayError('invalid_body', `ip_allowlist[${i}]: "${entry}" is not an IP address or CIDR range.`, {
          param: `ip_allowlist[${i}]`,
        })
    })
    // An empty list means no restriction, like an absent one.
    patch.ipAllowlist = body.ip_allowlist?.length ? body.ip_allowlist : null
  }
  if (body.rpm !== undefined) patch.rpm = body.rpm
  if (body.budget_usd !== undefined) {
    const micros = body.budget_usd === null ? null : parseUsd(body.budget_usd)
    if (body.budget_usd !== null && (micros === null || micros <= 0)) {
      throw new GatewayError('invalid_body', 'budget_usd must be a positive USD amount.', { param: 'budget_usd' })
    }
    patch.budgetMicros = micros
  }
  if (body.budget_window_days !== undefined) patch.budgetWindowDays = body.budget_window_days
  if (body.expires_in_days !== undefined) {
    patch.expiresAt = body.expires_in_days === null ? null : now + Math.round(body.expires_in_days * DAY_MS)
  }
  return patch
}
