// What a request is held for before it goes upstream, and what it is billed when usage is missing.
import { GatewayError } from '../errors'
import type { ChatRequest, Usage } from '../providers/types'
import type { CatalogModel } from '../catalog/catalog'
import { choicesOf, estimateEmbeddingTokens, estimatePrompt, relayedOutputTokens, type TokenEstimate } from '../tokens/estimate'
import { capCost, exactCost, maxCostOf, type Cost } from './pricing'

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
 * prompt's upper estimate — or, when the upstream told the prompt's classes before it was cut
 * (`promptUsage`, Anthropic's message_start), those, cache reads and writes at their prices — and
 * the relayed text's upper estimate, each within its ceiling, and the total never above the hold.
 */
export function countedCharge(
  plan: ChatHoldPlan,
  served: CatalogModel,
  relayed: string[],
  holdMicros: number,
  promptUsage: Usage | null = null,
): { usage: Usage; cost: Cost } {
  const outputTokens = Math.min(relayedOutputTokens(relayed), plan.maxOutputTokens * plan.choices)
  const told = promptUsage && !promptUsage.invalid && promptUsage.inputTokens <= served.contextWindow ? promptUsage : null
  const usage: Usage = told ? { ...told, outputTokens } : { inputTokens: Math.min(plan.prompt.high, served.contextWindow), outputTokens }
  return { usage, cost: capCost(exactCost(served, usage), holdMicros) }
}

/** What an answer is billed (exactly, in pico-USD), and why the upstream's own usage was not believed (null when it was). */
export interface Bill {
  usage: Usage
  cost: Cost
  problem: string | null
}

/**
 * Why `usage` cannot be what this request used, or null when it can: every counter must be a
 * token count (see providers/usage.ts), the prompt within the served model's window, the output
 * within what the request allowed for all its answers, the cached part within the prompt.
 */
export function usageProblem(usage: Usage, served: CatalogModel, plan: ChatHoldPlan): string | null {
  if (usage.invalid) return usage.invalid
  if (usage.inputTokens > served.contextWindow) {
    return `the upstream reported ${usage.inputTokens} input tokens, above ${served.id}'s context window of ${served.contextWindow}`
  }
  const outputCeiling = Math.max(plan.maxOutputTokens, served.maxOutputTokens) * plan.choices
  if (usage.outputTokens > outputCeiling) {
    return `the upstream reported ${usage.outputTokens} output tokens, above the ${outputCeiling} this request allowed`
  }
  const cached = (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0)
  if (cached > usage.inputTokens) {
    return `the upstream reported ${cached} cached input tokens, above its ${usage.inputTokens} input tokens`
  }
  return null
}

/**
 * A chat answer's bill: the upstream's usage when it reported a believable one, else what was
 * relayed counted (never above the hold), as when it reported none.
 */
export function chatBill(
  plan: ChatHoldPlan,
  served: CatalogModel,
  reported: Usage | null,
  relayed: () => string[],
  holdMicros: number,
  promptUsage: Usage | null = null,
): Bill {
  const problem = reported ? usageProblem(reported, served, plan) : null
  if (reported && !problem) return { usage: reported, cost: exactCost(served, reported), problem: null }
  return { ...countedCharge(plan, served, relayed(), holdMicros, promptUsage), problem }
}

/** An embedding answer's bill: its reported input tokens when believable, else the estimate (never above the hold). */
export function embeddingBill(
  input: string[] | number[][],
  served: CatalogModel,
  reported: { inputTokens: number; invalid?: string },
  holdMicros: number,
): Bill {
  const ceiling = served.contextWindow * input.length
  const problem =
    reported.invalid ??
    (reported.inputTokens > ceiling
      ? `the upstream reported ${reported.inputTokens} input tokens, above the ${ceiling} ${input.length} input(s) can hold`
      : null)
  if (!problem) {
    const usage: Usage = { inputTokens: reported.inputTokens, outputTokens: 0 }
    return { usage, cost: exactCost(served, usage), problem: null }
  }
  const usage: Usage = { inputTokens: Math.min(estimateEmbeddingTokens(input), ceiling), outputTokens: 0 }
  return { usage, cost: capCost(exactCost(served, usage), holdMicros), problem }
}
