// The legacy OpenAI billing endpoints chat front ends poll: shapes, hard_limit = balance + spend, usage in cents.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { ManualClock } from '../../../src/clock'
import { startHub, type TestHub } from '../../helpers'

let hub: TestHub
let key: string
let accountId: string
let spentMicros = 0

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)

beforeAll(async () => {
  // Mid-month on the hub's own clock: "this month" and "tomorrow" cannot change between the
  // requests and the test's reading of them, however long the run takes or whenever it starts.
  hub = await startHub({ deps: { clock: new ManualClock(Date.UTC(2026, 2, 14, 23, 59, 59)) } })
  ;({ key, accountId } = await hub.account({ balanceUsd: '10.00' }))
  const client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
  for (let i = 0; i < 3; i++) {
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: `bill me ${'x '.repeat(300)} ${i}` }] })
      .withResponse()
    spentMicros += Math.round(Number(response.headers.get('x-token-hub-cost-usd')) * 1e6)
  }
})
afterAll(() => hub.close())

const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${key}` }) => fetch(hub.url + path, { headers })

test('subscription: hard_limit_usd is the balance plus this month’s spend, in the legacy shape', async () => {
  const response = await get('/v1/dashboard/billing/subscription')
  expect(response.status).toBe(200)
  const body = (await response.json()) as Record<string, unknown>
  expect(body).toMatchObject({ object: 'billing_subscription', has_payment_method: true, canceled: false, plan: { id: 'standard' } })
  const balance = (await hub.hub.store.accounts.get(accountId))!.balanceMicros
  expect(balance).toBe(10_000_000 - spentMicros)
  expect(body.hard_limit_usd).toBeCloseTo((balance + spentMicros) / 1e6, 9)
  expect(body.hard_limit_usd).toBeCloseTo(10, 9)
  expect(body.system_hard_limit_usd).toBe(body.hard_limit_usd)
  expect(typeof body.access_until).toBe('number')
})

test('usage: total_usage in cents over NextChat’s range (1st of the month to tomorrow), with daily costs', async () => {
  const now = new Date(hub.clock.now())
  const start = day(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  const end = day(hub.clock.now() + 86_400_000)
  const response = await get(`/v1/dashboard/billing/usage?start_date=${start}&end_date=${end}`)
  expect(response.status).toBe(200)
  const body = (await response.json()) as {
    object: string
    total_usage: number
    daily_costs: Array<{ timestamp: number; line_items: Array<{ name: string; cost: number }> }>
  }
  expect(body.object).toBe('list')
  expect(body.total_usage).toBeCloseTo(spentMicros / 1e4, 9)
  expect(body.daily_costs).toHaveLength(1)
  expect(body.daily_costs[0]!.line_items[0]!.cost).toBeCloseTo(spentMicros / 1e4, 9)
  // What NextChat shows: used = round(total_usage) / 100, total = round(hard_limit × 100) / 100; total − used ≈ balance.
  const subscription = (await (await get('/v1/dashboard/billing/subscription')).json()) as { hard_limit_usd: number }
  const used = Math.round(body.total_usage) / 100
  const total = Math.round(subscription.hard_limit_usd * 100) / 100
  expect(total).toBe(10)
  expect(Math.abs(total - used - (10_000_000 - spentMicros) / 1e6)).toBeLessThan(0.01)
})

test('usage defaults to this month; an earlier range is empty; x-api-key works; errors are the contract’s', async () => {
  const defaulted = (await (await get('/v1/dashboard/billing/usage', { 'x-api-key': key })).json()) as { total_usage: number }
  expect(defaulted.total_usage).toBeCloseTo(spentMicros / 1e4, 9)
  const old = (await (await get('/v1/dashboard/billing/usage?start_date=2020-01-01&end_date=2020-02-01')).json()) as {
    total_usage: number
    daily_costs: unknown[]
  }
  expect(old).toEqual({ object: 'list', daily_costs: [], total_usage: 0 } as typeof old)
  expect((await get('/v1/dashboard/billing/usage?start_date=yesterday')).status).toBe(400)
  expect((await get('/v1/dashboard/billing/subscription', {})).status).toBe(401)
  const revoked = await hub.account()
  await hub.admin('DELETE', `/admin/keys/${revoked.keyId}`)
  expect((await get('/v1/dashboard/billing/subscription', { authorization: `Bearer ${revoked.key}` })).status).toBe(401)
})

test('both paths also answer without /v1, as One API serves them: the same JSON, errors as JSON too', async () => {
  for (const path of ['/dashboard/billing/subscription', '/dashboard/billing/usage']) {
    const bare = await get(path)
    expect(bare.status).toBe(200)
    expect(bare.headers.get('content-type')).toContain('application/json')
    expect(bare.headers.get('x-ratelimit-limit')).toMatch(/^\d+$/)
    expect(await bare.json()).toEqual(await (await get(`/v1${path}`)).json())
    expect((await get(path, { 'x-api-key': key })).status).toBe(200)
    // No key: the contract's 401 in OpenAI's shape, not the dashboard's sign-in page.
    const refused = await get(path, {})
    expect(refused.status).toBe(401)
    expect(refused.headers.get('content-type')).toContain('application/json')
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('missing_api_key')
  }
  expect((await get('/dashboard/billing/usage?start_date=yesterday')).status).toBe(400)
})
