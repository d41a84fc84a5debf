// createApp(deps): the whole server from its dependencies; main.ts and the tests both build it here.
import { timingSafeEqual } from 'node:crypto'
import { hashKey } from './access/keys'
import { Elysia } from 'elysia'
import { resolveAdminToken, type AdminToken } from './accounts/bootstrap'
import { createAdminGuard } from './access/admin-auth'
import { createAdminService, type AdminService } from './accounts/service'
import type { Config } from './config/schema'
import type { ConfigResult } from './config/load'
import { ProviderCaps } from './limits/provider-caps'
import { createReloader, providerLimits, type ReloadOutcome } from './routing/reload'
import { deploymentViews } from './routing/views'
import { routingAdminRoutes } from './http/admin/routing'
import { KeyAuthenticator } from './access/auth'
import { createBilling, type Billing } from './money/billing'
import { Catalog } from './catalog/catalog'
import { systemClock, systemTimer, type Clock, type Timer } from './clock'
import type { GatewayDeps } from './gateway/model-call'
import { holdTtlMs, startHoldSweeper } from './jobs/hold-sweeper'
import { newRequestId } from './ids'
import { CidrList, clientAddress } from './access/ip'
import type { Limiter } from './limits/limiter'
import { createLogRetention, type LogRetention } from './jobs/log-retention'
import { createMetrics, type Metrics } from './observability/metrics'
import { PendingWork } from './gateway/pending-work'
import { RequestContext } from './gateway/request-context'
import { createRequestLogWriter, type RequestLogWriter } from './observability/request-log-writer'
import { limiterFromConfig, onRedisError } from './limits/from-config'
import { speaksAnthropic } from './formats/anthropic/models'
import { errorResponse, GatewayError, toGatewayError, type ErrorFormat } from './errors'
import { describeStorageFailure, isStorageFailure } from './store/group-commit'
import { createPortalService, type PortalService } from './accounts/self-service'
import { createSessionService, type SessionService } from './accounts/sessions'
import { createUserService, type UserService } from './accounts/users'
import { adminApiRoutes } from './http/api/admin'
import { apiRoutes } from './http/api'
import { insightApiRoutes } from './http/api/insights'
import { dashboardRoutes } from './http/dashboard'
import { stripeWebhookRoutes } from './http/webhooks/stripe'
import { createCreditExpiry, type CreditExpiry } from './jobs/credit-expiry'
import { createBudgetAlerts, type BudgetAlerts } from './jobs/budget-alerts'
import { createInsightsService, type InsightsService } from './accounts/insights'
import { stripePaymentsClient, stripeSecrets } from './payments/stripe/client'
import { createTopupService, type TopupService } from './payments/topups'
import { createProviderRegistry, type ProviderRegistry } from './providers/registry'
import { isPagePath, pageErrorResponse } from './http/dashboard'
import { adminRoutes } from './http/admin'
import { json } from './http/responses'
import { metricsRoutes } from './http/metrics'
import { v1Routes } from './http/v1'
import type { Store } from './store'
import type { PaymentsClient } from './payments/stripe/types'

/** The services behind the dashboard and the session API. */
export interface AccountServices {
  users: UserService
  sessions: SessionService
  /** What a signed-in user sees and does in one account. */
  portal: PortalService
  topups: TopupService
  expiry: CreditExpiry
  /** Usage, credit statement, callable models, key use. */
  insights: InsightsService
  /** Budget alerts: the banner's source and the webhook job. */
  alerts: BudgetAlerts
}

export interface AppDeps<S extends Store = Store> {
  config: Config
  store: S
  clock?: Clock
  /** Durations (Server-Timing, latency and TTFB in the log); performance.now() by default. */
  timer?: Timer
  env?: Record<string, string | undefined>
  /** Defaults to the providers the config names. */
  registry?: ProviderRegistry
  /** Defaults to the in-process sliding-window limiter; `noLimiter` turns limits off. */
  limiter?: Limiter
  /** Stripe; defaults to the SDK when its secrets are in `env`, else none (top-ups off). */
  payments?: PaymentsClient | null
  /** A second admin token for this run only: the one `serve` puts in its serving lease for the CLI. */
  localAdminToken?: string
  /**
   * Reads the config again for a reload (SIGHUP, `POST /admin/config/reload`): `serve` re-reads
   * its file. Without it a reload is refused (the app was built from a config object).
   */
  readConfig?: () => Promise<ConfigResult>
}

