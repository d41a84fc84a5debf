// One model call, start to end: parse, route, estimate, hold, call upstream, settle, answer.
import type { Config } from '../config/schema'
import { GatewayError } from '../errors'
import { encodeOpenAIEmbeddings, parseOpenAIEmbedding } from '../formats/openai'
import { SSE_HEADERS } from '../formats/sse'
import type { ClientFormat } from '../formats/types'
import type { ChatRequest, ChatResponse, FrameBatch, Usage } from '../providers/types'
import { estimateEmbeddingTokens } from '../tokens/estimate'
import type { Hold } from '../store/holds'
import { fallbackChain, resolveModel } from '../access/model-access'
import type { AuthenticatedKey } from '../access/auth'
import type { Billing } from '../money/billing'
import type { Catalog, CatalogModel } from '../catalog/catalog'
import { chatBill, embeddingBill, planChatHold, planEmbeddingHold, type Bill, type ChatHoldPlan } from '../money/hold-plan'
import { formatUsdExact } from '../money/usd'
import { splitPicos } from '../money/pricing'
import type { PendingWork } from './pending-work'
import type { RequestContext } from './request-context'
import { relayStream, type StreamOutcome } from './stream-relay'
import { callWithFallbacks, finished, type RoutingDeps, type Served, type UpstreamCallOptions } from './upstream-call'

export interface GatewayDeps {
  config: Config
  catalog: Catalog
  billing: Billing
  /** Provider caps, clock and timer for choosing deployments. */
  routing: RoutingDeps
  /** Streams' settlements, which finish after their responses (a graceful stop waits for them). */
  endings?: PendingWork
}

/** What the route sends back: a JSON body or an SSE stream, with the gateway's headers. */
export interface GatewayAnswer {
  status: number
  body: string | ReadableStream<Uint8Array>
  headers: Record<string, string>
}

