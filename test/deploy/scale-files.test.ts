// deploy/compose.scale.yaml and its config: Postgres, Redis, three named token-hub instances behind Caddy, a config that validates.
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseConfigText } from '../../src/config/load'

const DEPLOY = join(import.meta.dir, '../../deploy')
// biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document, checked field by field below
const compose = Bun.YAML.parse(readFileSync(join(DEPLOY, 'compose.scale.yaml'), 'utf8')) as any

describe('compose.scale.yaml', () => {
  const instances = ['token-hub-1', 'token-hub-2', 'token-hub-3']

  test('Postgres and Redis with health checks; three instances that wait for them; Caddy in front of all three', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['caddy', 'postgres', 'redis', ...instances].sort())
    expect(compose.services.postgres.healthcheck.test).toContain('pg_isready')
    expect(compose.services.redis.healthcheck.test).toContain('redis-cli')
    const names = new Set<string>()
    for (const name of instances) {
      const service = compose.services[name]
      expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } })
      expect(service.environment.TOKEN_HUB_POSTGRES_URL).toStartWith('postgres://')
      expect(service.environment.TOKEN_HUB_REDIS_URL).toBe('redis://redis:6379')
      expect(service.command).toEqual(['serve', '--config', '/etc/token-hub/config.scale.toml'])
      expect(service.stop_grace_period).toBe('45s')
      names.add(service.environment.TOKEN_HUB_INSTANCE)
    }
    // A stable, distinct name each: a restart replaces its own predecessor, never another live instance.
    expect(names.size).toBe(3)
    const caddy = compose.services.caddy.command.join(' ')
    for (const name of instances) expect(caddy).toContain(`--to ${name}:8080`)
  })

  test('config.scale.toml validates and names Postgres and Redis through the environment', () => {
    const parsed = parseConfigText(readFileSync(join(DEPLOY, 'config.scale.toml'), 'utf8'), 'config.scale.toml')
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'))
    expect(parsed.config.storage.postgres_url_env).toBe('TOKEN_HUB_POSTGRES_URL')
    expect(parsed.config.limits.redis_url_env).toBe('TOKEN_HUB_REDIS_URL')
    expect(parsed.config.limits.on_redis_error).toBe('fail_closed')
    expect(parsed.config.server.host).toBe('0.0.0.0')
  })
})
