// IP addresses and CIDR ranges (IPv4 and IPv6): strict parsing, matching, and the client address behind proxies.

/** An address as bytes: 4 for IPv4, 16 for IPv6. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes IPv4. */
export type IpBytes = Uint8Array

export interface Cidr {
  bytes: IpBytes
  /** Leading bits that must match. */
  prefix: number
}

const IPV4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

function parseIpv4(text: string): IpBytes | null {
  const parts = text.split('.')
  if (parts.length !== 4) return null
  const bytes = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!IPV4_PART.test(parts[i]!)) return null
    bytes[i] = Number(parts[i])
  }
  return bytes
}

function parseGroups(text: string, out: number[]): boolean {
  if (text === '') return true
  for (const group of text.split(':')) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return false
    out.push(parseInt(group, 16))
  }
  return true
}

function parseIpv6(text: string): IpBytes | null {
  let body = text
  const tail: number[] = []
  // A dotted IPv4 tail (`::ffff:10.0.0.1`) stands for the last two groups.
  const lastColon = body.lastIndexOf(':')
  if (body.indexOf('.', lastColon) !== -1) {
    const v4 = parseIpv4(body.slice(lastColon + 1))
    if (!v4) return null
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
    body = body.slice(0, lastColon + 1)
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1)
  }
  const halves = body.split('::')
  if (halves.length > 2) return null
  const head: number[] = []
  const rest: number[] = []
  if (!parseGroups(halves[0]!, head)) return null
  if (halves.length === 2 && !parseGroups(halves[1]!, rest)) return null
  rest.push(...tail)
  const given = head.length + rest.length
  if (halves.length === 1 ? given !== 8 : given > 7) return null
  const groups = [...head, ...new Array<number>(8 - given).fill(0), ...rest]
  const bytes = new Uint8Array(16)
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8
    bytes[2 * i + 1] = g & 0xff
  })
  return bytes
}

const isMappedV4 = (b: IpBytes) => b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff

/** Parses an address strictly; a zone (`fe80::1%eth0`) only when `allowZone`. Null if invalid. */
export function parseIp(text: string, allowZone = false): IpBytes | null {
  if (text.includes(':')) {
    let body = text
    const zone = body.indexOf('%')
    if (zone !== -1) {
      if (!allowZone) return null
      body = body.slice(0, zone)
    }
    const bytes = parseIpv6(body)
    return bytes && isMappedV4(bytes) ? bytes.slice(12) : bytes
  }
  return parseIpv4(text)
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a plain address (a single host). Null if invalid. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/')
  const address = slash === -1 ? text : text.slice(0, slash)
  const raw = address.includes(':') ? parseIpv6(address) : parseIpv4(address)
  if (!raw) return null
  const bits = raw.length * 8
  let prefix = bits
  if (slash !== -1) {
    const digits = text.slice(slash + 1)
    if (!/^(0|[1-9]\d{0,2})$/.test(digits) || Number(digits) > bits) return null
    prefix = Number(digits)
  }
  // `::ffff:10.0.0.0/104` is an IPv4 range: match it against IPv4 addresses.
  if (isMappedV4(raw) && prefix >= 96) return { bytes: raw.slice(12), prefix: prefix - 96 }
  return { bytes: raw, prefix }
}

export function cidrContains(cidr: Cidr, ip: IpBytes): boolean {
  if (cidr.bytes.length !== ip.length) return false
  const whole = cidr.prefix >> 3
  for (let i = 0; i < whole; i++) if (cidr.bytes[i] !== ip[i]) return false
  const rest = cidr.prefix & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (cidr.bytes[whole]! & mask) === (ip[whole]! & mask)
}

/** A parsed list of ranges; `contains` is false for an unparsable address. */
export class CidrList {
  constructor(readonly ranges: readonly Cidr[]) {}

  /** Throws on the first invalid entry, naming it. */
  static parse(entries: readonly string[]): CidrList {
    return new CidrList(
      entries.map((entry) => {
        const cidr = parseCidr(entry)
        if (!cidr) throw new Error(`"${entry}" is not an IP address or CIDR range`)
        return cidr
      }),
    )
  }

  contains(ip: IpBytes | string | null): boolean {
    const bytes = typeof ip === 'string' ? parseIp(ip, true) : ip
    if (!bytes) return false
    for (const range of this.ranges) if (cidrContains(range, bytes)) return true
    return false
  }
}

/** Canonical text of a parsed address: dotted IPv4, or lower-case IPv6 groups (no `::` shortening). */
export function formatIp(bytes: IpBytes): string {
  if (bytes.length === 4) return bytes.join('.')
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16))
  return groups.join(':')
}

/**
 * The client's address. The TCP peer is the client unless it is a trusted proxy; then
 * X-Forwarded-For is read from the right, skipping trusted proxies, and the first other hop is
 * the client. A garbled hop ends the walk: the proxy that sent it is taken as the client, so a
 * forged header never widens what an allowlist admits.
 */
export function clientAddress(peer: string | null, forwardedFor: string | null, trusted: CidrList): string | null {
  if (peer === null) return null
  const peerBytes = parseIp(peer, true)
  if (!peerBytes) return peer
  let client = formatIfMapped(peer, peerBytes)
  if (forwardedFor === null || !trusted.contains(peerBytes)) return client
  const hops = forwardedFor.split(',')
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!.trim()
    const bytes = parseIp(hop, true)
    if (!bytes) return client
    client = formatIfMapped(hop, bytes)
    if (!trusted.contains(bytes)) return client
  }
  return client
}

/** Keeps the address as written, except IPv4-mapped IPv6, which is shown as IPv4. */
const formatIfMapped = (text: string, bytes: IpBytes) => (bytes.length === 4 && text.includes(':') ? formatIp(bytes) : text)
