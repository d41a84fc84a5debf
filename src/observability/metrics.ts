// In-memory counters and a latency histogram, rendered as Prometheus text at scrape time.
import type { RequestLogRow } from '../store/request-log'

/** Upstream latency buckets, seconds (first answer for non-streams, first frame for streams). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

/** Distinct route labels kept; later newcomers count as "other" so a path scan cannot grow memory. */
const MAX_ROUTES = 64
/** Distinct model labels kept: a pattern entry (`*`) serves any name a client sends, so the same bound applies. */
const MAX_MODELS = 256

interface Histogram {
  buckets: Float64Array
  sum: number
  count: number
}

/** Values read when scraped rather than counted on the hot path. */
export interface MetricsGauges {
  openHolds(): Promise<number>
  limiterWindows(): number
  logRowsPending(): number
  /** The shared limiter's Redis, or null without one. */
  redis?(): { ok: boolean; failures: number } | null
  /** Whether the store (SQLite file or Postgres) answers and takes writes now. */
  storeUp?(): boolean
  /** Each deployment's counters (routing/health.ts), read when scraped. */
  deployments?(): DeploymentCounters[]
}

export interface DeploymentCounters {
  id: string
  model: string
  provider: string
  requests: number
  errors: number
  cooldowns: number
  in_flight: number
  state: string
  latency_seconds_total: number
}

export interface Metrics {
  /** One finished /v1 request (its log row) and, when it called an upstream, how long that took. */
  observeRequest(row: RequestLogRow, upstreamSeconds: number | null): void
  limiterRejected(code: 'key_rpm_exceeded' | 'account_rpm_exceeded'): void
  render(gauges: MetricsGauges): Promise<string>
}

