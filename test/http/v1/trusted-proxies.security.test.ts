// X-Forwarded-For is believed only from server.trusted_proxies; the IP allowlist and the log use the result.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { validateConfig } from '../../../src/config/load'
import { chatBody, logRow as loggedRow, post, startHub, testConfig, type TestHub } from '../../helpers'

let behindProxy: TestHub
let direct: TestHub

beforeAll(async () => {
  behindProxy = await startHub({ config: { server: { trusted_proxies: ['127.0.0.0/8', '::1'] } } })
  direct = await startHub({ config: { server: { trusted_proxies: ['10.9.9.9'] } } })
})
afterAll(async () => {
  await behindProxy.close()
  await direct.close()
})

async function logRow(hub: TestHub, response: Response) {
  await response.arrayBuffer()
  return (await loggedRow(hub, response.headers.get('x-request-id')!)) as { client_ip: string; status: number }
}

describe('behind a trusted proxy', () => {
  test('the client address comes from X-Forwarded-For, checked against the key allowlist', async () => {
    const { key } = await behindProxy.account({ key: { ip_allowlist: ['203.0.113.0/24', '2001:db8::/32'] } })
    const ok = await post(behindProxy, '/v1/chat/completions', key, chatBody(), { 'x-forwarded-for': '203.0.113.9' })
    expect(ok.status).toBe(200)
    expect(await logRow(behindProxy, ok)).toMatchObject({ client_ip: '203.0.113.9', status: 200 })
    const v6 = await post(behindProxy, '/v1/chat/completions', key, chatBody(), { 'x-forwarded-for': '2001:db8::42' })
    expect(v6.status).toBe(200)

    const calls = behindProxy.mock.stats.calls
    const outside = await post(behindProxy, '/v1/chat/completions', key, chatBody(), { 'x-forwarded-for': '198.51.100.1' })
    expect(outside.status).toBe(403)
    expect(await logRow(behindProxy, outside)).toMatchObject({ client_ip: '198.51.100.1', status: 403 })
    // Without the header the proxy itself (127.0.0.1) is the client: not on the list.
    expect((await post(behindProxy, '/v1/chat/completions', key, chatBody())).status).toBe(403)
    expect(behindProxy.mock.stats.calls).toBe(calls)
  })

  test('a hop forged by the client to the left of the real one is not believed', async () => {
    const { key } = await behindProxy.account({ key: { ip_allowlist: ['203.0.113.0/24'] } })
    // The client sent "X-Forwarded-For: 203.0.113.9"; the proxy appended the client's real address.
    const forged = await post(behindProxy, '/v1/chat/completions', key, chatBody(), { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' })
    expect(forged.status).toBe(403)
    expect((await logRow(behindProxy, forged)).client_ip).toBe('198.51.100.1')
    const garbled = await post(behindProxy, '/v1/chat/completions', key, chatBody(), { 'x-forwarded-for': '203.0.113.9, not-an-ip' })
    expect(garbled.status).toBe(403)
  })
})

describe('from a peer that is not a trusted proxy', () => {
  test('X-Forwarded-For is ignored: the TCP peer is the client', async () => {
    const { key } = await direct.account({ key: { ip_allowlist: ['203.0.113.0/24'] } })
    const spoofed = await post(direct, '/v1/chat/completions', key, chatBody(), { 'x-forwarded-for': '203.0.113.9' })
    expect(spoofed.status).toBe(403)
    expect(((await spoofed.json()) as { error: { message: string } }).error.message).toBe(
      "Client IP 127.0.0.1 is not in this key's IP allowlist.",
    )
    const { key: open } = await direct.account()
    const response = await post(direct, '/v1/chat/completions', open, chatBody(), { 'x-forwarded-for': '203.0.113.9' })
    expect((await logRow(direct, response)).client_ip).toBe('127.0.0.1')
  })
})

test('trusted_proxies entries are validated with their TOML path', () => {
  expect(() => testConfig({ server: { trusted_proxies: ['10.0.0.0/8', '10.0.0.0/40'] } })).toThrow(
    'server.trusted_proxies[1]: "10.0.0.0/40" is not an IP address or CIDR range',
  )
  expect(validateConfig({ server: { trusted_proxies: ['::1', '10.0.0.0/8'] } }).ok).toBe(true)
})
