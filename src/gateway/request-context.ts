// What one request gathers on its way through: ids, timings, tokens, cost — becomes its log row.
import { systemTimer, type Timer } from '../clock'
import type { RequestLogRow } from '../store/request-log'
import type { ErrorFormat } from '../errors'
import type { Usage } from '../providers/types'
import { costBreakdown, type Cost } from '../money/pricing'

export interface RateLimitState {
  limit: number
  remaining: number
  /** Seconds until a slot frees in the tighter window. */
  resetSeconds: number
}

export interface UpstreamAttempt {
  model: string
  provider: string
  status: number
  error: string | null
}

/** The deployment an event names: a catalog model and its provider (a `CatalogModel` fits). */
export interface Deployment {
  id: string
  provider: { name: string }
}

/**
 * The gateway's error text as the client got it, bounded: it names codes, fields, providers and
 * their (redacted) reasons, never the request's messages, and a row must stay small.
 */
const boundedMessage = (message: string) => (message.length > 500 ? `${message.slice(0, 499)}…` : message)

/**
 * What one request records on its way through, and nothing else writes: each step of the request
 * path calls the one method below that names its event, in path order, and `finish()` turns
 * what was recorded into the log row.
 */
export class RequestContext {
  /** `timer()` when the request arrived; every duration of the request is on the same timer. */
  readonly startedAt: number
  private errorFormat: ErrorFormat = 'openai'
  private client: string | null = null
  private accountId: string | null = null
  private keyId: string | null = null
  private model: string | null = null
  private modelRouted = false
  private provider: string | null = null
  private status = 200
  private errorCode: string | null = null
  private errorMessage: string | null = null
  private promptTokens: number | null = null
  private completionTokens: number | null = null
  private usage: Usage | null = null
  private cost: Cost | null = null
  private costMicros = 0
  private ttfbMs: number | null = null
  private stream = false
  private readonly attempts: UpstreamAttempt[] = []
  private readonly notes: string[] = []
  private rateLimit: RateLimitState | null = null
  /** `timer()` when the first upstream call started and when its answer was in. */
  private upstreamStartedAt: number | null = null
  private upstreamEndedAt: number | null = null
  /** Set when a stream answers: its bill is final only when the stream ends (see `billed`). */
  private settlement: PromiseWithResolvers<void> | null = null
  private finished = false

  /** `onFinish` is told of the finished row once (metrics), wherever the row is written. */
  constructor(
    readonly requestId: string,
    readonly route: string,
    readonly ts: number,
    private readonly onFinish: ((row: RequestLogRow, ctx: RequestContext) => void) | null = null,
    readonly timer: Timer = systemTimer,
  ) {
    this.startedAt = timer()
  }

  /** The shape errors are rendered in for this route. */
  get format(): ErrorFormat {
    return this.errorFormat
  }

  /** The client's address (the peer, or X-Forwarded-For from a trusted proxy). */
  get clientIp(): string | null {
    return this.client
  }

  // The request path's events, in order (app.ts, access/admission.ts, gateway/*).

  /** The request arrived (app.ts): its error format and the client's address. */
  received(format: ErrorFormat, clientIp: string | null): void {
    this.errorFormat = format
    this.client = clientIp
  }

  /** The key was found (admission): the row belongs to its account and key. */
  authenticated(key: { id: string; accountId: string }): void {
    this.accountId = key.accountId
    this.keyId = key.id
  }

  /** The limiter looked or took a slot (admission): the tighter window, for `X-RateLimit-*`; null when limits are off. */
  limitsChecked(state: RateLimitState | null): void {
    this.rateLimit = state
  }

  /**
   * The body named a model (model-call, count-tokens), before anything checked it: a request
   * refused for its body or its model still logs the model it asked for.
   */
  modelNamed(model: unknown): void {
    if (this.model === null && typeof model === 'string' && model !== '') this.model = model.slice(0, 200)
  }

  /** The catalog model the request was routed to (null when none was: the row may still name what the body asked for). */
  get routedModel(): string | null {
    return this.modelRouted ? this.model : null
  }

  /** The model the client asked for was resolved (model-call, count-tokens). */
  routed(model: Deployment, stream: boolean): void {
    this.modelRouted = true
    this.model = model.id
    this.provider = model.provider.name
    this.stream = stream
  }

  /** An upstream attempt starts (upstream-call); the first one starts the upstream timing. */
  upstreamCalled(deployment: Deployment): void {
    this.upstreamStartedAt ??= this.timer()
    this.provider = deployment.provider.name
  }

  /** The attempt answered (for a stream: its first frame); the upstream timing ends. */
  upstreamAnswered(deployment: Deployment): void {
    this.attempts.push({ model: deployment.id, provider: deployment.provider.name, status: 200, error: null })
    this.upstreamEndedAt = this.timer()
  }

  /** The attempt failed; `last` when no fallback follows, which ends the upstream timing. */
  upstreamFailed(deployment: Deployment, error: { status: number; message: string }, last: boolean): void {
    this.attempts.push({ model: deployment.id, provider: deployment.provider.name, status: error.status, error: error.message })
    if (last) this.upstreamEndedAt = this.timer()
  }

