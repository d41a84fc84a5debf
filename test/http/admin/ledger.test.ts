// GET /admin/accounts/{id}/ledger: typed entries, newest first, paginated; the balance is the sum of them all.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { chatBody, post, startHub, type TestHub } from '../../helpers'

let hub: TestHub
beforeAll(async () => {
  hub = await startHub()
})
afterAll(() => hub.close())

type Entry = {
  id: number
  type: string
  amount_usd: string
  amount_micros: number
  balance_after_usd: string
  request_id: string | null
  topup_id: string | null
  key_id: string | null
}
type Page = { data: Entry[]; next_before: number | null }

const page = async (accountId: string, query = '') =>
  (await (await hub.admin('GET', `/admin/accounts/${accountId}/ledger${query}`)).json()) as Page

test('entries are typed, newest first, and page through with next_before; the balance is their sum', async () => {
  const { accountId, key, keyId } = await hub.account({ balanceUsd: '3.00' })
  expect((await hub.admin('POST', `/admin/accounts/${accountId}/credits`, { amount_usd: '-0.50', note: 'goodwill reversal' })).status).toBe(
    201,
  )
  const requestIds: string[] = []
  for (let i = 0; i < 3; i++) {
    const response = await post(hub, '/v1/chat/completions', key, chatBody(`ledger ${i}`))
    requestIds.push(response.headers.get('x-request-id')!)
  }

  const all = await page(accountId)
  expect(all.data.map((e) => e.type)).toEqual(['charge', 'charge', 'charge', 'adjustment', 'topup'])
  expect(all.data.map((e) => e.id)).toEqual([...all.data.map((e) => e.id)].sort((a, b) => b - a))
  expect(all.data.slice(0, 3).map((e) => e.request_id)).toEqual([...requestIds].reverse())
  expect(all.data.slice(0, 3).every((e) => e.key_id === keyId && e.amount_micros < 0)).toBe(true)
  expect(all.data[4]!.topup_id).toMatch(/^manual_/)
  expect(all.data[3]).toMatchObject({ amount_usd: '-0.5000', amount_micros: -500_000 })
  expect(all.next_before).toBeNull()

  const first = await page(accountId, '?limit=2')
  expect(first.data.map((e) => e.id)).toEqual(all.data.slice(0, 2).map((e) => e.id))
  const second = await page(accountId, `?limit=2&before=${first.next_before}`)
  expect(second.data.map((e) => e.id)).toEqual(all.data.slice(2, 4).map((e) => e.id))
  const third = await page(accountId, `?limit=2&before=${second.next_before}`)
  expect(third.data.map((e) => e.id)).toEqual([all.data[4]!.id])
  expect(third.next_before).toBeNull()

  const account = (await (await hub.admin('GET', `/admin/accounts/${accountId}`)).json()) as { balance_usd: string }
  const sum = all.data.reduce((n, e) => n + e.amount_micros, 0)
  expect(account.balance_usd).toBe(all.data[0]!.balance_after_usd)
  expect(Math.round(Number(account.balance_usd) * 1e6)).toBe(Math.round(sum / 100) * 100)
  expect(await hub.hub.store.ledger.sum(accountId)).toBe(sum)
  expect((await hub.hub.store.accounts.get(accountId))!.balanceMicros).toBe(sum)
})

test('bad paging parameters answer 400 and unknown accounts 404', async () => {
  const { accountId } = await hub.account()
  expect((await hub.admin('GET', `/admin/accounts/${accountId}/ledger?limit=abc`)).status).toBe(400)
  expect((await hub.admin('GET', `/admin/accounts/${accountId}/ledger?before=1.5`)).status).toBe(400)
  expect((await hub.admin('GET', '/admin/accounts/acct_nope/ledger')).status).toBe(404)
})
