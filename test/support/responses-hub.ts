// A catalog for Responses tests: one model per family, served by the HTTP mock (and one by the in-process mock).
import { mockHubConfig, UPSTREAM_KEYS } from './mock-http'

/** Round prices: a request costs input tokens + 2 × output tokens micro-USD. */
export const PRICE = { input_usd_per_mtok: 1, output_usd_per_mtok: 2, context_window: 200000, max_output_tokens: 4096 }

export const costOfUsage = (usage: { input_tokens: number; output_tokens: number }) => usage.input_tokens + 2 * usage.output_tokens

export interface Family {
  model: string
  family: string
  /** The upstream serves the Responses API: the body and the answer are relayed as they came. */
  relayed: boolean
}

export const FAMILIES: Family[] = [
  { model: 'responses-chat', family: 'openai, Responses relayed', relayed: true },
  { model: 'openai-chat', family: 'openai-compatible, Chat Completions', relayed: false },
  { model: 'anthropic-chat', family: 'anthropic', relayed: false },
  { model: 'gemini-chat', family: 'gemini', relayed: false },
  { model: 'mock-chat', family: 'in-process mock', relayed: false },
]

/**
 * `mockHubConfig` plus an `openai` provider with `responses_api = true` (models `responses-chat`
 * and `responses-fault-<mode>`) and the in-process mock (`mock-chat`, `mock-fault-<mode>`).
 */
export function responsesHubConfig(url: string, faults: string[] = []) {
  const base = mockHubConfig(url, faults)
  const models = [
    ...base.models.map((m) => ({ ...m, ...PRICE, ...(m.kind === 'embedding' ? { output_usd_per_mtok: 0 } : {}) })),
    { id: 'responses-chat', provider: 'openai-responses', upstream_model: 'mock-responses', ...PRICE },
    { id: 'mock-chat', provider: 'mock', upstream_model: 'mock-gpt', ...PRICE },
  ]
  for (const fault of faults) {
    models.push({ id: `responses-fault-${fault}`, provider: 'openai-responses', upstream_model: `mock-fault-${fault}`, ...PRICE })
    models.push({ id: `mock-fault-${fault}`, provider: 'mock', upstream_model: `mock-fault-${fault}`, ...PRICE })
  }
  return {
    providers: {
      ...base.providers,
      'openai-responses': { type: 'openai', base_url: `${url}/v1`, api_key: UPSTREAM_KEYS.openai, responses_api: true },
      mock: { type: 'mock' },
    },
    models,
    plans: { free: { models: ['mock-chat'] }, standard: { models: ['*'] } },
  }
}
