// GET /admin/requests: the operators' filtered, paged view of the operational log.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ManualClock } from '../../../src/clock'
import type { RequestLogRow } from '../../../src/store/request-log'
import { chatBody, logRow, post, startHub, type TestHub } from '../../helpers'

let hub: TestHub
const clock = new ManualClock()
const T = clock.now()

interface ListPage {
  data: Array<{ request_id: string; account_id: string; key_id: string; status: number; time: string }>
  next_cursor: string | null
}

const row = (i: number, over: Partial<RequestLogRow>): RequestLogRow => ({
  requestId: `req_list${String(i).padStart(4, '0')}`,
  ts: T - i * 1_000,
  accountId: 'acct_one',
  keyId: 'key_one',
  route: '/v1/chat/completions',
  model: 'gpt-4o-mini',
  provider: 'mock',
  status: 200,
  errorCode: null,
  promptTokens: 1,
  completionTokens: 1,
  costMicros: 1,
  latencyMs: 1,
  ttfbMs: null,
  stream: false,
  clientIp: '127.0.0.1',
  attempts: null,
  ...over,
})

beforeAll(async () => {
  hub = await startHub({ deps: { clock } })
  // 30 rows a second apart: account one (key one, key two), account two; some 429s and 502s.
  const rows: RequestLogRow[] = []
  for (let i = 0; i < 30; i++) {
    rows.push(
      row(i, {
        accountId: i % 3 === 0 ? 'acct_two' : 'acct_one',
        keyId: i % 3 === 0 ? 'key_three' : i % 2 === 0 ? 'key_one' : 'key_two',
        status: i % 5 === 0 ? 429 : i % 7 === 0 ? 502 : 200,
        // Two rows share a timestamp, so paging must order by id too.
        ts: i === 11 ? T - 10_000 : T - i * 1_000,
      }),
    )
  }
  await hub.hub.store.requestLog.insertMany(rows)
})
afterAll(() => hub.close())

const list = async (query: string): Promise<ListPage> => {
  const response = await hub.admin('GET', `/admin/requests${query}`)
  expect(response.status).toBe(200)
  return (await response.json()) as ListPage
}

describe('GET /admin/requests', () => {
  test('newest first, with every filter combinable', async () => {
    const all = await list('')
    expect(all.data).toHaveLength(30)
    expect(all.next_cursor).toBeNull()
    const times = all.data.map((r) => Date.parse(r.time))
    expect(times).toEqual([...times].sort((a, b) => b - a))

    expect((await list('?account=acct_two')).data.every((r) => r.account_id === 'acct_two')).toBe(true)
    expect((await list('?account=acct_two')).data).toHaveLength(10)
    expect((await list('?key=key_two')).data.map((r) => r.key_id)).toEqual(Array(10).fill('key_two'))
    expect((await list('?status=429')).data.map((r) => r.status)).toEqual(Array(6).fill(429))
    const errors = await list('?status=5xx')
    expect(errors.data.map((r) => r.request_id)).toEqual(['req_list0007', 'req_list0014', 'req_list0021', 'req_list0028'])
    expect((await list('?status=4xx&account=acct_one')).data.map((r) => r.request_id)).toEqual([
      'req_list0005',
      'req_list0010',
      'req_list0020',
      'req_list0025',
    ])
    const since = new Date(T - 4_000).toISOString()
    expect((await list(`?since=${since}`)).data.map((r) => r.request_id)).toEqual([
      'req_list0000',
      'req_list0001',
      'req_list0002',
      'req_list0003',
      'req_list0004',
    ])
    expect((await list(`?since=${T - 1_000}&key=key_one`)).data.map((r) => r.request_id)).toEqual([])
    expect((await list(`?since=${T - 2_000}&key=key_one`)).data.map((r) => r.request_id)).toEqual(['req_list0002'])
  })

  test('limit and cursor walk every row exactly once, ties included', async () => {
    const seen: string[] = []
    let cursor: string | null = ''
    let pages = 0
    while (cursor !== null) {
      const page = await list(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`)
      expect(page.data.length).toBeLessThanOrEqual(7)
      seen.push(...page.data.map((r) => r.request_id))
      cursor = page.next_cursor
      pages++
    }
    expect(pages).toBe(5)
    expect(seen).toEqual((await list('')).data.map((r) => r.request_id))
    expect(new Set(seen).size).toBe(30)
    // Exactly a page's worth: no empty trailing page.
    expect((await list('?limit=30')).next_cursor).toBeNull()
  })

  test('rows the server logs itself show up, filtered by key', async () => {
    const { key, keyId, accountId } = await hub.account()
    const response = await post(hub, '/v1/chat/completions', key, chatBody())
    await response.arrayBuffer()
    await logRow(hub, response.headers.get('x-request-id')!)
    const page = await list(`?key=${keyId}`)
    expect(page.data).toHaveLength(1)
    expect(page.data[0]).toMatchObject({ request_id: response.headers.get('x-request-id')!, account_id: accountId, status: 200 })
  })

  test.each([
    ['?status=42', 'status'],
    ['?status=6xx', 'status'],
    ['?since=yesterday', 'since'],
    ['?limit=0', 'limit'],
    ['?limit=1001', 'limit'],
    ['?limit=ten', 'limit'],
    ['?cursor=bm9wZQ', 'cursor'],
  ])('%s is refused with 400 naming %s', async (query, param) => {
    const response = await hub.admin('GET', `/admin/requests${query}`)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe(param)
  })

  test('needs the admin token', async () => {
    expect((await fetch(`${hub.url}/admin/requests`)).status).toBe(401)
  })
})
