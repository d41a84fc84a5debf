// GET /metrics: Prometheus text, behind the admin token unless server.metrics_public.
import { Elysia } from 'elysia'
import type { AdminToken } from '../accounts/bootstrap'
import type { Metrics, MetricsGauges } from '../observability/metrics'
import { requireAdmin } from './admin'

export interface MetricsRouteDeps {
  metrics: Metrics
  gauges: MetricsGauges
  adminToken: AdminToken
  isPublic: boolean
}

export function metricsRoutes({ metrics, gauges, adminToken, isPublic }: MetricsRouteDeps) {
  return new Elysia({ name: 'metrics' }).get('/metrics', async ({ request }) => {
    if (!isPublic) requireAdmin(adminToken, request.headers)
    return new Response(await metrics.render(gauges), {
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
    })
  })
}
