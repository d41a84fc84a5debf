// Client reasoning settings (OpenAI `reasoning_effort`, Anthropic `thinking` / `output_config.effort`) → the shared effort scale.
import type { ChatRequest, ReasoningEffort, WireFormat } from '../providers/types'

const EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']

/** An effort level as OpenAI and Anthropic spell them; undefined for anything else (the client's own upstream judges it). */
export function effortOf(value: unknown): ReasoningEffort | undefined {
  return EFFORTS.find((effort) => effort === value)
}

/**
 * The effort a thinking budget stands for: the smallest level whose budget covers it (the
 * budgets are src/providers/anthropic/request.ts's). Larger budgets say `high`, not `xhigh`/`max`,
 * which only the newest OpenAI models take.
 */
export function effortForBudget(budget: number): ReasoningEffort {
  if (budget <= 1024) return 'minimal'
  if (budget <= 2048) return 'low'
  if (budget <= 8192) return 'medium'
  return 'high'
}

type Thinking = { type?: unknown; budget_tokens?: unknown; display?: unknown }

/**
 * Anthropic's `thinking` and `output_config.effort`: `disabled` → none; `enabled` → the effort its
 * budget stands for, the budget kept for targets that take one; `adaptive` → the effort asked, or
 * none (the target model's default depth, as adaptive leaves it to the model). The thinking text
 * comes back unless `display` is `omitted`.
 * Undefined when neither is set or the shape is not one Anthropic defines (then it stays untranslatable).
 */
export function anthropicReasoning(body: Record<string, unknown>): ChatRequest['reasoning'] | null | undefined {
  const thinking = body.thinking as Thinking | null | undefined
  const config = body.output_config as { effort?: unknown } | null | undefined
  const effort = effortOf(config?.effort)
  if (config?.effort != null && effort === undefined) return null
  if (thinking === undefined || thinking === null) return effort ? { effort } : undefined
  const summary = thinking.display !== 'omitted'
  switch (thinking.type) {
    case 'disabled':
      return { effort: 'none' }
    case 'enabled':
      if (typeof thinking.budget_tokens !== 'number') return null
      return { effort: effort ?? effortForBudget(thinking.budget_tokens), budgetTokens: thinking.budget_tokens, summary }
    case 'adaptive':
      // Without an effort the model decides how much to think, as a model's default reasoning does.
      return effort ? { effort, summary } : { summary }
    default:
      return null
  }
}

/**
 * Anthropic clients must get a `signature` on every thinking block and send it back unchanged.
 * Reasoning of another format's model gets one that names its issuer (and carries that model's
 * own signature, if any), so the block finds its way back to the model that wrote it.
 */
const FOREIGN = 'th1_'

export function foreignSignature(issuer: WireFormat, signature: string | undefined): string {
  return `${FOREIGN}${issuer}_${signature ?? ''}`
}

/** The issuer and the issuer's own signature of a thinking block's signature. */
export function readSignature(signature: string): { issuer: WireFormat; signature?: string } {
  if (!signature.startsWith(FOREIGN)) return { issuer: 'anthropic', signature }
  const rest = signature.slice(FOREIGN.length)
  const at = rest.indexOf('_')
  const issuer = rest.slice(0, at) as WireFormat
  const own = rest.slice(at + 1)
  return { issuer, ...(own ? { signature: own } : {}) }
}
