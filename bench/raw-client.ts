// A minimal keep-alive HTTP/1.1 client on raw sockets: precise timings with next to no client cost.
import type { Socket } from 'bun'

export interface RawAnswer {
  status: number
  /** performance.now() when the request was written. */
  sentAt: number
  /** From the request's write to the first byte of the body (the first streamed chunk). */
  ttfbMs: number
  /** From the request's write to the end of the answer. */
  totalMs: number
  /** The status line and headers. */
  head: string
  body: string
}

interface Pending {
  sentAt: number
  firstBodyAt: number | null
  buffer: string
  resolve(answer: RawAnswer): void
  reject(error: Error): void
}

/** Parses one answer from `buffer` (latin1); null while it is incomplete. */
function parseAnswer(buffer: string): { status: number; headEnd: number; body: string | null } | null {
  const headEnd = buffer.indexOf('\r\n\r\n')
  if (headEnd === -1) return null
  const head = buffer.slice(0, headEnd)
  const status = Number(head.slice(9, 12))
  const rest = buffer.slice(headEnd + 4)
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1]
  if (length !== undefined) return { status, headEnd, body: rest.length >= Number(length) ? rest.slice(0, Number(length)) : null }
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) return { status, headEnd, body: null }
  // Chunked: walk the chunk sizes until the zero-size chunk and its blank line.
  let at = 0
  let body = ''
  while (true) {
    const lineEnd = rest.indexOf('\r\n', at)
    if (lineEnd === -1) return { status, headEnd, body: null }
    const size = parseInt(rest.slice(at, lineEnd), 16)
    if (size === 0) return { status, headEnd, body: rest.length >= lineEnd + 4 ? body : null }
    if (rest.length < lineEnd + 2 + size + 2) return { status, headEnd, body: null }
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size)
    at = lineEnd + 2 + size + 2
  }
}

/**
 * One connection, one request at a time.
 *
 * @example
 * const conn = await RawConnection.open('127.0.0.1', 8080)
 * const answer = await conn.request(RawConnection.post('/v1/chat/completions', body, { authorization: 'Bearer …' }))
 */
export class RawConnection {
  private pending: Pending | null = null
  private closed: Error | null = null

  private constructor(private socket: Socket<undefined> | null) {}

  static async open(hostname: string, port: number): Promise<RawConnection> {
    const conn = new RawConnection(null)
    conn.socket = await Bun.connect({
      hostname,
      port,
      socket: {
        data: (_socket, data) => conn.onData(data),
        close: () => conn.fail(new Error('connection closed')),
        error: (_socket, error) => conn.fail(error),
      },
    })
    return conn
  }

  /** The bytes of a POST with a JSON body. */
  static post(path: string, body: string, headers: Record<string, string>): Uint8Array {
    const lines = [
      `POST ${path} HTTP/1.1`,
      'host: 127.0.0.1',
      'content-type: application/json',
      `content-length: ${Buffer.byteLength(body)}`,
    ]
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`)
    return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`)
  }

  request(bytes: Uint8Array): Promise<RawAnswer> {
    if (this.closed) return Promise.reject(this.closed)
    if (this.pending) return Promise.reject(new Error('one request at a time'))
    return new Promise((resolve, reject) => {
      this.pending = { sentAt: performance.now(), firstBodyAt: null, buffer: '', resolve, reject }
      this.socket!.write(bytes)
    })
  }

  close(): void {
    this.socket?.end()
  }

  private onData(data: Buffer) {
    const now = performance.now()
    const p = this.pending
    if (!p) return
    p.buffer += data.toString('latin1')
    const parsed = parseAnswer(p.buffer)
    if (!parsed) return
    if (p.firstBodyAt === null && p.buffer.length > parsed.headEnd + 4) p.firstBodyAt = now
    if (parsed.body === null) return
    this.pending = null
    p.resolve({
      status: parsed.status,
      sentAt: p.sentAt,
      ttfbMs: (p.firstBodyAt ?? now) - p.sentAt,
      totalMs: now - p.sentAt,
      head: p.buffer.slice(0, parsed.headEnd),
      body: Buffer.from(parsed.body, 'latin1').toString('utf8'),
    })
  }

  private fail(error: Error) {
    this.closed ??= error
    const p = this.pending
    this.pending = null
    p?.reject(error)
  }
}

/** A header's value from a raw head (case-insensitive), or null. */
export function headerOf(head: string, name: string): string | null {
  return new RegExp(`\\r\\n${name}:\\s*([^\\r]*)`, 'i').exec(head)?.[1] ?? null
}

/** The value at quantile `q` (0–1) of unsorted samples. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}
