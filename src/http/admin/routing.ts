// /admin/deployments and /admin/config/reload: the routing's live state, and reloading the config.
import { Elysia } from 'elysia'
import type { AdminGuard } from '../../access/admin-auth'
import type { Catalog } from '../../catalog/catalog'
import type { Clock } from '../../clock'
import type { ReloadOutcome } from '../../routing/reload'
import { deploymentViews } from '../../routing/views'
import { json } from '../responses'

export interface RoutingRouteDeps {
  adminGuard: AdminGuard
  clientIp: (request: Request) => string | null
  catalog: Catalog
  clock: Clock
  reload: () => Promise<ReloadOutcome>
}

export function routingAdminRoutes(deps: RoutingRouteDeps) {
  return new Elysia({ name: 'admin-routing' })
    .onBeforeHandle(({ request }) => deps.adminGuard.require(request.headers, deps.clientIp(request)))
    .get('/admin/deployments', () => json({ data: deploymentViews(deps.catalog, deps.clock.now()) }))
    .post('/admin/config/reload', async () => {
      const outcome = await deps.reload()
      if (!outcome.ok) {
        return json(
          {
            error: {
              type: 'invalid_request_error',
              code: 'invalid_config',
              message: 'The config was refused; the old one is kept.',
              problems: outcome.problems,
            },
          },
          422,
        )
      }
      return json({ reloaded: true, models: outcome.models, providers: outcome.providers, restart_needed: outcome.restartNeeded })
    })
}
