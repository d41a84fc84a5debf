// The dashboard: server-rendered pages over the same services as /api, assets embedded in the binary.
import { Elysia } from 'elysia'
import { accountRoutes } from './account-routes'
import { adminPageRoutes } from './admin-routes'
import { authRoutes } from './auth-routes'
import { insightRoutes } from './insight-routes'
import type { DashboardDeps } from './context'

export type { DashboardDeps }
export { isPagePath, pageErrorResponse } from './errors'

export function dashboardRoutes(deps: DashboardDeps) {
  return new Elysia({ name: 'dashboard' })
    .use(authRoutes(deps))
    .use(accountRoutes(deps))
    .use(insightRoutes(deps))
    .use(adminPageRoutes(deps))
}
