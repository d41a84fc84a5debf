// The models list in Anthropic's shape (`type: "model"`, cursor pages), for clients that speak Anthropic's API.
import type { CatalogModel } from '../../catalog/catalog'
import { GatewayError } from '../../errors'

/**
 * Whether a `/v1/models` request comes from an Anthropic client: it names `anthropic-version`
 * (every Anthropic SDK sends it), or authenticates with `x-api-key` alone (OpenAI's SDKs send
 * `Authorization: Bearer`).
 */
export function speaksAnthropic(headers: Headers): boolean {
  return headers.has('anthropic-version') || (headers.has('x-api-key') && !headers.has('authorization'))
}

/** When a model was released is not in the catalog: one fixed date, as the OpenAI list's `created`. */
const CREATED_AT = new Date(1_700_000_000 * 1000).toISOString().replace('.000Z', 'Z')

/** One `ModelInfo` (anthropic-sdk-typescript `resources/models.ts`); the catalog has no display names or capabilities. */
export function anthropicModelInfo(model: Pick<CatalogModel, 'id' | 'contextWindow' | 'maxOutputTokens' | 'kind'>) {
  return {
    type: 'model',
    id: model.id,
    display_name: model.id,
    created_at: CREATED_AT,
    max_input_tokens: model.contextWindow,
    max_tokens: model.kind === 'chat' ? model.maxOutputTokens : null,
    capabilities: null,
  }
}

const DEFAULT_LIMIT = 20
const MAX_LIMIT = 1000

export interface ModelPageQuery {
  limit?: string
  after_id?: string
  before_id?: string
}

function limitOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT
  const limit = Number(raw)
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT) {
    throw new GatewayError('invalid_body', `limit must be an integer from 1 to ${MAX_LIMIT}.`, { param: 'limit' })
  }
  return limit
}

function cursorIndex(ids: string[], cursor: string, param: 'after_id' | 'before_id'): number {
  const index = ids.indexOf(cursor)
  if (index < 0) throw new GatewayError('invalid_body', `${param} '${cursor}' is not a model this key may call.`, { param })
  return index
}

/**
 * One page of `ids` (already in list order): `limit` models (default 20, at most 1,000) right
 * after `after_id`, or right before `before_id`; `has_more` says whether more lie that way, and
 * `first_id` / `last_id` are the cursors for the next page (the SDK's auto-pagination uses them).
 *
 * @example
 * modelPage(['a', 'b', 'c'], { limit: '2' }) // { ids: ['a', 'b'], has_more: true, first_id: 'a', last_id: 'b' }
 */
export function modelPage(ids: string[], query: ModelPageQuery) {
  const limit = limitOf(query.limit)
  if (query.after_id !== undefined && query.before_id !== undefined) {
    throw new GatewayError('invalid_body', 'Give after_id or before_id, not both.', { param: 'before_id' })
  }
  let start = 0
  let end = Math.min(ids.length, limit)
  let hasMore = end < ids.length
  if (query.after_id !== undefined) {
    start = cursorIndex(ids, query.after_id, 'after_id') + 1
    end = Math.min(ids.length, start + limit)
    hasMore = end < ids.length
  } else if (query.before_id !== undefined) {
    end = cursorIndex(ids, query.before_id, 'before_id')
    start = Math.max(0, end - limit)
    hasMore = start > 0
  }
  const page = ids.slice(start, end)
  return { ids: page, has_more: hasMore, first_id: page[0] ?? null, last_id: page.at(-1) ?? null }
}
