// One model call, start to end: parse, route, estimate, hold, call upstream, settle, answer.
import type { Config } from '../config/schema'
import { GatewayError } from '../errors'
import { encodeOpenAIEmbeddings, parseOpenAIEmbedding } from '../formats/openai'
import { SSE_HEADERS } from '../formats/sse'
import type { ClientFormat } from '../formats/types'
import type { ChatRequest, StreamFrame, Usage } from '../providers/types'
import type { Hold } from '../store/holds'
import { fallbackChain, resolveModel } from './access'
import type { AuthenticatedKey } from './auth'
import type { Billing } from './billing'
import type { Catalog, CatalogModel } from './catalog'
import { estimateEmbeddingTokens, estimatePromptTokens, estimateTextTokens } from './estimate'
import { formatUsdExact } from './money'
import { costOf, maxCostOf } from './pricing'
import type { RequestContext } from './request-context'
import type { RequestLogWriter } from './request-log'
import { relayStream, type StreamOutcome } from './stream-relay'
import { callWithFallbacks } from './upstream-call'

export interface GatewayDeps {
  config: Config
  catalog: Catalog
  billing: Billing
  log: RequestLogWriter
}

/** What the route sends back: a JSON body or an SSE stream, with the gateway's headers. */
export interface GatewayAnswer {
  status: number
  body: string | ReadableStream<Uint8Array>
  headers: Record<string, string>
}

export interface ModelCall {
  body: Record<string, unknown>
  auth: AuthenticatedKey
  ctx: RequestContext
  clientHeaders: Headers
}

const JSON_HEADERS = { 'content-type': 'application/json' }

/** Places the hold for a request's maximum cost, or answers 402 before any upstream call. */
async function holdFor(deps: GatewayDeps, call: ModelCall, amountMicros: number): Promise<Hold> {
  const outcome = await deps.billing.hold({
    accountId: call.auth.key.accountId,
    keyId: call.auth.key.id,
    requestId: call.ctx.requestId,
    amountMicros,
  })
  if (!outcome.ok) throw new GatewayError(outcome.code, outcome.message)
  return outcome.hold
}

/** Usage to bill when the upstream reported none: the prompt estimate and the tokens relayed. */
function countedUsage(promptTokens: number, relayed: string[]): Usage {
  let outputTokens = 0
  for (const piece of relayed) outputTokens += estimateTextTokens(piece)
  return { inputTokens: promptTokens, outputTokens }
}

function recordUsage(ctx: RequestContext, usage: Usage, costMicros: number) {
  ctx.promptTokens = usage.inputTokens
  ctx.completionTokens = usage.outputTokens
  ctx.costMicros = costMicros
}

/** `/v1/chat/completions` and `/v1/messages`: the same path, in the client's format. */
export async function chat(deps: GatewayDeps, format: ClientFormat, call: ModelCall): Promise<GatewayAnswer> {
  const { ctx, auth } = call
  const request = format.parseChat(call.body)
  const model = resolveModel(deps.catalog, auth, request.model, 'chat')
  ctx.model = model.id
  ctx.provider = model.provider.name
  ctx.stream = request.stream

  const promptTokens = estimatePromptTokens(request)
  const maxOutput = request.maxTokens ?? model.maxOutputTokens
  if (promptTokens + maxOutput > model.contextWindow) {
    throw new GatewayError(
      'context_length_exceeded',
      `This request needs about ${promptTokens} prompt tokens plus ${maxOutput} output tokens, above ${model.id}'s context window of ${model.contextWindow}. Shorten the prompt or lower max_tokens.`,
      { param: 'messages' },
    )
  }
  const hold = await holdFor(deps, call, maxCostOf(model, promptTokens, maxOutput))
  // From here the hold must be resolved exactly once: settled on success, released on failure.
  const effective: ChatRequest = request.maxTokens === null ? { ...request, maxTokens: model.maxOutputTokens } : request
  const upstream = {
    config: deps.config,
    ctx,
    chain: fallbackChain(deps.catalog, auth, model),
    streaming: request.stream,
    clientHeaders: call.clientHeaders,
  }
  if (request.stream) return streamChat(deps, format, call, { request: effective, model, hold, promptTokens, upstream })

  let answer
  try {
    answer = await callWithFallbacks(upstream, (m, context) => m.provider.chat({ ...effective, model: m.id }, context))
  } catch (error) {
    await deps.billing.release(hold)
    throw error
  }
  const { value: response, model: served } = answer
  const usage = response.usage ?? countedUsage(promptTokens, response.content.flatMap((p) => (p.type === 'text' ? [p.text] : p.type === 'tool_call' ? [p.arguments] : [])))
  const cost = response.usage ? costOf(served, usage) : Math.min(costOf(served, usage), hold.amountMicros)
  const charged = await deps.billing.settle(hold, cost)
  recordUsage(ctx, usage, charged)
  ctx.model = served.id
  return {
    status: 200,
    body: format.encodeChat(response, model.id),
    headers: { ...JSON_HEADERS, 'x-token-hub-cost-usd': formatUsdExact(charged), 'server-timing': ctx.serverTiming() },
  }
}

