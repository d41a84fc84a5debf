// Which limiter the config asks for: Redis windows shared by every instance when `[limits] redis_url` is set, else in-process.
import { RedisClient } from 'bun'
import type { Clock } from '../clock'
import type { Config } from '../config/schema'
import type { Limiter } from './limiter'
import { RedisLimiter } from './redis-limiter'
import { SlidingWindowLimiter } from './sliding-window-limiter'

/** The Redis URL the config names (inline, or through its environment variable), or null. */
export function redisUrlOf(config: Config, env: Record<string, string | undefined>): string | null {
  const { redis_url, redis_url_env } = config.limits
  if (redis_url) return redis_url
  return redis_url_env ? env[redis_url_env] || null : null
}

/** What a check does while Redis is unreachable; fail closed unless the config says "local". */
export const onRedisError = (config: Config) => config.limits.on_redis_error ?? 'fail_closed'

export function limiterFromConfig(config: Config, env: Record<string, string | undefined>, clock: Clock): Limiter {
  const local = new SlidingWindowLimiter(clock)
  const url = redisUrlOf(config, env)
  if (url === null) return local
  // No offline queue and no reconnect loop of the client's own: a check must fail fast when Redis
  // is gone (then `on_redis_error` decides), not wait for it; the limiter reconnects itself.
  const client = new RedisClient(url, { autoReconnect: false, enableOfflineQueue: false, connectionTimeout: 2_000 })
  return new RedisLimiter(client, { clock, onError: onRedisError(config), fallback: local })
}