/** `S` is the store's own type, so tests of the SQLite store can reach its database. */
export interface App<S extends Store = Store> {
  /** Serve with `app.listen(...)`, or call `app.handle(request)` without a port. */
  app: Elysia
  config: Config
  store: S
  catalog: Catalog
  registry: ProviderRegistry
  admin: AdminService
  adminToken: AdminToken
  billing: Billing
  log: RequestLogWriter
  auth: KeyAuthenticator
  limiter: Limiter
  metrics: Metrics
  retention: LogRetention
  /** Per-provider rpm / tpm caps the router keeps. */
  caps: ProviderCaps
  /** Re-reads the config and swaps in its routing, or refuses it with every problem. */
  reloadConfig(): Promise<ReloadOutcome>
  /** Dashboard users, sessions, top-ups (Stripe), credit expiry. */
  portal: AccountServices
  /** Waits for streams' settlements, flushes the log; the caller closes the store. */
  close(): Promise<void>
}

/** Error answers on /v1/messages, and on /v1/models to Anthropic clients, speak Anthropic's shape; everything else OpenAI's. */
const formatOf = (path: string, headers: Headers): ErrorFormat =>
  path.startsWith('/v1/messages') || ((path === '/v1/models' || path.startsWith('/v1/models/')) && speaksAnthropic(headers))
    ? 'anthropic'
    : 'openai'

/** The routes a request log row is written for: /v1, and the legacy billing paths served without it. */
const isApiRoute = (path: string) => path.startsWith('/v1/') || path.startsWith('/dashboard/billing/')