interface StreamPlan {
  request: ChatRequest
  model: CatalogModel
  hold: Hold
  promptTokens: number
  upstream: Parameters<typeof callWithFallbacks>[0]
}

async function streamChat(deps: GatewayDeps, format: ClientFormat, call: ModelCall, plan: StreamPlan): Promise<GatewayAnswer> {
  const { ctx } = call
  let opened
  try {
    // The first frame is read before answering, so an upstream that fails at once can still
    // fall back or become a plain error response.
    opened = await callWithFallbacks(plan.upstream, async (m, context) => {
      const frames = (await m.provider.chatStream({ ...plan.request, model: m.id }, context))[Symbol.asyncIterator]()
      return { frames, first: await frames.next() }
    })
  } catch (error) {
    await deps.billing.release(plan.hold)
    throw error
  }
  const served = opened.model
  ctx.model = served.id
  ctx.deferred = true
  const encoder = format.streamEncoder({ clientModel: plan.model.id, request: plan.request, requestId: ctx.requestId })
  const body = relayStream({
    frames: opened.value.frames as AsyncIterator<StreamFrame>,
    first: opened.value.first,
    encoder,
    onFirstByte: () => {
      ctx.ttfbMs = ctx.elapsedMs()
    },
    onEnd: (outcome) => settleStream(deps, ctx, plan, served, outcome),
  })
  return { status: 200, body, headers: { ...SSE_HEADERS, 'server-timing': ctx.serverTiming() } }
}

/**
 * Bills a finished stream: the upstream's usage when it reported one (even after the client
 * left), else the tokens relayed, never more than the hold. Then writes the log row.
 */
async function settleStream(deps: GatewayDeps, ctx: RequestContext, plan: StreamPlan, served: CatalogModel, outcome: StreamOutcome) {
  const usage = outcome.usage ?? countedUsage(plan.promptTokens, outcome.relayed)
  const cost = outcome.usage ? costOf(served, usage) : Math.min(costOf(served, usage), plan.hold.amountMicros)
  try {
    const charged = await deps.billing.settle(plan.hold, cost)
    recordUsage(ctx, usage, charged)
  } catch (error) {
    console.error(`request ${ctx.requestId}: settling the stream failed:`, (error as Error).message)
    ctx.errorCode = 'internal_error'
  }
  if (outcome.error) ctx.errorCode = outcome.error.code
  else if (outcome.clientGone) ctx.errorCode = 'client_disconnected'
  const row = ctx.finish()
  if (row) deps.log.push(row)
}

/** `/v1/embeddings`. */
export async function embeddings(deps: GatewayDeps, call: ModelCall): Promise<GatewayAnswer> {
  const { ctx, auth } = call
  const request = parseOpenAIEmbedding(call.body)
  const model = resolveModel(deps.catalog, auth, request.model, 'embedding')
  ctx.model = model.id
  ctx.provider = model.provider.name
  const promptTokens = estimateEmbeddingTokens(request.input)
  const hold = await holdFor(deps, call, maxCostOf(model, promptTokens, 0))
  let answer
  try {
    answer = await callWithFallbacks(
      { config: deps.config, ctx, chain: fallbackChain(deps.catalog, auth, model), streaming: false, clientHeaders: call.clientHeaders },
      (m, context) => m.provider.embed({ ...request, model: m.id }, context),
    )
  } catch (error) {
    await deps.billing.release(hold)
    throw error
  }
  const usage: Usage = { inputTokens: answer.value.usage.inputTokens, outputTokens: 0 }
  const charged = await deps.billing.settle(hold, costOf(answer.model, usage))
  recordUsage(ctx, usage, charged)
  return {
    status: 200,
    body: encodeOpenAIEmbeddings(answer.value, model.id),
    headers: { ...JSON_HEADERS, 'x-token-hub-cost-usd': formatUsdExact(charged), 'server-timing': ctx.serverTiming() },
  }
}
