// A light check of IP allowlist entries on key edits (an address or CIDR, v4 or v6).
import { isIP } from 'node:net'

/** Null when `entry` is an IP address or CIDR block, else why not. */
export function cidrProblem(entry: string): string | null {
  const [address, prefix, extra] = entry.trim().split('/')
  const family = address ? isIP(address) : 0
  if (!address || family === 0 || extra !== undefined) return `'${entry}' is not an IP address or CIDR block`
  if (prefix === undefined) return null
  const bits = Number(prefix)
  const max = family === 4 ? 32 : 128
  if (!/^\d{1,3}$/.test(prefix) || bits > max) return `'${entry}' has an invalid prefix length (0–${max})`
  return null
}
