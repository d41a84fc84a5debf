// `/v1/messages/count_tokens`: token-hub's own prompt estimate, after the same key and model checks as a call.
import type { ClientFormat } from '../formats/types'
import { resolveModel } from '../access/model-access'
import type { Catalog } from '../catalog/catalog'
import { estimatePrompt } from '../tokens/estimate'
import type { ModelCall } from './model-call'

/**
 * The estimate the gateway holds money against (an upper bound, not the provider's tokenizer),
 * so a client sizing its context by it never underestimates. No upstream is called, nothing billed.
 */
export function countTokens(catalog: Catalog, format: ClientFormat, call: ModelCall): { input_tokens: number } {
  call.ctx.modelNamed(call.body.model)
  const request = format.parseChat(call.body, call.bodyText)
  const model = resolveModel(catalog, call.auth, request.model, 'chat')
  call.ctx.routed(model, false)
  // A prompt nothing bounds (a PDF, a file id) is at most the model's window, as its hold is.
  return { input_tokens: Math.min(estimatePrompt(request).high, model.contextWindow) }
}
