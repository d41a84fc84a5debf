// /v1 (and the legacy billing paths without it): the key-authenticated API. Each route admits the key, calls one service, maps the answer.
import { Elysia } from 'elysia'
import { admit, type AdmissionDeps } from '../../access/admission'
import type { AuthenticatedKey } from '../../access/auth'
import type { Catalog } from '../../catalog/catalog'
import { countTokens } from '../../gateway/count-tokens'
import * as gateway from '../../gateway/model-call'
import type { PortalService, Scope } from '../../accounts/self-service'
import { formatUsd } from '../../money/usd'
import type { RequestContext } from '../../gateway/request-context'
import { GatewayError } from '../../errors'
import { anthropicFormat } from '../../formats/anthropic'
import { anthropicModelInfo, modelPage, speaksAnthropic } from '../../formats/anthropic/models'
import { completionsFormat } from '../../formats/completions'
import { openAIFormat } from '../../formats/openai'
import { responsesFormat } from '../../formats/responses'
import { compactAsResponsesBody, compactionAnswer } from '../../formats/responses/compaction'
import { parseJsonBody } from '../../formats/validate'
import { json, readBodyText } from '../responses'

export interface V1Deps extends AdmissionDeps {
  gateway: gateway.GatewayDeps
  catalog: Catalog
  /** The key's account: balance and the legacy billing shapes. */
  portal: PortalService
  contextOf(request: Request): RequestContext
}

const MODEL_CREATED = 1_700_000_000

function modelObject(catalog: Catalog, id: string) {
  return { id, object: 'model', created: MODEL_CREATED, owned_by: catalog.get(id)?.ownedBy ?? 'token-hub' }
}

/** A key reads its own account and changes nothing through /v1. */
const keyScope = (auth: AuthenticatedKey): Scope => ({ accountId: auth.key.accountId, canManage: false })

/** Turns a gateway answer into a Response carrying the context's rate-limit headers. */
function respond(ctx: RequestContext, answer: gateway.GatewayAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: { ...answer.headers, ...ctx.rateLimitHeaders() } })
}

