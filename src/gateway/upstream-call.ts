// Calling the upstream: a deployment per attempt, retries on another before the first byte, then fallbacks to other models.
import type { Config } from '../config/schema'
import { GatewayError, toGatewayError } from '../errors'
import type { CallContext } from '../providers/types'
import type { CatalogModel, Deployment, RoutingPolicy } from '../catalog/catalog'
import type { Clock, Timer } from '../clock'
import type { ProviderCaps } from '../limits/provider-caps'
import { pickDeployment, triedBit } from '../routing/balancer'
import { isDeploymentFailure } from '../routing/health'
import type { RequestContext } from './request-context'

/** What routing needs from the app: the provider caps, the clock (cooldowns) and the timer (latency). */
export interface RoutingDeps {
  caps: ProviderCaps
  clock: Clock
  timer: Timer
}

export interface UpstreamCallOptions {
  config: Config
  ctx: RequestContext
  /** The model, then its fallbacks. */
  chain: CatalogModel[]
  streaming: boolean
  clientHeaders: Headers
  /** The client's query string ('' when none). */
  clientQuery: string
  routing: RoutingDeps
  policy: RoutingPolicy
  /** Tokens the request is estimated at, for providers' tpm caps. */
  tokens: number
}

/** The answer, the model as the deployment that answered serves it, and that deployment. */
export interface Served<T> {
  value: T
  model: CatalogModel
  deployment: Deployment
}

/**
 * Runs `attempt` on deployments of each model of the chain until one succeeds. Within a model, a
 * deployment failure (429, 5xx, timeout, refused) cools that deployment down and the next one is
 * tried, up to `policy.retries` more; a 4xx the client caused is the answer at once. When a
 * model's tries are spent on a 502/504, its fallbacks follow as before. Every attempt is recorded
 * on the context. A stream's deployment stays in flight until `finished(served)`, when the
 * stream ends.
 */
export async function callWithFallbacks<T>(
  options: UpstreamCallOptions,
  attempt: (model: CatalogModel, context: CallContext) => Promise<T>,
): Promise<Served<T>> {
  const { config, ctx, chain, routing, policy } = options
  const timeoutMs = (options.streaming ? config.upstream.stream_timeout_s : config.upstream.timeout_s) * 1000
  let lastError: GatewayError | null = null
  for (let m = 0; m < chain.length; m++) {
    const model = chain[m]!
    let tried = 0
    for (let tries = 0; tries <= policy.retries; tries++) {
      const now = routing.clock.now()
      const index = pickDeployment(model.deployments, tried, now, routing.caps, options.tokens)
      if (index === -1) {
        // Deployments left untried but none with room: every provider is at its rpm / tpm cap.
        if (tries === 0) lastError = capsFull(model, routing, now)
        break
      }
      tried |= triedBit(index)
      const deployment = model.deployments[index]!
      const served = deployment.served
      routing.caps.take(served.provider.name, now, options.tokens)
      deployment.health.started()
      ctx.upstreamCalled(served)
      const context: CallContext = {
        upstreamModel: served.upstreamModel,
        signal: AbortSignal.timeout(timeoutMs),
        idleTimeoutMs: config.upstream.stream_idle_timeout_s * 1000,
        caps: { responseBytes: config.upstream.max_response_bytes, streamEventBytes: config.upstream.max_stream_event_bytes },
        clientHeaders: options.clientHeaders,
        clientQuery: options.clientQuery,
        autoCache: served.autoCache,
      }
      const started = routing.timer()
      try {
        const value = await attempt(served, context)
        const latencyMs = routing.timer() - started
        deployment.health.succeeded(latencyMs / 1000)
        ctx.upstreamAnswered(served, deployment.id, latencyMs)
        if (!options.streaming) deployment.health.ended()
        return { value, model: served, deployment }
      } catch (thrown) {
        const error = toGatewayError(thrown)
        const latencyMs = routing.timer() - started
        deployment.health.failed(error, latencyMs / 1000, routing.clock.now(), policy)
        deployment.health.ended()
        lastError = error
        const retry = isDeploymentFailure(error) && tries < policy.retries && tried !== allTried(model)
        const fallback = !retry && (error.status === 502 || error.status === 504) && m < chain.length - 1
        ctx.upstreamFailed(served, error, !retry && !fallback, deployment.id, latencyMs)
        if (!retry && !fallback) throw error
        if (!retry) break
      }
    }
    if (lastError && !(lastError.status === 502 || lastError.status === 504)) throw lastError
  }
  throw lastError ?? new GatewayError('upstream_error', 'No deployment could be tried.')
}

/** A stream's deployment is no longer in flight. */
export function finished(served: { deployment: Deployment }): void {
  served.deployment.health.ended()
}

/** The mask with every deployment of the model tried (at most 31 bits, so it stays a positive int32). */
const allTried = (model: CatalogModel) => 2 ** model.deployments.length - 1

function capsFull(model: CatalogModel, routing: RoutingDeps, now: number): GatewayError {
  let wait = Infinity
  for (const d of model.deployments) wait = Math.min(wait, routing.caps.msUntilRoom(d.served.provider.name, now))
  const seconds = Math.max(1, Math.ceil((Number.isFinite(wait) ? wait : 1000) / 1000))
  return new GatewayError(
    'upstream_rate_limited',
    `Every deployment of model '${model.id}' is at its provider's rate cap; retry in ${seconds} s.`,
    { headers: { 'retry-after': String(seconds) } },
  )
}
