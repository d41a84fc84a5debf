// The Redis Limiter: the same sliding 60-second windows, shared by every instance through one atomic Lua script.
import type { RedisClient } from 'bun'
import type { Clock } from '../clock'
import type { RateLimitState } from '../gateway/request-context'
import type { LimitDecision, Limiter, LimitSubject } from './limiter'
import { WINDOW_MS } from './rate-window'
import { decideWindows, type WindowView } from './sliding-window-limiter'

/**
 * One sorted set per window (score = admission time in ms, member unique). The script drops what
 * left the window, counts both windows, and adds the request to both only when both have room,
 * so a refused request takes no slot anywhere and two instances can never both take the last one.
 * It answers, per window: limit, admissions, and the time of the admission whose leaving frees a
 * slot (the `count − limit`-th oldest: only the newest `limit` can matter, as in RateWindow).
 *
 * KEYS: key window, account window. ARGV: now, key limit, account limit, member, take (1/0), window ms.
 */
const SCRIPT = `
local now = tonumber(ARGV[1])
local limits = { tonumber(ARGV[2]), tonumber(ARGV[3]) }
local take = ARGV[5] == '1'
local window = tonumber(ARGV[6])
local counts = {}
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  counts[i] = redis.call('ZCARD', KEYS[i])
end
local admitted = 0
if take and counts[1] < limits[1] and counts[2] < limits[2] then
  admitted = 1
  for i = 1, 2 do
    redis.call('ZADD', KEYS[i], now, ARGV[4])
    redis.call('PEXPIRE', KEYS[i], window)
    counts[i] = counts[i] + 1
  end
end
local out = { admitted }
for i = 1, 2 do
  local head = -1
  if counts[i] > 0 then
    local index = math.max(0, counts[i] - limits[i])
    local found = redis.call('ZRANGE', KEYS[i], index, index, 'WITHSCORES')
    if found[2] then head = tonumber(found[2]) end
  end
  table.insert(out, counts[i])
  table.insert(out, head)
end
return out
`

/** The script's SHA-1: sent instead of the script itself once Redis has it (EVALSHA). */
const SCRIPT_SHA = new Bun.CryptoHasher('sha1').update(SCRIPT).digest('hex')

export type RedisErrorPolicy = 'fail_closed' | 'local'

export interface RedisLimiterOptions {
  clock: Clock
  /** What a check does while Redis cannot be reached: refuse (503) or count in this process. */
  onError: RedisErrorPolicy
  /** The in-process limiter used under `local`. */
  fallback: Limiter
  /** Key prefix, so several deployments can share a Redis (default `th:rl:`). */
  prefix?: string
  /** How long a check waits for Redis before it counts as unreachable (default 1 s). */
  timeoutMs?: number
}

export interface RedisHealth {
  ok: boolean
  /** Checks answered by the fallback or refused since start, because Redis could not be reached. */
  failures: number
  lastError: string | null
}

/**
 * @example
 * const limiter = new RedisLimiter(new RedisClient(url), { clock, onError: 'fail_closed', fallback: new SlidingWindowLimiter(clock) })
 * const d = await limiter.check({ keyId, keyRpm: 60, accountId, accountRpm: 600 })
 */
export class RedisLimiter implements Limiter {
  private readonly prefix: string
  private readonly timeoutMs: number
  private sequence = 0
  private readonly instance = crypto.randomUUID()
  private lastError: string | null = null
  private failures = 0
  private reconnecting: Promise<void> | null = null

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisLimiterOptions,
  ) {
    this.prefix = options.prefix ?? 'th:rl:'
    this.timeoutMs = options.timeoutMs ?? 1000
  }

  async check(subject: LimitSubject): Promise<LimitDecision> {
    const now = this.options.clock.now()
    const answer = await this.run(subject, now, true)
    if (answer === null) return this.unavailable(subject, true)
    return decideWindows(answer.key, answer.account, !answer.admitted)
  }

  async peek(subject: LimitSubject): Promise<RateLimitState | null> {
    const now = this.options.clock.now()
    const answer = await this.run(subject, now, false)
    if (answer === null) {
      const fallback = await this.unavailable(subject, false)
      return 'limit' in fallback ? { limit: fallback.limit, remaining: fallback.remaining, resetSeconds: fallback.resetSeconds } : null
    }
    const decision = decideWindows(answer.key, answer.account, false)
    return 'limit' in decision ? { limit: decision.limit, remaining: decision.remaining, resetSeconds: decision.resetSeconds } : null
  }

  /** Windows live in Redis, not here. */
  size(): number {
    return 0
  }

  health(): RedisHealth {
    return { ok: this.lastError === null, failures: this.failures, lastError: this.lastError }
  }

  private async unavailable(subject: LimitSubject, take: boolean): Promise<LimitDecision> {
    this.failures++
    if (this.options.onError === 'local') {
      if (take) return this.options.fallback.check(subject)
      const state = await this.options.fallback.peek(subject)
      return state ? { ok: true, ...state } : { ok: true, unlimited: true }
    }
    return {
      ok: false,
      code: 'limiter_unavailable',
      reason: `request limits cannot be checked (Redis: ${this.lastError ?? 'unreachable'})`,
    }
  }

  /** The script's answer, or null when Redis could not be reached in time. */
  private async run(subject: LimitSubject, now: number, take: boolean) {
    if (!this.client.connected) {
      // Connecting (at start, or again after Redis went away) is waited for no longer than a check.
      await Promise.race([this.reconnect(), Bun.sleep(this.timeoutMs)])
      if (!this.client.connected) {
        this.lastError ??= 'not connected'
        return null
      }
    }
    const member = `${this.instance}:${++this.sequence}`
    let timer: Timer | undefined
    try {
      const args = [
        '2',
        `${this.prefix}k:${subject.keyId}`,
        `${this.prefix}a:${subject.accountId}`,
        String(now),
        String(subject.keyRpm),
        String(subject.accountRpm),
        member,
        take ? '1' : '0',
        String(WINDOW_MS),
      ]
      // By its hash; a Redis that does not have it yet (first call, a restart, SCRIPT FLUSH) gets the text.
      const evaluate = this.client
        .send('EVALSHA', [SCRIPT_SHA, ...args])
        .catch((error: Error) => (/NOSCRIPT/.test(error.message) ? this.client.send('EVAL', [SCRIPT, ...args]) : Promise.reject(error)))
      const reply = (await Promise.race([
        evaluate,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs)
        }),
      ])) as number[]
      this.lastError = null
      const view = (limit: number, used: number, head: number): WindowView => ({
        limit,
        used,
        msUntilSlotFrees: head < 0 ? 0 : head + WINDOW_MS - now,
      })
      return {
        admitted: reply[0] === 1,
        key: view(subject.keyRpm, reply[1]!, reply[2]!),
        account: view(subject.accountRpm, reply[3]!, reply[4]!),
      }
    } catch (error) {
      this.lastError = (error as Error).message
      return null
    } finally {
      clearTimeout(timer)
    }
  }

  /** One connection attempt at a time; while one failed less than 500 ms ago, checks take the error path at once. */
  private reconnect(): Promise<void> {
    if (this.reconnecting) return this.reconnecting
    this.reconnecting = this.client
      .connect()
      .then(() => {
        this.lastError = null
      })
      .catch((error: Error) => {
        this.lastError = error.message
      })
      .finally(() => {
        // Not at once again: a Redis that is down is asked at most every 500 ms.
        setTimeout(() => {
          this.reconnecting = null
        }, 500).unref?.()
      })
    return this.reconnecting
  }

  close(): void {
    this.client.close()
  }
}
