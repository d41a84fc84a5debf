// Wires users, sessions, top-ups and the dashboard together for createApp (one call, one plugin).
import { Elysia } from 'elysia'
import type { AdminService } from '../accounts/service'
import type { Config } from '../config/schema'
import type { Catalog } from '../catalog/catalog'
import type { Clock } from '../clock'
import { createCreditExpiry, type CreditExpiry } from '../jobs/credit-expiry'
import { createTopupService, type TopupService } from '../payments/topups'
import { adminApiRoutes } from './api/admin'
import { apiRoutes } from './api'
import { dashboardRoutes } from './dashboard'
import { stripeWebhookRoutes } from './webhooks/stripe'
import { createSessionService, type SessionService } from '../accounts/sessions'
import type { Store } from '../store'
import { stripePaymentsClient, stripeSecrets } from '../payments/stripe/client'
import type { PaymentsClient } from '../payments/stripe/types'
import { createUserService, type UserService } from '../accounts/users'
import { createPortalService, type PortalService } from '../accounts/self-service'

export interface PortalStackDeps {
  config: Config
  store: Store
  clock: Clock
  catalog: Catalog
  admin: AdminService
  env: Record<string, string | undefined>
  /** Defaults to the Stripe SDK when the secrets are in the environment, else none. */
  payments?: PaymentsClient | null
  onAccessChange: () => void
  /** The client IP as the gateway sees it (proxy-aware), for sign-in throttling. */
  clientIp: (request: Request) => string | null
}

export interface PortalStack {
  users: UserService
  sessions: SessionService
  portal: PortalService
  topups: TopupService
  expiry: CreditExpiry
  routes: Elysia
  /** Starts the periodic credit expiry and session purge; returns the stopper. */
  startHousekeeping(): () => void
}

export function createPortalStack(deps: PortalStackDeps): PortalStack {
  const { config, store, clock, catalog, admin } = deps
  const secrets = stripeSecrets(config, deps.env)
  const payments = deps.payments !== undefined ? deps.payments : secrets ? stripePaymentsClient(config, secrets.secretKey) : null
  const webhookSecret = deps.env[config.stripe.webhook_secret_env] || null
  const users = createUserService({ store, config, clock, admin })
  const sessions = createSessionService({ store, config, clock })
  const portal = createPortalService({ store, config, catalog, clock, admin, onAccessChange: deps.onAccessChange })
  const topups = createTopupService({ store, config, clock, payments, webhookSecret })
  const expiry = createCreditExpiry(store, clock)
  const maxBodyBytes = Math.min(config.server.max_body_bytes, 1024 * 1024)
  const routes = new Elysia({ name: 'portal' })
    .use(stripeWebhookRoutes({ topups }))
    .use(apiRoutes({ sessions, users, portal, topups, clock, maxBodyBytes, clientIp: deps.clientIp }))
    .use(adminApiRoutes({ sessions, admin, portal, topups, clock, maxBodyBytes }))
    .use(dashboardRoutes({ config, catalog, clock, sessions, users, portal, topups, admin, clientIp: deps.clientIp }))
  return {
    users,
    sessions,
    portal,
    topups,
    expiry,
    routes: routes as unknown as Elysia,
    startHousekeeping() {
      const stopExpiry = expiry.start(config.billing.expiry_check_minutes * 60_000)
      // Lots that came due while the server was down are written off now, not one interval later.
      void expiry.runOnce().catch((error) => console.error('credit expiry run failed:', error))
      const purge = setInterval(() => void sessions.purge().catch((error) => console.error('session purge failed:', error)), 3_600_000)
      purge.unref?.()
      return () => {
        stopExpiry()
        clearInterval(purge)
      }
    },
  }
}
