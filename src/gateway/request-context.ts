// What one request gathers on its way through: ids, timings, tokens, cost — becomes its log row.
import { systemTimer, type Timer } from '../clock'
import type { RequestLogRow } from '../store/request-log'
import type { ErrorFormat } from '../errors'

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

export class RequestContext {
  /** `timer()` when the request arrived; every duration of the request is on the same timer. */
  readonly startedAt: number
  format: ErrorFormat = 'openai'
  clientIp: string | null = null
  accountId: string | null = null
  keyId: string | null = null
  model: string | null = null
  provider: string | null = null
  status = 200
  errorCode: string | null = null
  promptTokens: number | null = null
  completionTokens: number | null = null
  costMicros = 0
  ttfbMs: number | null = null
  stream = false
  attempts: UpstreamAttempt[] = []
  rateLimit: RateLimitState | null = null
  /** `timer()` when the first upstream call started and when its answer was in. */
  upstreamStartedAt: number | null = null
  upstreamEndedAt: number | null = null
  /** Set when a stream answers: its bill is final only when the stream ends (see `billed`). */
  private settlement: PromiseWithResolvers<void> | null = null
  /** Told of the finished row once (metrics), wherever the row is written. */
  onFinish: ((row: RequestLogRow, ctx: RequestContext) => void) | null = null
  private finished = false

  constructor(
    readonly requestId: string,
    readonly route: string,
    readonly ts: number,
    readonly timer: Timer = systemTimer,
  ) {
    this.startedAt = timer()
  }

  elapsedMs(): number {
    return this.timer() - this.startedAt
  }

  /** `X-RateLimit-*` for every authenticated /v1 answer. */
  /** The answer is a stream: the request's record waits for `settled()`. */
  awaitSettlement(): void {
    this.settlement = Promise.withResolvers<void>()
  }

  /** The stream's bill is final (settled or released). */
  settled(): void {
    this.settlement?.resolve()
  }

  /** Resolves when a stream's bill is final; null when the bill was final with the response. */
  get billed(): Promise<void> | null {
    return this.settlement?.promise ?? null
  }

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
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
      costMicros: this.costMicros,
      latencyMs: Math.round(this.elapsedMs() * 1000) / 1000,
      ttfbMs: this.ttfbMs === null ? null : Math.round(this.ttfbMs * 1000) / 1000,
      stream: this.stream,
      clientIp: this.clientIp,
      attempts: this.attempts.length > 1 ? this.attempts : null,
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