  /** The answer came from this model (a fallback's, when one was used). */
  servedBy(model: Deployment): void {
    this.model = model.id
  }

  /** The request was served other than the client asked, without failing (what a translation left out). */
  noted(note: string): void {
    this.notes.push(note)
  }

  /** The answer is a stream: the request's record waits for `settled()`. */
  awaitSettlement(): void {
    this.settlement = Promise.withResolvers<void>()
  }

  /** The stream's first byte went to the client. */
  firstByteSent(): void {
    this.ttfbMs = this.elapsedMs()
  }

  /** The hold was settled: the usage billed and what it cost. */
  charged(usage: Usage, costMicros: number, usageProblem: string | null = null, cost: Cost | null = null): void {
    this.promptTokens = usage.inputTokens
    this.completionTokens = usage.outputTokens
    this.usage = usage
    this.cost = cost
    this.costMicros = costMicros
    // Billed as if no usage came (money did not believe the upstream's): the row says so.
    if (usageProblem !== null) this.errorCode = 'upstream_usage_invalid'
  }

  /** A stream's bill could not be written (its hold is released instead). */
  chargeFailed(): void {
    this.errorCode = 'internal_error'
  }

  /** A stream ended: a failure mid-stream, or a client that left, is the row's error (over a failed charge). */
  streamEnded(error: { code: string; message: string } | null, clientGone: boolean): void {
    if (error !== null) {
      this.errorCode = error.code
      this.errorMessage = boundedMessage(error.message)
    } else if (clientGone) this.errorCode = 'client_disconnected'
  }

  /** The stream's bill is final (settled or released). */
  settled(): void {
    this.settlement?.resolve()
  }

  /** The request was answered with an error (app.ts onError). */
  failed(error: { status: number; code: string; message?: string }): void {
    this.status = error.status
    this.errorCode = error.code
    this.errorMessage = error.message === undefined ? null : boundedMessage(error.message)
  }

  elapsedMs(): number {
    return this.timer() - this.startedAt
  }

  /** Resolves when a stream's bill is final; null when the bill was final with the response. */
  get billed(): Promise<void> | null {
    return this.settlement?.promise ?? null
  }

  /** `X-RateLimit-*` for every authenticated /v1 answer. */
  rateLimitHeaders(): Record<string, string> {
    if (!this.rateLimit) return {}
    return {
      'x-ratelimit-limit': String(this.rateLimit.limit),
      'x-ratelimit-remaining': String(this.rateLimit.remaining),
      'x-ratelimit-reset': String(this.rateLimit.resetSeconds),
    }
  }

  /** `Server-Timing`: the gateway's own time before the upstream call and after its answer. */
  serverTiming(): string {
    const now = this.timer()
    if (this.upstreamStartedAt === null) return `gateway;dur=${(now - this.startedAt).toFixed(3)}`
    const before = this.upstreamStartedAt - this.startedAt
    const upstream = (this.upstreamEndedAt ?? now) - this.upstreamStartedAt
    const after = this.upstreamEndedAt === null ? 0 : now - this.upstreamEndedAt
    return `gateway-pre;dur=${before.toFixed(3)}, upstream;dur=${upstream.toFixed(3)}, gateway-post;dur=${after.toFixed(3)}`
  }

  /** The row for the operational log, once: later calls return null. */
  finish(): RequestLogRow | null {
    if (this.finished) return null
    this.finished = true
    const row: RequestLogRow = {
      requestId: this.requestId,
      ts: this.ts,
      accountId: this.accountId,
      keyId: this.keyId,
      route: this.route,
      model: this.model,
      provider: this.provider,
      status: this.status,
      errorCode: this.errorCode,
      errorMessage: this.errorMessage,
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
      cacheReadTokens: this.usage ? (this.usage.cacheReadTokens ?? 0) : null,
      cacheWriteTokens: this.usage ? (this.usage.cacheWriteTokens ?? 0) : null,
      cacheWrite1hTokens: this.usage ? (this.usage.cacheWrite1hTokens ?? 0) : null,
      reasoningTokens: this.usage ? (this.usage.reasoningTokens ?? 0) : null,
      costMicros: this.costMicros,
      costBreakdown: this.cost ? costBreakdown(this.cost) : null,
      latencyMs: Math.round(this.elapsedMs() * 1000) / 1000,
      ttfbMs: this.ttfbMs === null ? null : Math.round(this.ttfbMs * 1000) / 1000,
      stream: this.stream,
      clientIp: this.client,
      attempts: this.attempts.length > 1 ? this.attempts : null,
      notes: this.notes.length > 0 ? [...this.notes] : null,
    }
    this.onFinish?.(row, this)
    return row
  }

  /** Seconds the upstream took to answer (to its first frame for streams), or null if none was called. */
  upstreamSeconds(): number | null {
    if (this.upstreamStartedAt === null || this.upstreamEndedAt === null) return null
    return (this.upstreamEndedAt - this.upstreamStartedAt) / 1000
  }
}
