// What a request is held for before it goes upstream, and what it is billed when usage is missing.
import { GatewayError } from '../errors'
import type { ChatRequest, Usage } from '../providers/types'
import type { CatalogModel } from '../catalog/catalog'
import { choicesOf, estimateEmbeddingTokens, estimatePrompt, relayedOutputTokens, type TokenEstimate } from '../tokens/estimate'
import { costOf, maxCostOf } from './pricing'

export interface ChatHoldPlan {
  prompt: TokenEstimate
  /** Output tokens per answer the upstream may generate. */
  maxOutputTokens: number
  /** Answers requested (OpenAI `n`). */
  choices: number
  /** The hold: the highest maximum cost over the model and its fallbacks. */
  holdMicros: number
}

/** Output tokens a model may generate for this request: the asked maximum, within what the window leaves. */
function outputCeiling(model: CatalogModel, request: ChatRequest, promptLow: number): number {
  return Math.max(0, Math.min(request.maxTokens ?? model.maxOutputTokens, model.contextWindow - promptLow))
}

/** The most `model` can charge: the prompt is at most the window (a longer one is refused upstream). */
function maxCostOn(model: CatalogModel, request: ChatRequest, prompt: TokenEstimate, choices: number): number {
  return maxCostOf(model, Math.min(prompt.high, model.contextWindow), outputCeiling(model, request, prompt.low) * choices)
}

/**
 * Checks the context window and sizes the hold. The window check uses the prompt's *lower*
 * estimate (a prompt that really fits is never refused: a conservative estimate would refuse
 * some), plus the output the client asked for (none asked: at least one token must fit). The hold
 * uses the *upper* estimate and the output ceiling, at the dearest price of the fallback chain.
 */
export function planChatHold(request: ChatRequest, chain: CatalogModel[]): ChatHoldPlan {
  const model = chain[0]!
  const prompt = estimatePrompt(request)
  const asked = request.maxTokens ?? 1
  if (prompt.low + asked > model.contextWindow) {
    throw new GatewayError(
      'context_length_exceeded',
      `This request needs at least ${prompt.low} prompt tokens plus ${asked} output tokens, above ${model.id}'s context window of ${model.contextWindow}. Shorten the prompt or lower max_tokens.`,
      { param: 'messages' },
    )
  }
  const choices = choicesOf(request)
  const holdMicros = Math.max(...chain.map((m) => maxCostOn(m, request, prompt, choices)))
  return { prompt, maxOutputTokens: outputCeiling(model, request, prompt.low), choices, holdMicros }
}

/** Embeddings have no output: the hold is the inputs' upper estimate at the dearest input price. */
export function planEmbeddingHold(input: string[] | number[][], chain: CatalogModel[]): number {
  const tokens = estimateEmbeddingTokens(input)
  return Math.max(...chain.map((m) => maxCostOf(m, tokens, 0)))
}

/**
 * What to bill when the upstream reported no usage (a cut stream, a vendor that omits it): the
 * prompt's upper estimate and the relayed text's upper estimate, each within its ceiling, and the
 * total never above the hold.
 */
export function countedCharge(
  plan: ChatHoldPlan,
  served: CatalogModel,
  relayed: string[],
  holdMicros: number,
): { usage: Usage; costMicros: number } {
  const usage: Usage = {
    inputTokens: Math.min(plan.prompt.high, served.contextWindow),
    outputTokens: Math.min(relayedOutputTokens(relayed), plan.maxOutputTokens * plan.choices),
  }
  return { usage, costMicros: Math.min(costOf(served, usage), holdMicros) }
}
