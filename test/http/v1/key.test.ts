// GET /v1/key: budget, spend and held in the current window, and when the window resets (moved by a manual clock).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { DAY_MS, ManualClock } from '../../../src/clock'
import { chatBody, post, startHub, type TestHub } from '../../helpers'

const clock = new ManualClock(Date.UTC(2026, 2, 1))
let hub: TestHub
beforeAll(async () => {
  hub = await startHub({ deps: { clock } })
})
afterAll(() => hub.close())

const keyInfo = async (key: string) =>
  (await (await fetch(`${hub.url}/v1/key`, { headers: { authorization: `Bearer ${key}` } })).json()) as Record<string, unknown>

test('spend accrues in the window anchored at the key creation and starts over when it resets', async () => {
  const created = clock.now()
  const { key } = await hub.account({ balanceUsd: '10.00', key: { budget_usd: '0.05', budget_window_days: 7, expires_in_days: null } })
  expect(await keyInfo(key)).toMatchObject({
    budget_usd: '0.0500',
    budget_window_days: 7,
    spend_usd: '0.0000',
    held_usd: '0.0000',
    budget_remaining_usd: '0.0500',
    window_started_at: new Date(created).toISOString(),
    window_resets_at: new Date(created + 7 * DAY_MS).toISOString(),
  })

  clock.advance(2 * DAY_MS)
  // 100 output tokens at $0.60/M hold at most ~$0.00006; the mock writes fewer.
  const response = await post(hub, '/v1/chat/completions', key, chatBody('spend a little', { max_tokens: 100 }))
  expect(response.status).toBe(200)
  const cost = Number(response.headers.get('x-token-hub-cost-usd'))
  expect(cost).toBeGreaterThan(0)
  const during = await keyInfo(key)
  expect(Number(during.spend_usd)).toBeCloseTo(cost, 4)
  expect(during.window_resets_at).toBe(new Date(created + 7 * DAY_MS).toISOString())

  // A request whose hold alone passes the budget is refused; the message says when it resets.
  const refused = await post(hub, '/v1/chat/completions', key, chatBody('too much', { model: 'gpt-4o', max_tokens: 16384 }))
  expect(refused.status).toBe(402)
  const error = ((await refused.json()) as { error: { code: string; message: string } }).error
  expect(error.code).toBe('key_budget_exceeded')
  expect(error.message).toContain(new Date(created + 7 * DAY_MS).toISOString())

  clock.advance(6 * DAY_MS) // day 8: the second window
  expect(await keyInfo(key)).toMatchObject({
    spend_usd: '0.0000',
    budget_remaining_usd: '0.0500',
    window_started_at: new Date(created + 7 * DAY_MS).toISOString(),
    window_resets_at: new Date(created + 14 * DAY_MS).toISOString(),
  })
})

test('a key without a budget shows its spend and no remaining budget', async () => {
  const { key } = await hub.account({ balanceUsd: '1.00' })
  // gpt-4o: a few hundred µUSD, visible at 4 decimals
  expect((await post(hub, '/v1/chat/completions', key, chatBody('count me', { model: 'gpt-4o' }))).status).toBe(200)
  const info = await keyInfo(key)
  expect(info.budget_usd).toBeNull()
  expect(info.budget_remaining_usd).toBeNull()
  expect(Number(info.spend_usd)).toBeGreaterThan(0)
  expect(info.budget_window_days).toBe(30)
})

test('GET /v1/account/balance shows balance, held and available as 4-decimal strings', async () => {
  const { key } = await hub.account({ balanceUsd: '12.34' })
  const balance = await (await fetch(`${hub.url}/v1/account/balance`, { headers: { authorization: `Bearer ${key}` } })).json()
  expect(balance).toEqual({ balance_usd: '12.3400', currency: 'USD', held_usd: '0.0000', available_usd: '12.3400' })
})
