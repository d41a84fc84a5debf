// A model's deployments as the config writes them: one `provider`, or a `deployments` list.
import type { DeploymentConfig, ModelConfig } from '../config/schema'

/** The deployments a model entry lists; a single `provider` is one deployment of weight 1. */
export function deploymentsOf(model: ModelConfig): DeploymentConfig[] {
  if (model.deployments && model.deployments.length > 0) return model.deployments
  return model.provider ? [{ provider: model.provider, upstream_model: model.upstream_model, weight: 1 }] : []
}

/** A deployment's id, unique in the catalog: the model entry and the provider serving it. */
export const deploymentId = (modelId: string, provider: string) => `${modelId}@${provider}`
