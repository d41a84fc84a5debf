// What the admin API, the dashboard and /metrics show of the deployments.
import type { Catalog } from '../catalog/catalog'

export type DeploymentView = ReturnType<typeof deploymentViews>[number]

/** Every deployment of the config in force, with its live health. */
export function deploymentViews(catalog: Catalog, now: number) {
  return catalog.deployments().map(({ deployment, upstreamModel }) => ({
    ...deployment.health.view(now, deployment.weight, upstreamModel),
    latency_seconds_total: deployment.health.latencySeconds,
  }))
}