export function v1Routes(deps: V1Deps) {
  const modelCall = async (request: Request, takesSlot = true) => {
    const ctx = deps.contextOf(request)
    const auth = await admit(deps, request.headers, ctx, takesSlot)
    const bodyText = await readBodyText(request, deps.config.server.max_body_bytes)
    const body = parseJsonBody(bodyText)
    const clientQuery = new URL(request.url).search
    return { ctx, call: { body, bodyText, auth, ctx, clientHeaders: request.headers, clientQuery } }
  }
  const keyed = async (request: Request): Promise<{ ctx: RequestContext; auth: AuthenticatedKey }> => {
    const ctx = deps.contextOf(request)
    return { ctx, auth: await admit(deps, request.headers, ctx, false) }
  }

  // The legacy billing shapes: front ends configured with a base URL without /v1 (NextChat) poll
  // them without it too, as One API serves them.
  const subscription = async (request: Request) => {
    const { ctx, auth } = await keyed(request)
    return json(await deps.portal.legacySubscription(keyScope(auth), auth.key.expiresAt), 200, ctx.rateLimitHeaders())
  }
  const usage = async (request: Request, query: Record<string, string | undefined>) => {
    const { ctx, auth } = await keyed(request)
    return json(await deps.portal.legacyUsage(keyScope(auth), query), 200, ctx.rateLimitHeaders())
  }

  return new Elysia({ name: 'v1' })
    .post(
      '/v1/chat/completions',
      async ({ request }) => {
        const { ctx, call } = await modelCall(request)
        return respond(ctx, await gateway.chat(deps.gateway, openAIFormat, call))
      },
      { parse: 'none' },
    )
    .post(
      '/v1/completions',
      async ({ request }) => {
        const { ctx, call } = await modelCall(request)
        return respond(ctx, await gateway.chat(deps.gateway, completionsFormat, call))
      },
      { parse: 'none' },
    )
    .post(
      '/v1/messages',
      async ({ request }) => {
        const { ctx, call } = await modelCall(request)
        return respond(ctx, await gateway.chat(deps.gateway, anthropicFormat, call))
      },
      { parse: 'none' },
    )
    .post(
      '/v1/responses',
      async ({ request }) => {
        const { ctx, call } = await modelCall(request)
        return respond(ctx, await gateway.chat(deps.gateway, responsesFormat, call))
      },
      { parse: 'none' },
    )
    .post(
      '/v1/responses/compact',
      async ({ request }) => {
        const { ctx, call } = await modelCall(request)
        const body = compactAsResponsesBody(call.body)
        const answer = await gateway.chat(deps.gateway, responsesFormat, { ...call, body, bodyText: JSON.stringify(body) })
        if (answer.status !== 200 || typeof answer.body !== 'string') return respond(ctx, answer)
        return respond(ctx, { ...answer, body: compactionAnswer(answer.body, call.body) })
      },
      { parse: 'none' },
    )
    .get('/v1/responses', () => {
      // Codex opens the Responses API as a WebSocket first (GET with an upgrade): this says "use HTTP".
      throw new GatewayError('websocket_unsupported', 'token-hub serves the Responses API over HTTP only: POST /v1/responses.')
    })
    .post(
      '/v1/messages/count_tokens',
      async ({ request }) => {
        // Counting calls no upstream: it does not take a slot in the request windows.
        const { ctx, call } = await modelCall(request, false)
        return json(countTokens(deps.catalog, anthropicFormat, call), 200, ctx.rateLimitHeaders())
      },
      { parse: 'none' },
    )
    .post(
      '/v1/embeddings',
      async ({ request }) => {
        const { ctx, call } = await modelCall(request)
        return respond(ctx, await gateway.embeddings(deps.gateway, call))
      },
      { parse: 'none' },
    )
    .get('/v1/models', async ({ request, query }) => {
      const { ctx, auth } = await keyed(request)
      const ids = [...auth.allowedModels].sort()
      if (speaksAnthropic(request.headers)) {
        const page = modelPage(ids, query)
        const data = page.ids.map((id) => anthropicModelInfo(deps.catalog.get(id)!))
        return json({ data, has_more: page.has_more, first_id: page.first_id, last_id: page.last_id }, 200, ctx.rateLimitHeaders())
      }
      return json({ object: 'list', data: ids.map((id) => modelObject(deps.catalog, id)) }, 200, ctx.rateLimitHeaders())
    })
    .get('/v1/models/*', async ({ request, params }) => {
      const { ctx, auth } = await keyed(request)
      const id = decodeURIComponent(params['*'])
      if (!auth.allowedModels.has(id)) {
        const available = [...auth.allowedModels].sort().join(', ') || '(none)'
        throw new GatewayError('model_not_found', `No provider for model '${id}'. Available: ${available}`, { param: 'model' })
      }
      const model = speaksAnthropic(request.headers) ? anthropicModelInfo(deps.catalog.get(id)!) : modelObject(deps.catalog, id)
      return json(model, 200, ctx.rateLimitHeaders())
    })
    .get('/v1/account/balance', async ({ request }) => {
      const { ctx, auth } = await keyed(request)
      return json(await deps.portal.balance(keyScope(auth)), 200, ctx.rateLimitHeaders())
    })
    .get('/v1/key', async ({ request }) => {
      const { ctx, auth } = await keyed(request)
      const key = auth.key
      const spend = await deps.gateway.billing.keySpend(key.id)
      return json(
        {
          id: key.id,
          name: key.name,
          prefix: key.prefix,
          models: [...auth.allowedModels].sort(),
          rpm: key.rpm ?? deps.config.limits.key_rpm,
          budget_usd: key.budgetMicros === null ? null : formatUsd(key.budgetMicros),
          budget_window_days: key.budgetWindowDays,
          // Spend in the current window (anchored at the key's creation); holds of requests in
          // flight count against the budget until they settle.
          spend_usd: formatUsd(spend?.spentMicros ?? 0),
          held_usd: formatUsd(spend?.heldMicros ?? 0),
          budget_remaining_usd:
            spend?.budgetMicros == null ? null : formatUsd(Math.max(0, spend.budgetMicros - spend.spentMicros - spend.heldMicros)),
          window_started_at: spend ? new Date(spend.windowStart).toISOString() : null,
          window_resets_at: spend ? new Date(spend.windowEnd).toISOString() : null,
          created_at: new Date(key.createdAt).toISOString(),
          expires_at: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
        },
        200,
        ctx.rateLimitHeaders(),
      )
    })
    .get('/v1/dashboard/billing/subscription', ({ request }) => subscription(request))
    .get('/dashboard/billing/subscription', ({ request }) => subscription(request))
    .get('/v1/dashboard/billing/usage', ({ request, query }) => usage(request, query))
    .get('/dashboard/billing/usage', ({ request, query }) => usage(request, query))
}
