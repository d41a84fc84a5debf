// What Bun answers by itself to HTTP it cannot parse (README, "The API"): a bare status, no JSON, the connection closed.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startHub, type TestHub } from '../helpers'

let hub: TestHub
beforeAll(async () => {
  hub = await startHub()
})
afterAll(() => hub.close())

/** Writes `bytes` on a fresh connection and resolves with everything read until the server closes it. */
function exchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    Bun.connect({
      hostname: '127.0.0.1',
      port: hub.hub.app.server!.port!,
      socket: {
        open: (socket) => void socket.write(bytes),
        data: (_socket, data) => {
          text += data.toString('latin1')
        },
        close: () => resolve(text),
        error: (_socket, error) => reject(error),
      },
    })
  })
}

describe('HTTP that never becomes a request', () => {
  const cases: Array<[string, string, string]> = [
    ['a malformed request line', 'HELLO\r\n\r\n', '400 Bad Request'],
    ['a malformed header', 'GET /healthz HTTP/1.1\r\nhost: x\r\nno colon here\r\n\r\n', '400 Bad Request'],
    ['a bad Content-Length', 'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n', '400 Bad Request'],
    [
      'headers over 16 KiB',
      `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
      '431 Request Header Fields Too Large',
    ],
    ['an unknown HTTP version', 'GET /healthz HTTP/9.9\r\nhost: x\r\n\r\n', '505 HTTP Version Not Supported'],
  ]
  for (const [what, bytes, status] of cases) {
    test(`${what}: ${status}, without a body or a request id`, async () => {
      const answer = await exchange(bytes)
      const [head, body] = answer.split('\r\n\r\n')
      expect(head!.split('\r\n')[0]).toBe(`HTTP/1.1 ${status}`)
      expect(head!.toLowerCase()).not.toContain('x-request-id')
      expect(head!.toLowerCase()).toContain('connection: close')
      expect(body).toBe('')
    })
  }

  test('the same server answers a well-formed request with its own headers', async () => {
    const answer = await exchange('GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')
    expect(answer).toStartWith('HTTP/1.1 200 OK')
    expect(answer.toLowerCase()).toContain('x-request-id: req_')
  })
})
