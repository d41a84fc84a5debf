// The one request-log query (admin list and account activity): filters, order, keyset paging with ties, the cursor.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { GatewayError } from '../../src/errors'
import { decodeCursor, encodeCursor } from '../../src/observability/request-list'
import { openStore, type SqliteStore } from '../../src/store'
import type { RequestLogFilter, RequestLogRow } from '../../src/store/request-log'

const T = Date.UTC(2026, 2, 1)
let store: SqliteStore

const row = (requestId: string, ts: number, over: Partial<RequestLogRow> = {}): RequestLogRow => ({
  requestId,
  ts,
  accountId: 'acct_a',
  keyId: 'key_a',
  route: '/v1/chat/completions',
  model: 'gpt-4o-mini',
  provider: 'mock',
  status: 200,
  errorCode: null,
  promptTokens: 3,
  completionTokens: 4,
  costMicros: 7,
  latencyMs: 12,
  ttfbMs: null,
  stream: false,
  clientIp: '127.0.0.1',
  attempts: null,
  ...over,
})

// Ten rows: three share T - 5 s (ties broken by id), two accounts, three keys (one deleted), two models, some errors.
const ROWS: RequestLogRow[] = [
  row('req_j00', T),
  row('req_i01', T - 1_000, { status: 429, errorCode: 'key_rpm_exceeded' }),
  row('req_h02', T - 2_000, { model: 'claude-sonnet-4-5', keyId: 'key_b' }),
  row('req_g03', T - 3_000, { accountId: 'acct_b', keyId: 'key_c' }),
  row('req_f06', T - 5_000, { accountId: 'acct_b', keyId: 'key_c', status: 504 }),
  row('req_f05', T - 5_000, { keyId: 'key_b' }),
  row('req_f04', T - 5_000, { status: 502, errorCode: 'upstream_error' }),
  row('req_c07', T - 7_000, { model: 'claude-sonnet-4-5' }),
  row('req_b08', T - 8_000, { keyId: 'key_gone', model: null, status: 401 }),
  row('req_a09', T - 9_000, { status: 399 }),
]

beforeAll(async () => {
  store = openStore(':memory:')
  for (const id of ['acct_a', 'acct_b'])
    store.db.query("INSERT INTO accounts (id, email, plan, created_at) VALUES (?, ?, 'standard', 0)").run(id, `${id}@test.local`)
  const key = store.db.query('INSERT INTO api_keys (id, account_id, name, hash, prefix, created_at) VALUES (?, ?, ?, ?, ?, 0)')
  key.run('key_a', 'acct_a', 'ci', 'hash_a', 'sk-th_aaaa')
  key.run('key_b', 'acct_a', null, 'hash_b', 'sk-th_bbbb')
  key.run('key_c', 'acct_b', 'other', 'hash_c', 'sk-th_cccc')
  // Inserted out of order: the order comes from the query, not the rowid.
  await store.requestLog.insertMany([...ROWS].reverse())
  store.writes.flush()
})
afterAll(() => store.close())

const ids = async (filter: RequestLogFilter) => (await store.requestLog.list(filter)).rows.map((r) => r.requestId)

/** Every page of a filter, following `next`. */
async function walk(filter: Omit<RequestLogFilter, 'after'>): Promise<{ ids: string[]; pages: number }> {
  const seen: string[] = []
  let after: RequestLogFilter['after']
  let pages = 0
  do {
    const page = await store.requestLog.list({ ...filter, after })
    expect(page.rows.length).toBeLessThanOrEqual(filter.limit)
    seen.push(...page.rows.map((r) => r.requestId))
    after = page.next ?? undefined
    pages++
  } while (after)
  return { ids: seen, pages }
}