export interface ModelCall {
  body: Record<string, unknown>
  /** The body's JSON text as it came (what a byte-exact relay forwards). */
  bodyText: string
  auth: AuthenticatedKey
  ctx: RequestContext
  clientHeaders: Headers
  /** The request URL's query string ('' when none), e.g. Claude Code's `?beta=true`. */
  clientQuery: string
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

/** Releases a hold on a failure path; a release that fails is left to the hold sweeper. */
async function releaseAfter(deps: GatewayDeps, ctx: RequestContext, hold: Hold): Promise<void> {
  try {
    await deps.billing.release(hold)
  } catch (error) {
    console.error(`request ${ctx.requestId}: releasing hold ${hold.id} failed:`, (error as Error).message)
  }
}

/** How this call reaches its upstreams: the chain, the client's headers and query, routing, and the tokens the caps count. */
function upstreamOptions(
  deps: GatewayDeps,
  call: ModelCall,
  chain: CatalogModel[],
  streaming: boolean,
  tokens: number,
): UpstreamCallOptions {
  return {
    config: deps.config,
    ctx: call.ctx,
    chain,
    streaming,
    clientHeaders: call.clientHeaders,
    clientQuery: call.clientQuery,
    routing: deps.routing,
    policy: deps.catalog.routing,
    tokens,
  }
}

/** Settles the hold at the bill's exact cost: whole micro-USD now, the pico-USD below them carried with the account. */
function settleBill(deps: GatewayDeps, hold: Hold, bill: Bill): Promise<number> {
  const { micros, remainderPicos } = splitPicos(bill.cost.picos)
  return deps.billing.settle(hold, micros, remainderPicos)
}

/** Records what was charged; usage the upstream reported but money did not believe is logged as such. */
function recordBill(ctx: RequestContext, bill: Bill, costMicros: number) {
  ctx.charged(bill.usage, costMicros, bill.problem, bill.cost)
  if (bill.problem) console.warn(`request ${ctx.requestId}: ${bill.problem}; billed as if no usage came`)
}

/** A settled JSON answer: the body with what was charged and the gateway's timings. */
const billedJson = (body: string, chargedMicros: number, ctx: RequestContext): GatewayAnswer => ({
  status: 200,
  body,
  headers: { ...JSON_HEADERS, 'x-token-hub-cost-usd': formatUsdExact(chargedMicros), 'server-timing': ctx.serverTiming() },
})

/**
 * What a translation left out of the request (hosted tools a translated model cannot run, hints the target has no slot for) goes in
 * the log row; a model whose upstream takes the client's body as it came received it all.
 */
function noteLeftOut(ctx: RequestContext, request: ChatRequest, served: CatalogModel) {
  const { format, relays } = served.provider
  if (format === request.source.format || relays?.includes(request.source.format)) return
  const leftOut = [...(request.leftOut ?? []), ...(served.provider.droppedHints?.(request) ?? [])]
  if (leftOut.length > 0) ctx.noted(`left out of the request to ${served.provider.name}: ${leftOut.join(', ')}`)
}

/** Text and tool-call arguments of an answer, for counting when the upstream reported no usage. */
const answerText = (response: ChatResponse) =>
  response.content.flatMap((p) => (p.type === 'text' ? [p.text] : p.type === 'tool_call' ? [p.name, p.arguments] : []))

/** `/v1/chat/completions`, `/v1/messages` and `/v1/responses`: the same path, in the client's format. */
export async function chat(deps: GatewayDeps, format: ClientFormat, call: ModelCall): Promise<GatewayAnswer> {
  const { ctx, auth } = call
  ctx.modelNamed(call.body.model)
  const request = format.parseChat(call.body, call.bodyText)
  const model = resolveModel(deps.catalog, auth, request.model, 'chat')
  ctx.routed(model, request.stream)

  const chain = fallbackChain(deps.catalog, auth, model)
  const plan = planChatHold(request, chain)
  const hold = await holdFor(deps, call, plan.holdMicros)
  // From here the hold must be resolved exactly once: settled on success, released on any failure
  // (a stream hands it to the relay, which settles it when the stream ends).
  try {
    const effective: ChatRequest = request.maxTokens === null ? { ...request, maxTokens: model.maxOutputTokens } : request
    const upstream = upstreamOptions(deps, call, chain, request.stream, plan.prompt.high)
    if (request.stream) return await streamChat(deps, format, call, { request: effective, model, hold, plan, upstream })

    const answered = await callWithFallbacks(upstream, (m, context) => m.provider.chat({ ...effective, model: m.id }, context))
    const { value: response, model: served } = answered
    usedTokens(deps, answered, response.usage, upstream.tokens)
    const body = format.encodeChat(response, model.id, { request: effective, requestId: ctx.requestId })
    const bill = chatBill(plan, served, response.usage, () => answerText(response), hold.amountMicros)
    const charged = await settleBill(deps, hold, bill)
    recordBill(ctx, bill, charged)
    ctx.servedBy(served)
    noteLeftOut(ctx, effective, served)
    return billedJson(body, charged, ctx)
  } catch (error) {
    await releaseAfter(deps, ctx, hold)
    throw error
  }
}

interface StreamPlan {
  request: ChatRequest
  model: CatalogModel
  hold: Hold
  plan: ChatHoldPlan
  upstream: UpstreamCallOptions
}

/** Tells the provider's tpm window what the answer really used beyond the estimate it was admitted at. */
function usedTokens(
  deps: GatewayDeps,
  served: Served<unknown>,
  usage: (Pick<Usage, 'inputTokens'> & Partial<Usage>) | null,
  estimated: number,
): void {
  if (!usage) return
  const total = usage.inputTokens + (usage.outputTokens ?? 0)
  deps.routing.caps.used(served.model.provider.name, deps.routing.clock.now(), total - estimated)
}

/** Opens the upstream stream and hands the hold to the relay; throws (hold still open) if it fails. */
async function streamChat(deps: GatewayDeps, format: ClientFormat, call: ModelCall, plan: StreamPlan): Promise<GatewayAnswer> {
  const { ctx } = call
  // The first frame is read before answering, so an upstream that fails at once can still
  // fall back or become a plain error response.
  const opened = await callWithFallbacks(plan.upstream, async (m, context) => {
    const frames = (await m.provider.chatStream({ ...plan.request, model: m.id }, context))[Symbol.asyncIterator]()
    return { frames, first: await frames.next() }
  })
  const served = opened.model
  const encoder = format.streamEncoder({ clientModel: plan.model.id, request: plan.request, requestId: ctx.requestId })
  ctx.servedBy(served)
  noteLeftOut(ctx, plan.request, served)
  ctx.awaitSettlement()
  const body = relayStream({
    frames: opened.value.frames as AsyncIterator<FrameBatch>,
    first: opened.value.first,
    encoder,
    deadlineMs: deps.config.upstream.stream_timeout_s * 1000,
    onFirstByte: () => ctx.firstByteSent(),
    onEnd: (outcome) => {
      finished(opened)
      usedTokens(deps, opened, outcome.usage, plan.upstream.tokens)
      const ending = settleStream(deps, ctx, plan, served, outcome).finally(() => ctx.settled())
      return deps.endings ? deps.endings.track(ending) : ending
    },
  })
  return { status: 200, body, headers: { ...SSE_HEADERS, 'server-timing': ctx.serverTiming() } }
}

/**
 * Bills a finished stream: the upstream's usage when it reported one (even after the client
 * left), else the tokens relayed, never more than the hold. The request's record (its log row)
 * is written by the one writer in app.ts once this has finished.
 */
async function settleStream(
  deps: GatewayDeps,
  ctx: RequestContext,
  plan: StreamPlan,
  served: CatalogModel,
  outcome: StreamOutcome,
): Promise<GatewayError | null> {
  const bill = chatBill(plan.plan, served, outcome.usage, () => outcome.relayed, plan.hold.amountMicros, outcome.promptUsage)
  let failure: GatewayError | null = null
  try {
    const charged = await settleBill(deps, plan.hold, bill)
    recordBill(ctx, bill, charged)
  } catch (error) {
    console.error(`request ${ctx.requestId}: settling the stream failed:`, (error as Error).message)
    ctx.chargeFailed()
    await releaseAfter(deps, ctx, plan.hold)
    // The client is told instead of seeing a normal end it was not charged for.
    failure = new GatewayError('store_unavailable', 'The answer could not be billed, so it is not confirmed; retry the request.')
  }
  ctx.streamEnded(outcome.error ?? null, outcome.clientGone)
  return failure
}

/** `/v1/embeddings`. */
export async function embeddings(deps: GatewayDeps, call: ModelCall): Promise<GatewayAnswer> {
  const { ctx, auth } = call
  ctx.modelNamed(call.body.model)
  const request = parseOpenAIEmbedding(call.body)
  const model = resolveModel(deps.catalog, auth, request.model, 'embedding')
  ctx.routed(model, false)
  const chain = fallbackChain(deps.catalog, auth, model)
  const hold = await holdFor(deps, call, planEmbeddingHold(request.input, chain))
  try {
    const tokens = estimateEmbeddingTokens(request.input)
    const answer = await callWithFallbacks(upstreamOptions(deps, call, chain, false, tokens), (m, context) =>
      m.provider.embed({ ...request, model: m.id }, context),
    )
    usedTokens(deps, answer, answer.value.usage, tokens)
    const body = encodeOpenAIEmbeddings(answer.value, model.id)
    const bill = embeddingBill(request.input, answer.model, answer.value.usage, hold.amountMicros)
    const charged = await settleBill(deps, hold, bill)
    recordBill(ctx, bill, charged)
    return billedJson(body, charged, ctx)
  } catch (error) {
    await releaseAfter(deps, ctx, hold)
    throw error
  }
}
