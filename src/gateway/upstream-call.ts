// Calling the upstream: timeouts per attempt, and fallbacks on 502/504 before any byte reached the client.
import type { Config } from '../config/schema'
import { toGatewayError } from '../errors'
import type { CallContext } from '../providers/types'
import type { CatalogModel } from '../catalog/catalog'
import type { RequestContext } from './request-context'

export interface UpstreamCallOptions {
  config: Config
  ctx: RequestContext
  /** The model, then its fallbacks. */
  chain: CatalogModel[]
  streaming: boolean
  clientHeaders: Headers
  /** The client's query string ('' when none). */
  clientQuery: string
}

/**
 * Runs `attempt` against each model of the chain until one succeeds. Only 502 and 504 move on to
 * the next model (a 4xx or 429 is the answer); every attempt is recorded on the context.
 */
export async function callWithFallbacks<T>(
  options: UpstreamCallOptions,
  attempt: (model: CatalogModel, context: CallContext) => Promise<T>,
): Promise<{ value: T; model: CatalogModel }> {
  const { config, ctx, chain } = options
  const timeoutMs = (options.streaming ? config.upstream.stream_timeout_s : config.upstream.timeout_s) * 1000
  for (let i = 0; ; i++) {
    const model = chain[i]!
    ctx.upstreamCalled(model)
    const context: CallContext = {
      upstreamModel: model.upstreamModel,
      signal: AbortSignal.timeout(timeoutMs),
      idleTimeoutMs: config.upstream.stream_idle_timeout_s * 1000,
      caps: { responseBytes: config.upstream.max_response_bytes, streamEventBytes: config.upstream.max_stream_event_bytes },
      clientHeaders: options.clientHeaders,
      clientQuery: options.clientQuery,
    }
    try {
      const value = await attempt(model, context)
      ctx.upstreamAnswered(model)
      return { value, model }
    } catch (thrown) {
      const error = toGatewayError(thrown)
      const last = !(error.status === 502 || error.status === 504) || i === chain.length - 1
      ctx.upstreamFailed(model, error, last)
      if (last) throw error
    }
  }
}
