// Opening the store the config names: Postgres shared by N instances when `[storage] postgres_url` is set, else the SQLite file.
import type { Config } from '../config/schema'
import type { Store } from '.'
import { openStore } from '.'
import { openPostgresStore } from './postgres'

/** The Postgres URL the config names (inline, or through its environment variable), or null for SQLite. */
export function postgresUrlOf(config: Config, env: Record<string, string | undefined>): string | null {
  const { postgres_url, postgres_url_env } = config.storage
  if (postgres_url) return postgres_url
  if (!postgres_url_env) return null
  const url = env[postgres_url_env]
  if (!url) throw new Error(`storage.postgres_url_env: the environment variable ${postgres_url_env} is not set`)
  return url
}

/** Where the data lives, for the start-up line (never the URL's password). */
export function describeStorage(config: Config, env: Record<string, string | undefined>): string {
  const url = postgresUrlOf(config, env)
  if (url === null) return config.storage.sqlite_path
  const parsed = new URL(url)
  return `postgres://${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`
}

/** Opens (and migrates) the configured store. */
export async function openConfiguredStore(config: Config, env: Record<string, string | undefined>): Promise<Store> {
  const url = postgresUrlOf(config, env)
  if (url === null) return openStore(config.storage.sqlite_path)
  return openPostgresStore(url, {
    now: () => Date.now(),
    leaseMs: (config.storage.instance_lease_s ?? 30) * 1000,
    instanceName: config.storage.instance_name ?? env.TOKEN_HUB_INSTANCE ?? null,
  })
}
