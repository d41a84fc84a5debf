// One deployment's health: in flight, cooldown after failures, and its counters for /metrics and the admin view.
import type { GatewayError } from '../errors'

/** What the router needs of the `[routing]` section. */
export interface CooldownPolicy {
  cooldownMs: number
  maxCooldownMs: number
}

/**
 * Whether a failed attempt says the deployment is unwell (so another may be tried): the upstream
 * rate-limited, failed, timed out or could not be reached. A 4xx the client's request caused is
 * the answer, whichever deployment is asked.
 */
export function isDeploymentFailure(error: GatewayError): boolean {
  switch (error.code) {
    case 'upstream_rate_limited':
    case 'upstream_error':
    case 'upstream_timeout':
      return true
    case 'upstream_passthrough':
      return error.status >= 500
    default:
      return false
  }
}

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | null {
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : null
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}

/**
 * The live state of one deployment (a model entry on one provider). Mutated in place on the hot
 * path — plain numeric fields, no allocation — and read by the admin view and /metrics. It
 * outlives config reloads (kept by id), so a reload does not forget a cooldown.
 */
export class DeploymentHealth {
  /** Smooth weighted round-robin's running weight (see balancer.ts). */
  current = 0
  inFlight = 0
  /** Consecutive failures: the cooldown doubles with each, and a success resets it. */
  failures = 0
  cooldownUntil = 0
  lastFailedAt = 0
  lastError: string | null = null
  lastStatus: number | null = null
  requests = 0
  errors = 0
  cooldowns = 0
  latencySeconds = 0

  constructor(
    readonly id: string,
    readonly model: string,
    readonly provider: string,
  ) {}

  cooling(now: number): boolean {
    return this.cooldownUntil > now
  }

  started(): void {
    this.inFlight++
    this.requests++
  }

  /** The attempt answered (a stream: its first frame). */
  succeeded(latencySeconds: number): void {
    this.latencySeconds += latencySeconds
    this.failures = 0
    this.cooldownUntil = 0
  }

  /** The attempt failed; a deployment failure cools the deployment down (Retry-After wins). */
  failed(error: GatewayError, latencySeconds: number, now: number, policy: CooldownPolicy): void {
    this.latencySeconds += latencySeconds
    this.errors++
    this.lastError = error.message
    this.lastStatus = error.status
    if (!isDeploymentFailure(error)) return
    this.failures++
    this.lastFailedAt = now
    const growing = Math.min(policy.cooldownMs * 2 ** Math.min(this.failures - 1, 30), policy.maxCooldownMs)
    const asked = error.status === 429 ? retryAfterMs(error.headers['retry-after'], now) : null
    this.cooldownUntil = now + (asked ?? growing)
    this.cooldowns++
  }

  /** The attempt (a stream: the whole stream) is over. */
  ended(): void {
    this.inFlight--
  }

  /** For `GET /admin/deployments`. */
  view(now: number, weight: number, upstreamModel: string | null) {
    return {
      id: this.id,
      model: this.model,
      provider: this.provider,
      upstream_model: upstreamModel,
      weight,
      state: this.cooling(now) ? 'cooling' : this.failures > 0 ? 'recovering' : 'healthy',
      in_flight: this.inFlight,
      consecutive_failures: this.failures,
      cooldown_until: this.cooling(now) ? new Date(this.cooldownUntil).toISOString() : null,
      last_error: this.lastError,
      last_status: this.lastStatus,
      last_failed_at: this.lastFailedAt > 0 ? new Date(this.lastFailedAt).toISOString() : null,
      requests: this.requests,
      errors: this.errors,
      cooldowns: this.cooldowns,
    }
  }
}