/** Prometheus label value escaping: backslash, double quote, newline. */
const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const labels = (pairs: Record<string, string>) =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`

/** `/v1/models/gpt-4o` → `/v1/models/{id}`: one series per route, not per id. */
function routeLabel(route: string, errorCode: string | null): string {
  if (errorCode === 'route_not_found') return 'unmatched'
  if (route.startsWith('/v1/models/')) return '/v1/models/{id}'
  return route
}

/**
 * Counters live in plain Maps keyed by their label values: one string join and one Map update per
 * request, no locks (JavaScript runs one request's code at a time), no database on the hot path.
 */
export function createMetrics(): Metrics {
  const requests = new Map<string, { route: string; model: string; status: string; value: number }>()
  const latency = new Map<string, Histogram>()
  const rejections = { key_rpm_exceeded: 0, account_rpm_exceeded: 0 }
  /** Answers whose usage was not believed, by provider (see money/hold-plan.ts usageProblem). */
  const usageInvalid = new Map<string, number>()
  const routes = new Set<string>()
  const models = new Set<string>()
  /** Tokens billed, by model and class (`class` of money/pricing.ts, plus reasoning as its own informational count). */
  const tokens = new Map<string, { model: string; tokenClass: string; value: number }>()
  const countTokens = (model: string, tokenClass: string, n: number | null | undefined) => {
    if (!n) return
    const id = `${model}\u0000${tokenClass}`
    const counter = tokens.get(id)
    if (counter) counter.value += n
    else tokens.set(id, { model, tokenClass, value: n })
  }

  return {
    observeRequest(row, upstreamSeconds) {
      let route = routeLabel(row.route, row.errorCode)
      if (!routes.has(route)) {
        if (routes.size >= MAX_ROUTES) route = 'other'
        else routes.add(route)
      }
      let model = row.model ?? ''
      if (!models.has(model)) {
        if (models.size >= MAX_MODELS) model = 'other'
        else models.add(model)
      }
      const id = `${route}\u0000${model}\u0000${row.status}`
      const counter = requests.get(id)
      if (counter) counter.value++
      else requests.set(id, { route, model, status: String(row.status), value: 1 })
      if (row.promptTokens !== null || row.completionTokens !== null) {
        const read = row.cacheReadTokens ?? 0
        const written = row.cacheWriteTokens ?? 0
        const hour = row.cacheWrite1hTokens ?? 0
        countTokens(model, 'input', Math.max(0, (row.promptTokens ?? 0) - read - written - hour))
        countTokens(model, 'cache_read', read)
        countTokens(model, 'cache_write', written)
        countTokens(model, 'cache_write_1h', hour)
        countTokens(model, 'output', row.completionTokens)
        countTokens(model, 'reasoning', row.reasoningTokens)
      }
      if (row.errorCode === 'upstream_usage_invalid') {
        const provider = row.provider ?? ''
        usageInvalid.set(provider, (usageInvalid.get(provider) ?? 0) + 1)
      }

      if (upstreamSeconds === null) return
      const provider = row.provider ?? ''
      let histogram = latency.get(provider)
      if (!histogram) {
        histogram = { buckets: new Float64Array(LATENCY_BUCKETS.length), sum: 0, count: 0 }
        latency.set(provider, histogram)
      }
      // Counts per bucket here; made cumulative when rendered.
      let i = 0
      while (i < LATENCY_BUCKETS.length && upstreamSeconds > LATENCY_BUCKETS[i]!) i++
      if (i < LATENCY_BUCKETS.length) histogram.buckets[i]!++
      histogram.sum += upstreamSeconds
      histogram.count++
    },

    limiterRejected(code) {
      rejections[code]++
    },

    async render(gauges) {
      const out: string[] = []
      const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)

      family('token_hub_requests_total', 'counter', 'Requests to /v1 routes by route, model and HTTP status.')
      for (const c of requests.values()) {
        out.push(`token_hub_requests_total${labels({ route: c.route, model: c.model, status: c.status })} ${c.value}`)
      }

      family(
        'token_hub_tokens_total',
        'counter',
        'Tokens billed by model and class: input (uncached), cache_read, cache_write (5 min), cache_write_1h, output (reasoning included); reasoning counts the part of output spent reasoning.',
      )
      for (const c of tokens.values()) out.push(`token_hub_tokens_total${labels({ model: c.model, class: c.tokenClass })} ${c.value}`)

      family(
        'token_hub_upstream_latency_seconds',
        'histogram',
        'Time from the upstream call to its answer (first frame for streams), by provider.',
      )
      for (const [provider, h] of latency) {
        let cumulative = 0
        LATENCY_BUCKETS.forEach((le, i) => {
          cumulative += h.buckets[i]!
          out.push(`token_hub_upstream_latency_seconds_bucket${labels({ provider, le: String(le) })} ${cumulative}`)
        })
        out.push(`token_hub_upstream_latency_seconds_bucket${labels({ provider, le: '+Inf' })} ${h.count}`)
        out.push(`token_hub_upstream_latency_seconds_sum${labels({ provider })} ${h.sum}`)
        out.push(`token_hub_upstream_latency_seconds_count${labels({ provider })} ${h.count}`)
      }

      family(
        'token_hub_upstream_usage_invalid_total',
        'counter',
        'Answers whose reported usage was not believed (not token counts, or beyond what the request could use), by provider.',
      )
      for (const [provider, count] of usageInvalid) out.push(`token_hub_upstream_usage_invalid_total${labels({ provider })} ${count}`)

      family('token_hub_open_holds', 'gauge', 'Money holds of requests in flight.')
      out.push(`token_hub_open_holds ${await gauges.openHolds()}`)

      family('token_hub_limiter_rejections_total', 'counter', 'Requests refused by the sliding-window limiter, by scope.')
      out.push(`token_hub_limiter_rejections_total${labels({ scope: 'key' })} ${rejections.key_rpm_exceeded}`)
      out.push(`token_hub_limiter_rejections_total${labels({ scope: 'account' })} ${rejections.account_rpm_exceeded}`)

      family('token_hub_limiter_windows', 'gauge', 'Request windows (keys and accounts) the limiter keeps in memory.')
      out.push(`token_hub_limiter_windows ${gauges.limiterWindows()}`)

      family('token_hub_request_log_pending_rows', 'gauge', 'Log rows buffered in memory, not yet written.')
      out.push(`token_hub_request_log_pending_rows ${gauges.logRowsPending()}`)

      if (gauges.storeUp) {
        family('token_hub_store_up', 'gauge', '1 while the database answers and takes money writes (Postgres: reachable), else 0.')
        out.push(`token_hub_store_up ${gauges.storeUp() ? 1 : 0}`)
      }

      const deployments = gauges.deployments?.() ?? []
      const perDeployment = (name: string, type: string, help: string, value: (d: DeploymentCounters) => number) => {
        family(name, type, help)
        for (const d of deployments) out.push(`${name}${labels({ deployment: d.id, model: d.model, provider: d.provider })} ${value(d)}`)
      }
      perDeployment('token_hub_deployment_requests_total', 'counter', 'Upstream attempts by deployment.', (d) => d.requests)
      perDeployment('token_hub_deployment_errors_total', 'counter', 'Failed upstream attempts by deployment.', (d) => d.errors)
      perDeployment('token_hub_deployment_cooldowns_total', 'counter', 'Times a deployment was cooled down.', (d) => d.cooldowns)
      perDeployment(
        'token_hub_deployment_latency_seconds_total',
        'counter',
        'Seconds spent in upstream attempts by deployment (to the first frame for streams); divide by requests for the mean.',
        (d) => d.latency_seconds_total,
      )
      perDeployment(
        'token_hub_deployment_in_flight',
        'gauge',
        'Requests (streams included) in flight on each deployment.',
        (d) => d.in_flight,
      )
      perDeployment('token_hub_deployment_cooling', 'gauge', '1 while a deployment is cooling down.', (d) =>
        d.state === 'cooling' ? 1 : 0,
      )
      const redis = gauges.redis?.() ?? null
      if (redis) {
        family('token_hub_redis_up', 'gauge', "1 while the limiter's Redis answers, 0 while it cannot be reached.")
        out.push(`token_hub_redis_up ${redis.ok ? 1 : 0}`)
        family('token_hub_limiter_redis_failures_total', 'counter', 'Limit checks Redis could not answer (refused, or counted in process).')
        out.push(`token_hub_limiter_redis_failures_total ${redis.failures}`)
      }
      return `${out.join('\n')}\n`
    },
  }
}
