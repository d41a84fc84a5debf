// Choosing a deployment: smooth weighted round-robin over the healthy ones, O(deployments), no allocation.
import type { Deployment } from '../catalog/catalog'
import type { ProviderCaps } from '../limits/provider-caps'

/** A set of deployment indexes as a bit mask (a model lists at most MAX_DEPLOYMENTS). */
export const triedBit = (index: number) => 1 << index

/**
 * The deployment to try next among those not in `tried` whose provider has room under its caps.
 *
 * Healthy ones (not cooling) are chosen by smooth weighted round-robin (nginx's): each adds its
 * weight to its running total, the highest total wins and gives back the sum of the weights, so
 * weights 2:1:1 give A B C A A B C A … — exact shares, spread out, with no randomness. At equal
 * totals the one with fewer requests in flight wins. When every candidate is cooling, the one
 * that failed longest ago is tried rather than failing the request outright.
 *
 * Returns the deployment's index, or -1 when none is left (all tried, or all at their caps).
 * The caller takes the cap room (`caps.take`) for the one it uses.
 */
export function pickDeployment(deployments: readonly Deployment[], tried: number, now: number, caps: ProviderCaps, tokens: number): number {
  let best = -1
  let bestCurrent = 0
  let total = 0
  let fallback = -1
  let fallbackFailedAt = Infinity
  for (let i = 0; i < deployments.length; i++) {
    if ((tried & triedBit(i)) !== 0) continue
    const d = deployments[i]!
    if (!caps.room(d.served.provider.name, now, tokens)) continue
    const health = d.health
    if (health.cooling(now)) {
      if (health.lastFailedAt < fallbackFailedAt) {
        fallback = i
        fallbackFailedAt = health.lastFailedAt
      }
      continue
    }
    health.current += d.weight
    total += d.weight
    if (
      best === -1 ||
      health.current > bestCurrent ||
      (health.current === bestCurrent && health.inFlight < deployments[best]!.health.inFlight)
    ) {
      best = i
      bestCurrent = health.current
    }
  }
  if (best === -1) return fallback
  deployments[best]!.health.current -= total
  return best
}
