// `token-hub healthcheck`: asks the configured server's /healthz, for container HEALTHCHECKs on images without curl.
import { loadConfig } from '../config/load'

/** How long the probe waits for an answer; a health check that hangs tells the supervisor nothing. */
export const TIMEOUT_MS = 5_000

/** The address a local client reaches a server listening on `host` at: a wildcard bind means loopback. */
export function healthzUrl(host: string, port: number): string {
  const local = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host
  const bare = local.replace(/^\[|\]$/g, '')
  return `http://${bare.includes(':') ? `[${bare}]` : bare}:${port}/healthz`
}

/** Exit 0 when /healthz answers 200 within the timeout, else 1 with the reason on stderr. */
export async function runHealthcheck(configPath: string | undefined): Promise<number> {
  const loaded = await loadConfig(configPath)
  if (!loaded.ok) {
    process.stderr.write(`unhealthy: invalid config (${loaded.source}): ${loaded.problems.join('; ')}\n`)
    return 1
  }
  const { host, port } = loaded.config.server
  if (port === 0) {
    process.stderr.write('unhealthy: server.port = 0 (a random port) cannot be probed\n')
    return 1
  }
  const url = healthzUrl(host, port)
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })
    await response.body?.cancel()
    if (response.status === 200) return 0
    process.stderr.write(`unhealthy: ${url} answered ${response.status}\n`)
  } catch (error) {
    process.stderr.write(`unhealthy: ${url}: ${(error as Error).message}\n`)
  }
  return 1
}
