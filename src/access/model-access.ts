// Which model a request may reach: catalog lookup, plan ∩ key allowlist, per-account disabling.
import { GatewayError } from '../errors'
import type { AuthenticatedKey } from './auth'
import { mayCall, type Catalog, type CatalogModel } from '../catalog/catalog'

const available = (auth: AuthenticatedKey) => [...auth.allowedModels].sort().join(', ') || '(none)'

/**
 * The catalog model a request reaches: the key-suffix model (on its provider) if the key forces
 * one, else the requested name — an id or alias compared exactly, else the most specific pattern.
 * Unknown names answer 404 listing only what this key may call.
 */
export function resolveModel(catalog: Catalog, auth: AuthenticatedKey, requested: string, kind: CatalogModel['kind']): CatalogModel {
  const forced = auth.forcedModel
  const id = forced ? `${forced.provider}/${forced.model}` : requested
  const model = forced ? catalog.resolveOn(forced.provider, forced.model) : catalog.resolve(requested)
  if (!model) {
    throw new GatewayError('model_not_found', `No provider for model '${id}'. Available: ${available(auth)}`, { param: 'model' })
  }
  // Disabled first: a disabled model is also missing from the allowed set, and this reason is the precise one.
  const disabled = auth.key.accountDisabledModels
  if (disabled.length > 0 && (disabled.includes(model.id) || disabled.includes(model.entryId))) {
    throw new GatewayError('model_disabled', `Model '${model.id}' is disabled for this account.`, { param: 'model' })
  }
  if (!mayCall(auth.allowedModels, model)) {
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
    if (fallback && fallback.kind === model.kind && mayCall(auth.allowedModels, fallback)) {
      chain.push(fallback)
    }
  }
  return chain
}