describe('request log query', () => {
  test('newest first, equal times by request id descending', async () => {
    expect(await ids({ limit: 100 })).toEqual(ROWS.map((r) => r.requestId))
  })

  test('each filter, and filters combined', async () => {
    expect(await ids({ limit: 100, accountId: 'acct_b' })).toEqual(['req_g03', 'req_f06'])
    expect(await ids({ limit: 100, keyId: 'key_b' })).toEqual(['req_h02', 'req_f05'])
    expect(await ids({ limit: 100, model: 'claude-sonnet-4-5' })).toEqual(['req_h02', 'req_c07'])
    expect(await ids({ limit: 100, status: { min: 429, max: 429 } })).toEqual(['req_i01'])
    expect(await ids({ limit: 100, status: { min: 500, max: 599 } })).toEqual(['req_f06', 'req_f04'])
    // The activity view's ok / error are the ranges 0–399 and 400–999.
    expect(await ids({ limit: 100, status: { min: 400, max: 999 } })).toEqual(['req_i01', 'req_f06', 'req_f04', 'req_b08'])
    expect(await ids({ limit: 100, status: { min: 0, max: 399 } })).toHaveLength(6)
    expect(await ids({ limit: 100, since: T - 5_000 })).toEqual([
      'req_j00',
      'req_i01',
      'req_h02',
      'req_g03',
      'req_f06',
      'req_f05',
      'req_f04',
    ])
    expect(await ids({ limit: 100, until: T - 5_000 })).toEqual(['req_c07', 'req_b08', 'req_a09'])
    expect(await ids({ limit: 100, since: T - 5_000, until: T - 4_999 })).toEqual(['req_f06', 'req_f05', 'req_f04'])
    expect(
      await ids({ limit: 100, accountId: 'acct_a', status: { min: 200, max: 299 }, since: T - 7_000, until: T, model: 'gpt-4o-mini' }),
    ).toEqual(['req_f05'])
    expect(await ids({ limit: 100, accountId: 'acct_a', keyId: 'key_c' })).toEqual([])
  })

  test('rows carry their key name and prefix; a deleted key gives nulls', async () => {
    const { rows } = await store.requestLog.list({ limit: 100, accountId: 'acct_a' })
    const byId = new Map(rows.map((r) => [r.requestId, r]))
    expect(byId.get('req_j00')).toMatchObject({ keyName: 'ci', keyPrefix: 'sk-th_aaaa', costMicros: 7, stream: false })
    expect(byId.get('req_h02')).toMatchObject({ keyName: null, keyPrefix: 'sk-th_bbbb' })
    expect(byId.get('req_b08')).toMatchObject({ keyId: 'key_gone', keyName: null, keyPrefix: null })
    expect(await store.requestLog.get('req_g03')).toMatchObject({ accountId: 'acct_b', keyName: 'other' })
    expect(await store.requestLog.get('req_nope')).toBeNull()
  })

  test.each([1, 2, 3, 4, 9, 10, 11])('pages of %i walk every row exactly once, ties included', async (limit) => {
    const { ids: seen, pages } = await walk({ limit })
    expect(seen).toEqual(ROWS.map((r) => r.requestId))
    // One row more is read to know whether a page follows: no empty trailing page.
    expect(pages).toBe(Math.ceil(ROWS.length / limit))
  })

  test('paging keeps its filter, and a page boundary inside a tie', async () => {
    const filter = { limit: 2, accountId: 'acct_a' }
    const first = await store.requestLog.list(filter)
    expect(first.rows.map((r) => r.requestId)).toEqual(['req_j00', 'req_i01'])
    expect(first.next).toEqual({ ts: T - 1_000, requestId: 'req_i01' })
    // Start after the middle one of the three rows at T - 5 s.
    const inTie = await store.requestLog.list({ ...filter, after: { ts: T - 5_000, requestId: 'req_f05' } })
    expect(inTie.rows.map((r) => r.requestId)).toEqual(['req_f04', 'req_c07'])
    expect((await walk(filter)).ids).toEqual(ROWS.filter((r) => r.accountId === 'acct_a').map((r) => r.requestId))
  })

  test("models lists an account's models, sorted, without nulls", async () => {
    expect(await store.requestLog.models('acct_a')).toEqual(['claude-sonnet-4-5', 'gpt-4o-mini'])
    expect(await store.requestLog.models('acct_none')).toEqual([])
  })
})

describe('the cursor', () => {
  test('is opaque base64url of the position, and decodes back to it', () => {
    const position = { ts: T - 5_000, requestId: 'req_f05' }
    const cursor = encodeCursor(position)
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(Buffer.from(cursor, 'base64url').toString()).toBe(`${T - 5_000}.req_f05`)
    expect(decodeCursor(cursor, 'cursor')).toEqual(position)
  })

  test.each([
    ['', 'cursor'],
    ['bm9wZQ', 'cursor'],
    [Buffer.from('123.key_abc').toString('base64url'), 'after'],
    [Buffer.from('12x.req_abc').toString('base64url'), 'after'],
    [Buffer.from(`1.req_${'a'.repeat(65)}`).toString('base64url'), 'after'],
    // The plain `<ts>.<id>` the activity list once handed out is not a cursor of this server any more.
    [`${T}.req_abc`, 'after'],
  ])('%p is refused as a 400 naming %s', (value, param) => {
    let error: unknown
    try {
      decodeCursor(value, param)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(GatewayError)
    expect(error).toMatchObject({ status: 400, code: 'invalid_body', param })
  })
})
