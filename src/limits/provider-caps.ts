// Per-provider rpm / tpm caps: a deployment whose provider is at its cap is skipped before it goes over.
import { RateWindow, WINDOW_MS } from './rate-window'

const BUCKET_MS = 1000
const BUCKETS = WINDOW_MS / BUCKET_MS

/**
 * Tokens in the last 60 seconds, in one-second buckets: O(1) per add, 60 numbers per provider.
 * A bucket is forgotten a whole second at a time, so the window is 59–60 s long — the cap errs
 * on the side of waiting.
 */
export class TokenWindow {
  private readonly buckets = new Float64Array(BUCKETS)
  private readonly stamps = new Float64Array(BUCKETS).fill(-1)
  private total = 0

  constructor(public limit: number) {}

  used(now: number): number {
    const second = Math.floor(now / BUCKET_MS)
    for (let i = 0; i < BUCKETS; i++) {
      if (this.stamps[i]! >= 0 && this.stamps[i]! <= second - BUCKETS) {
        this.total -= this.buckets[i]!
        this.buckets[i] = 0
        this.stamps[i] = -1
      }
    }
    return this.total
  }

  add(now: number, tokens: number): void {
    const second = Math.floor(now / BUCKET_MS)
    const i = second % BUCKETS
    if (this.stamps[i] !== second) {
      this.total -= this.buckets[i]!
      this.buckets[i] = 0
      this.stamps[i] = second
    }
    this.buckets[i]! += tokens
    this.total += tokens
  }
}

interface Caps {
  rpm: RateWindow | null
  tpm: TokenWindow | null
}

/**
 * The limiter's provider windows. A request slot (and the request's estimated tokens) is taken
 * only when both caps leave room (`room`, then `take`), so a provider never gets more than its rpm in any
 * 60 s; `used` adds what the answer really cost once it is known. Windows are kept by provider
 * name, so a config reload keeps them (with the new limits).
 */
export class ProviderCaps {
  private readonly caps = new Map<string, Caps>()
  private last = -Infinity

  /** Adopts the configured limits (at start and on each reload); providers without caps are dropped. */
  configure(limits: Record<string, { rpm?: number; tpm?: number }>): void {
    for (const name of [...this.caps.keys()]) if (!limits[name]?.rpm && !limits[name]?.tpm) this.caps.delete(name)
    for (const [name, { rpm, tpm }] of Object.entries(limits)) {
      if (!rpm && !tpm) continue
      const caps = this.caps.get(name) ?? { rpm: null, tpm: null }
      if (rpm) {
        if (caps.rpm) caps.rpm.setLimit(rpm)
        else caps.rpm = new RateWindow(rpm)
      } else caps.rpm = null
      if (tpm) {
        if (caps.tpm) caps.tpm.limit = tpm
        else caps.tpm = new TokenWindow(tpm)
      } else caps.tpm = null
      this.caps.set(name, caps)
    }
  }

  /** True when the provider has room for one more request of `tokens` estimated tokens. Takes nothing. */
  room(provider: string, now: number, tokens: number): boolean {
    const caps = this.caps.get(provider)
    if (!caps) return true
    now = this.clamp(now)
    if (caps.rpm) {
      caps.rpm.expire(now)
      if (caps.rpm.full()) return false
    }
    return !caps.tpm || caps.tpm.used(now) + tokens <= caps.tpm.limit
  }

  /**
   * Takes the room `room` found. Nothing may await between the two: JavaScript runs one request's
   * code at a time, so N concurrent requests cannot all pass one look.
   */
  take(provider: string, now: number, tokens: number): void {
    const caps = this.caps.get(provider)
    if (!caps) return
    now = this.clamp(now)
    caps.rpm?.take(now)
    caps.tpm?.add(now, tokens)
  }

  /** Tokens an answer used beyond its estimate (or less: a negative correction). */
  used(provider: string, now: number, extraTokens: number): void {
    const tpm = this.caps.get(provider)?.tpm
    if (tpm && extraTokens !== 0) tpm.add(this.clamp(now), extraTokens)
  }

  /** Milliseconds until the provider's rpm window frees a slot (0 when it has room or no cap). */
  msUntilRoom(provider: string, now: number): number {
    const rpm = this.caps.get(provider)?.rpm
    return rpm?.full() ? rpm.msUntilSlotFrees(this.clamp(now)) : 0
  }

  private clamp(now: number): number {
    if (now > this.last) this.last = now
    return this.last
  }
}