export async function createApp<S extends Store>(deps: AppDeps<S>): Promise<App<S>> {
  const { config, store } = deps
  const clock = deps.clock ?? systemClock
  const timer = deps.timer ?? systemTimer
  const env = deps.env ?? process.env
  const registry = deps.registry ?? createProviderRegistry(config, env)
  const catalog = new Catalog(config, registry)
  const auth = new KeyAuthenticator(store, catalog, clock, config)
  const admin = createAdminService({ store, config, catalog, clock, onAccessChange: () => auth.invalidate() })
  const resolved = await resolveAdminToken(store, config, env)
  const local = deps.localAdminToken
  const localHash = local ? Buffer.from(hashKey(local), 'hex') : null
  const adminToken: AdminToken = localHash
    ? {
        generated: resolved.generated,
        verify: (token) => resolved.verify(token) || timingSafeEqual(Buffer.from(hashKey(token), 'hex'), localHash),
      }
    : resolved
  const billing = createBilling(store, clock)
  const log = createRequestLogWriter(store.requestLog, { intervalMs: config.logs.flush_interval_ms })
  const endings = new PendingWork()
  const caps = new ProviderCaps()
  caps.configure(providerLimits(config))
  const gateway: GatewayDeps = { config, catalog, billing, endings, routing: { caps, clock, timer } }
  const reloader = createReloader({
    read: deps.readConfig ?? (async () => ({ ok: false, problems: ['this server was started without a config file to re-read'] })),
    config,
    catalog,
    buildRegistry: (next) => createProviderRegistry(next, env, registry.mock),
    caps,
    onSwap: () => auth.invalidate(),
  })
  const limiter = deps.limiter ?? limiterFromConfig(config, env, clock)
  const metrics = createMetrics()
  const trustedProxies = CidrList.parse(config.server.trusted_proxies)
  const retention = createLogRetention({ store: store.requestLog, clock, retentionDays: config.logs.retention_days })
  retention.start()
  const checkpointer = store.startCheckpointer()

  // Nothing is in flight before the server starts: holds left by a crash are released now.
  const released = await store.holds.releaseAll()
  if (released > 0) console.warn(`released ${released} hold(s) left open by an earlier stop`)
  // While running, a hold older than any request can live is released too.
  const sweeper = startHoldSweeper({ holds: store.holds, clock, ttlMs: holdTtlMs(config) })

  const contexts = new WeakMap<Request, RequestContext>()
  const contextOf = (request: Request): RequestContext => {
    let ctx = contexts.get(request)
    if (!ctx) {
      ctx = new RequestContext(
        newRequestId(),
        new URL(request.url).pathname,
        clock.now(),
        // Metrics label only catalog models: a model id the client made up would be a series of its own.
        (row, finished) =>
          metrics.observeRequest(
            row.model === finished.routedModel ? row : { ...row, model: finished.routedModel },
            finished.upstreamSeconds(),
          ),
        timer,
      )
      contexts.set(request, ctx)
    }
    return ctx
  }

  // Dashboard users, sessions, the account's own objects, top-ups (Stripe) and credit expiry.
  const secrets = stripeSecrets(config, env)
  const payments = deps.payments !== undefined ? deps.payments : secrets ? stripePaymentsClient(config, secrets.secretKey) : null
  const onAccessChange = () => auth.invalidate()
  const clientIp = (request: Request) => contextOf(request).clientIp
  const adminGuard = createAdminGuard(adminToken, clock, config.auth.login_max_failures, config.auth.login_lockout_minutes * 60_000)
  const portal: AccountServices = {
    users: createUserService({ store, config, clock, admin }),
    sessions: createSessionService({ store, config, clock }),
    portal: createPortalService({ store, config, catalog, clock, admin, onAccessChange }),
    topups: createTopupService({ store, config, clock, payments, webhookSecret: env[config.stripe.webhook_secret_env] || null }),
    expiry: createCreditExpiry(store, clock),
    insights: createInsightsService({ store, catalog, clock }),
    alerts: createBudgetAlerts({ store, config, clock }),
  }
  portal.alerts.start()
  const { users, sessions, topups } = portal
  const stopExpiry = portal.expiry.start(config.billing.expiry_check_minutes * 60_000)
  // Lots that came due while the server was down are written off now, not one interval later.
  void portal.expiry.runOnce().catch((error) => console.error('credit expiry run failed:', error))
  const sessionPurge = setInterval(() => void sessions.purge().catch((error) => console.error('session purge failed:', error)), 3_600_000)
  sessionPurge.unref?.()
  const sessionBodyBytes = Math.min(config.server.max_body_bytes, 1024 * 1024)

  const app = new Elysia({ serve: { maxRequestBodySize: Math.max(config.server.max_body_bytes * 4, 64 * 1024 * 1024) } })
    .onRequest(({ request, set, server }) => {
      const ctx = contextOf(request)
      const peer = server?.requestIP(request)?.address ?? null
      ctx.received(
        formatOf(ctx.route, request.headers),
        trustedProxies.ranges.length === 0 ? peer : clientAddress(peer, request.headers.get('x-forwarded-for'), trustedProxies),
      )
      // A new id for every request: an incoming X-Request-Id is not trusted.
      set.headers['x-request-id'] = ctx.requestId
    })
    .onError(({ request, code, error }) => {
      const ctx = contextOf(request)
      let failure: GatewayError
      if (error instanceof GatewayError) failure = error
      else if (code === 'NOT_FOUND') failure = new GatewayError('route_not_found', `No route ${request.method} ${ctx.route}.`)
      else if (code === 'PARSE') failure = new GatewayError('invalid_json', 'Request body is not valid JSON.')
      else if (isStorageFailure(error)) {
        failure = new GatewayError(
          'store_unavailable',
          `The store cannot be written now (${describeStorageFailure(error)}); retry shortly.`,
        )
      } else {
        console.error(`request ${ctx.requestId} failed:`, error)
        failure = toGatewayError(error)
      }
      ctx.failed(failure)
      if (isPagePath(ctx.route)) {
        const page = pageErrorResponse(request, failure, portal.sessions.secure)
        page.headers.set('x-request-id', ctx.requestId)
        return page
      }
      return errorResponse(failure, ctx.format, { ...ctx.rateLimitHeaders(), 'x-request-id': ctx.requestId })
    })
    .onAfterResponse(({ request }) => {
      const ctx = contexts.get(request)
      if (!ctx || !isApiRoute(ctx.route)) return
      // The one writer of a request's record: when its response is sent, or a stream's bill is final.
      const record = () => {
        const row = ctx.finish()
        if (row) log.push(row)
      }
      const billed = ctx.billed
      if (billed) void billed.then(record)
      else record()
    })
    .get('/healthz', () => {
      if (!store.ping()) return json({ status: 'unavailable', reason: 'database unreachable' }, 503)
      const problem = store.writeProblem()
      if (problem) return json({ status: 'unavailable', reason: problem }, 503)
      const redis = limiter.health?.()
      if (!redis) return json({ status: 'ok' })
      // Redis down under fail_closed refuses model calls: the instance is not serving them.
      if (!redis.ok && onRedisError(config) === 'fail_closed') {
        return json({ status: 'unavailable', reason: `limits: Redis unreachable (${redis.lastError})` }, 503)
      }
      return json({ status: 'ok', redis: redis.ok ? 'ok' : `unreachable, counting in process (${redis.lastError})` })
    })
    .use(
      v1Routes({
        config,
        auth,
        limiter,
        onLimited: (code) => metrics.limiterRejected(code),
        gateway,
        catalog,
        portal: portal.portal,
        contextOf,
      }),
    )
    .use(
      adminRoutes({
        admin,
        adminGuard,
        clientIp,
        maxBodyBytes: config.server.max_body_bytes,
        topups: portal.topups,
        expireCredits: () => portal.expiry.runOnce(),
        inviteOwner: async (account) =>
          (await portal.users.createInvite(null, { email: account.email, accountId: account.id, role: 'owner' })).url,
      }),
    )
    .use(
      metricsRoutes({
        metrics,
        adminGuard,
        clientIp,
        isPublic: config.server.metrics_public,
        gauges: {
          // A store that cannot be read (Postgres down) must not take /metrics down with it: NaN.
          openHolds: () => store.holds.countOpen().catch(() => Number.NaN),
          limiterWindows: () => limiter.size(),
          redis: () => limiter.health?.() ?? null,
          storeUp: () => store.ping() && store.writeProblem() === null,
          logRowsPending: () => log.pending(),
          deployments: () => deploymentViews(catalog, clock.now()),
        },
      }),
    )
    .use(routingAdminRoutes({ adminGuard, clientIp, catalog, clock, reload: () => reloader.reload() }))
    .use(stripeWebhookRoutes({ topups }))
    .use(apiRoutes({ sessions, users, portal: portal.portal, topups, clock, maxBodyBytes: sessionBodyBytes, clientIp }))
    .use(insightApiRoutes({ sessions, insights: portal.insights, alerts: portal.alerts }))
    .use(adminApiRoutes({ sessions, admin, portal: portal.portal, topups, clock, maxBodyBytes: sessionBodyBytes }))
    .use(
      dashboardRoutes({
        config,
        catalog,
        clock,
        sessions,
        users,
        portal: portal.portal,
        topups,
        admin,
        clientIp,
        insights: portal.insights,
        alerts: portal.alerts,
      }),
    )

  return {
    app: app as unknown as Elysia,
    config,
    store,
    catalog,
    registry,
    admin,
    adminToken,
    billing,
    log,
    auth,
    limiter,
    metrics,
    retention,
    caps,
    reloadConfig: () => reloader.reload(),
    portal,
    close: async () => {
      stopExpiry()
      portal.alerts.stop()
      clearInterval(sessionPurge)
      sweeper.stop()
      await retention.stop()
      // Streams that just ended may still be settling: their bills and log rows come first.
      await endings.settled()
      await log.close()
      await checkpointer?.stop()
      limiter.close?.()
    },
  }
}
