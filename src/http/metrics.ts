// GET /metrics: Prometheus text, behind the admin token unless server.metrics_public.
import { Elysia } from 'elysia'
import type { AdminGuard } from '../access/admin-auth'
import type { Metrics, MetricsGauges } from '../observability/metrics'

export interface MetricsRouteDeps {
  metrics: Metrics
  gauges: MetricsGauges
  adminGuard: AdminGuard
  clientIp: (request: Request) => string | null
  isPublic: boolean
}

export function metricsRoutes({ metrics, gauges, adminGuard, clientIp, isPublic }: MetricsRouteDeps) {
  return new Elysia({ name: 'metrics' }).get('/metrics', async ({ request }) => {
    if (!isPublic) adminGuard.require(request.headers, clientIp(request))
    return new Response(await metrics.render(gauges), {
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
    })
  })
}
