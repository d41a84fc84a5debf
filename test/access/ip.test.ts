// IP and CIDR parsing and matching (IPv4, IPv6, mapped), and the client address behind trusted proxies.
import { describe, expect, test } from 'bun:test'
import { CidrList, clientAddress, formatIp, parseCidr, parseIp } from '../../src/access/ip'

describe('parsing', () => {
  test.each([
    ['10.0.0.1', '10.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['::', '0:0:0:0:0:0:0:0'],
    ['2001:DB8::8:800:200C:417A', '2001:db8:0:0:8:800:200c:417a'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1::', '1:0:0:0:0:0:0:0'],
    ['::ffff:192.0.2.128', '192.0.2.128'],
    ['::192.0.2.128', '0:0:0:0:0:0:c000:280'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0:0:0:c000:221'],
  ])('%s parses as %s', (text, canonical) => {
    expect(formatIp(parseIp(text)!)).toBe(canonical)
  })

  test.each([
    '',
    '10.0.0',
    '10.0.0.1.2',
    '10.0.0.256',
    '10.0.0.01',
    '10.0.0.-1',
    ' 10.0.0.1',
    '10.0.0.1 ',
    'a.b.c.d',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::1',
    ':1',
    '1:',
    '::ffff:10.0.0.256',
    '1:2:3:4:5:6:7:10.0.0.1',
    'fe80::1%eth0',
    'localhost',
  ])('%p is not an address', (text) => {
    expect(parseIp(text)).toBeNull()
  })

  test('a zone is accepted only where a peer address may carry one', () => {
    expect(formatIp(parseIp('fe80::1%eth0', true)!)).toBe('fe80:0:0:0:0:0:0:1')
  })

  test.each(['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0/+8', '10.0.0.0/8/8', '/8', 'fe80::/10%eth0', 'x/8'])(
    'CIDR %p is invalid',
    (text) => {
      expect(parseCidr(text)).toBeNull()
    },
  )

  test('a list names the first invalid entry', () => {
    expect(() => CidrList.parse(['10.0.0.0/8', '300.1.1.1'])).toThrow('"300.1.1.1" is not an IP address or CIDR range')
  })
})

describe('matching', () => {
  const cases: Array<[string, string, boolean]> = [
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.168.1.0/25', '192.168.1.127', true],
    ['192.168.1.0/25', '192.168.1.128', false],
    ['192.168.1.7', '192.168.1.7', true],
    ['192.168.1.7', '192.168.1.8', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['0.0.0.0/0', '::1', false],
    ['10.1.2.3/8', '10.9.9.9', true], // host bits are masked, as Node's BlockList and Python's strict=False do
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::/33', '2001:db8:7fff::1', true],
    ['2001:db8::/33', '2001:db8:8000::1', false],
    ['::/0', '::1', true],
    ['::/0', '10.0.0.1', false],
    ['::1', '::1', true],
    ['::1', '::2', false],
    // IPv4 clients seen through a dual-stack socket arrive as ::ffff:a.b.c.d
    ['10.0.0.0/8', '::ffff:10.1.1.1', true],
    ['::ffff:10.0.0.0/104', '10.1.1.1', true],
    ['::ffff:10.0.0.0/104', '11.1.1.1', false],
  ]
  test.each(cases)('%s contains %s: %p', (range, ip, expected) => {
    expect(CidrList.parse([range]).contains(ip)).toBe(expected)
  })

  test('unparsable or missing addresses match nothing', () => {
    const all = CidrList.parse(['0.0.0.0/0', '::/0'])
    expect(all.contains(null)).toBe(false)
    expect(all.contains('garbage')).toBe(false)
  })
})

describe('client address behind proxies', () => {
  const none = CidrList.parse([])
  const proxies = CidrList.parse(['127.0.0.1', '10.0.0.0/8'])

  test('X-Forwarded-For is ignored unless the peer is a trusted proxy', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.5', none)).toBe('127.0.0.1')
    expect(clientAddress('198.51.100.1', '203.0.113.5', proxies)).toBe('198.51.100.1')
  })

  test('from a trusted peer, the rightmost hop that is not a trusted proxy is the client', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.5', proxies)).toBe('203.0.113.5')
    // The client put a forged first hop; the proxies appended the real one.
    expect(clientAddress('127.0.0.1', '1.2.3.4, 203.0.113.5, 10.0.0.7', proxies)).toBe('203.0.113.5')
    expect(clientAddress('127.0.0.1', '10.0.0.9, 10.0.0.7', proxies)).toBe('10.0.0.9')
    expect(clientAddress('127.0.0.1', '2001:db8::5', proxies)).toBe('2001:db8::5')
    expect(clientAddress('127.0.0.1', '::ffff:203.0.113.5', proxies)).toBe('203.0.113.5')
  })

  test('a garbled hop is not believed: the proxy that sent it is the client', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.5, evil', proxies)).toBe('127.0.0.1')
    expect(clientAddress('127.0.0.1', 'evil, 10.0.0.7', proxies)).toBe('10.0.0.7')
    expect(clientAddress('127.0.0.1', '', proxies)).toBe('127.0.0.1')
  })

  test('a mapped IPv4 peer is shown as IPv4; no peer is no address', () => {
    expect(clientAddress('::ffff:127.0.0.1', null, none)).toBe('127.0.0.1')
    expect(clientAddress(null, '203.0.113.5', proxies)).toBeNull()
  })
})
