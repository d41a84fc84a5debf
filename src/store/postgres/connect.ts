// Opening a Postgres pool with Bun.SQL, and telling a lost database from a failed statement.
import { SQL } from 'bun'

/** A pool to `url`; connections open lazily, on first use. */
export function openPostgres(url: string, options: { max?: number } = {}): SQL {
  return new SQL(url, { max: options.max ?? 20, idleTimeout: 30, connectionTimeout: 5 })
}

/** Bigint columns arrive as strings (exactness beyond 2^53); micro-USD stay far below it. */
export const num = (value: unknown): number => Number(value)
export const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))

/**
 * Whether `error` means the database cannot be reached (connection refused, closed, timed out, the
 * server shutting down) rather than a statement it refused: the caller answers 503
 * `store_unavailable`, never 500. Bun's client names these `ERR_POSTGRES_CONNECTION_*` and the
 * like; the server's own are SQLSTATE class 08 (connection) and 57P01–57P03 (shutdown, cannot connect now).
 */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown; errno?: unknown } | null)?.code
  const sqlState = (error as { errno?: unknown } | null)?.errno
  if (typeof code === 'string' && /^ERR_POSTGRES_(CONNECTION|.*TIMEOUT|.*CLOSED|TLS)/.test(code)) return true
  return typeof sqlState === 'string' && /^(08...|57P0[123])$/.test(sqlState)
}
