// Which model a request may reach: catalog lookup, plan ∩ key allowlist, per-account disabling.
import { GatewayError } from '../errors'
import type { AuthenticatedKey } from './auth'
import type { Catalog, CatalogModel } from '../catalog/catalog'

const available = (auth: AuthenticatedKey) => [...auth.allowedModels].sort().join(', ') || '(none)'

/**
 * The catalog model a request reaches: the key-suffix model if the key forces one, else the
 * requested id, compared exactly. Unknown ids answer 404 listing only what this key may call.
 */
export function resolveModel(catalog: Catalog, auth: AuthenticatedKey, requested: string, kind: CatalogModel['kind']): CatalogModel {
  const id = auth.forcedModel ?? requested
  const model = catalog.get(id)
  if (!model) {
    throw new GatewayError('model_not_found', `No provider for model '${id}'. Available: ${available(auth)}`, { param: 'model' })
  }
  // Disabled first: a disabled model is also missing from the allowed set, and this reason is the precise one.
  if (auth.key.accountDisabledModels.includes(id)) {
    throw new GatewayError('model_disabled', `Model '${id}' is disabled for this account.`, { param: 'model' })
  }
  if (!auth.allowedModels.has(id)) {
    throw new GatewayError('model_not_allowed', `This key may not call model '${id}'. Available: ${available(auth)}`, { param: 'model' })
  }
  if (model.kind !== kind) {
    const route = model.kind === 'embedding' ? '/v1/embeddings' : '/v1/chat/completions or /v1/messages'
    throw new GatewayError('invalid_body', `Model '${id}' is a ${model.kind} model; call it through ${route}.`, { param: 'model' })
  }
  return model
}

/** The models to try in order: the model, then its configured fallbacks this key may also call. */
export function fallbackChain(catalog: Catalog, auth: AuthenticatedKey, model: CatalogModel): CatalogModel[] {
  const chain = [model]
  for (const id of model.fallbacks) {
    const fallback = catalog.get(id)
    if (fallback && fallback.kind === model.kind && auth.allowedModels.has(id)) {
      chain.push(fallback)
    }
  }
  return chain
}
