// Top-ups end to end with the real Stripe SDK against a local fake: Checkout in USD/CNY, refunds, expiry.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ManualClock } from '../../src/clock'
import { placeHold } from '../../src/money/holds'
import { startHub, type TestHub } from '../helpers'
import { startFakeStripe, stripeHubOptions, type FakeStripe } from '../support/fake-stripe'
import { makeUser, SessionClient } from '../support/session'

const DAY = 86_400_000

let hub: TestHub
let stripe: FakeStripe
let clock: ManualClock

beforeAll(async () => {
  stripe = startFakeStripe()
  clock = new ManualClock(Date.UTC(2026, 2, 1, 12))
  const options = stripeHubOptions(stripe)
  // Sessions outlive the months this file moves the clock through.
  const auth = { session_idle_hours: 24 * 500, session_ttl_hours: 24 * 500 }
  hub = await startHub({
    config: { ...options.config, auth, server: { public_url: 'https://hub.example.com' } },
    deps: { env: options.env, clock },
  })
  stripe.hubUrl = hub.url
})
afterAll(async () => {
  await hub.close()
  stripe.close()
})

/** The ledger as (type, amount, topup) triples, oldest first. */
const ledgerOf = async (accountId: string) =>
  (await hub.hub.store.ledger.list(accountId, { limit: 500 })).entries.reverse().map((e) => [e.type, e.amountMicros, e.topupId] as const)
const balance = async (accountId: string) => (await hub.hub.store.accounts.get(accountId))!.balanceMicros

/** Starts a top-up and pays it at the fake Stripe, delivering the webhook signed at the hub's clock. */
async function topUp(client: SessionClient, amount: string, currency: 'usd' | 'cny' = 'usd') {
  const started = await client.json<{ id: string; url: string; credit_usd: string }>('POST', '/api/topup', { amount, currency })
  expect(started.status).toBe(201)
  const session = stripe.markPaid(started.body.url.split('/').pop()!)
  const delivered = await stripe.deliver('checkout.session.completed', session, { timestamp: Math.floor(clock.now() / 1000) })
  expect(delivered.status).toBe(200)
  return started.body
}

async function owner(balanceUsd?: string) {
  const made = await makeUser(hub, { balanceUsd })
  // Sessions on https public URLs are __Host- cookies; the test talks plain http to 127.0.0.1 with the same jar.
  return { ...made, client: await SessionClient.signIn(hub, made.email) }
}

describe('Checkout', () => {
  test('USD: a Checkout Session with our amount, URLs and an idempotency key; the URL comes back', async () => {
    const { client, accountId } = await owner()
    const started = await client.json<{ id: string; url: string; credit_usd: string; currency: string }>('POST', '/api/topup', {
      amount: '20',
      currency: 'usd',
    })
    expect(started.status).toBe(201)
    expect(started.body).toMatchObject({ currency: 'usd', credit_usd: '20.0000' })
    expect(started.body.url).toStartWith(`${stripe.url}/pay/cs_test_`)
    const call = stripe.calls.findLast((c) => c.path === '/v1/checkout/sessions')!
    expect(call.idempotencyKey).toBe(`checkout_${started.body.id}`)
    expect(call.params.get('mode')).toBe('payment')
    expect(call.params.get('line_items[0][price_data][currency]')).toBe('usd')
    expect(call.params.get('line_items[0][price_data][unit_amount]')).toBe('2000')
    expect(call.params.get('client_reference_id')).toBe(started.body.id)
    expect(call.params.get('metadata[account_id]')).toBe(accountId)
    expect(call.params.get('success_url')).toBe('https://hub.example.com/dashboard/topup/success?session_id={CHECKOUT_SESSION_ID}')
    expect(call.params.get('cancel_url')).toBe(`https://hub.example.com/dashboard/topup/cancel?topup=${started.body.id}`)
  })

  test('CNY: charged in fen, credited in USD at billing.cny_per_usd (7.2)', async () => {
    const { client, accountId } = await owner()
    const started = await topUp(client, '100.00', 'cny')
    expect(started.credit_usd).toBe('13.8889')
    const call = stripe.calls.findLast((c) => c.path === '/v1/checkout/sessions')!
    expect(call.params.get('line_items[0][price_data][currency]')).toBe('cny')
    expect(call.params.get('line_items[0][price_data][unit_amount]')).toBe('10000')
    expect(await balance(accountId)).toBe(13_888_888)
    const listed = await client.json<{
      data: Array<{ id: string; status: string; amount: string; currency: string; remaining_usd: string; credit_expires_at: string }>
    }>('GET', '/api/topups')
    expect(listed.body.data[0]).toMatchObject({
      id: started.id,
      status: 'paid',
      amount: '100.00',
      currency: 'cny',
      remaining_usd: '13.8889',
      credit_expires_at: '2027-03-01T12:00:00.000Z',
    })
  })

  test('amounts outside the configured bounds or malformed are refused with 400 naming amount', async () => {
    const { client } = await owner()
    for (const body of [
      { amount: '1.00', currency: 'usd' },
      { amount: '20000', currency: 'usd' },
      { amount: '10.001', currency: 'usd' },
      { amount: '-5', currency: 'usd' },
      { amount: '20', currency: 'eur' },
    ]) {
      const response = await client.json<{ error: { param: string } }>('POST', '/api/topup', body)
      expect(response.status).toBe(400)
      expect(['amount', 'currency']).toContain(response.body.error.param)
    }
    // CNY 30 is about $4.17: under the $5 minimum.
    expect((await client.request('POST', '/api/topup', { amount: '30', currency: 'cny' })).status).toBe(400)
  })

  test('the success page credits from Stripe’s own session when the webhook has not arrived yet', async () => {
    const { client, accountId } = await owner()
    const started = await client.json<{ id: string; url: string }>('POST', '/api/topup', { amount: '15', currency: 'usd' })
    const sessionId = started.body.url.split('/').pop()!
    const success = `/dashboard/topup/success?session_id=${sessionId}`
    const waiting = await client.request('GET', success)
    expect(await waiting.text()).toContain('Confirming your payment')
    const session = stripe.markPaid(sessionId)
    const page = await client.request('GET', success)
    expect(page.status).toBe(200)
    const text = await page.text()
    expect(text).toContain('Payment received')
    expect(text).toContain('$15.0000')
    expect(await balance(accountId)).toBe(15_000_000)
    const late = await stripe.deliver('checkout.session.completed', session, { timestamp: Math.floor(clock.now() / 1000) })
    expect(((await late.json()) as { outcome: string }).outcome).toBe('already_credited')
    expect(await balance(accountId)).toBe(15_000_000)
    // Another account's user cannot confirm (or even see) this session.
    const other = await owner()
    expect((await other.client.request('GET', success)).status).toBe(404)
  })
})

describe('refunds', () => {
  test('the unused part of a top-up is refunded through Stripe; spent credit is taken from the oldest top-up first', async () => {
    const { client, accountId } = await owner()
    const first = await topUp(client, '20')
    clock.advance(DAY)
    const second = await topUp(client, '10')
    // Spend $25: all of the first top-up and $5 of the second.
    expect((await hub.admin('POST', `/admin/accounts/${accountId}/credits`, { amount_usd: '-25', note: 'usage' })).status).toBe(201)

    const spent = await hub.admin('POST', `/admin/topups/${first.id}/refund`)
    expect(spent.status).toBe(409)
    expect(((await spent.json()) as { error: { message: string } }).error.message).toContain('has been spent')

    const refunded = await hub.admin('POST', `/admin/topups/${second.id}/refund`)
    expect(refunded.status).toBe(200)
    expect(await refunded.json()).toMatchObject({
      status: 'refunded',
      refunded_usd: '5.0000',
      refunded_amount: '5.00',
      remaining_usd: '0.0000',
    })
    const call = stripe.refunds.at(-1)!
    expect(call).toMatchObject({ amount: 500, idempotencyKey: `refund_${second.id}_1` })
    expect(call.payment_intent).toStartWith('pi_test_')
    expect(await balance(accountId)).toBe(0)
    expect((await ledgerOf(accountId)).at(-1)).toEqual(['refund', -5_000_000, second.id])
    expect(await balance(accountId)).toBe(await hub.hub.store.ledger.sum(accountId))
    // Refunding twice is refused.
    expect((await hub.admin('POST', `/admin/topups/${second.id}/refund`)).status).toBe(409)
  })

  test('after 7 days a refund is refused with a clear message', async () => {
    const { client } = await owner()
    const topup = await topUp(client, '10')
    clock.advance(7 * DAY + 60_000)
    const response = await hub.admin('POST', `/admin/topups/${topup.id}/refund`)
    expect(response.status).toBe(409)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('refund_not_allowed')
    expect(body.error.message).toMatch(/within 7 days of purchase.*could be refunded until/)
  })

  test('when Stripe refuses, the credit comes back and a later attempt uses a new idempotency key', async () => {
    const { client, accountId } = await owner()
    const topup = await topUp(client, '12')
    stripe.failNextRefund = { status: 400, message: 'Charge has been disputed' }
    const refused = await hub.admin('POST', `/admin/topups/${topup.id}/refund`)
    expect(refused.status).toBe(502)
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('Charge has been disputed')
    expect(await balance(accountId)).toBe(12_000_000)
    expect((await ledgerOf(accountId)).slice(-2)).toEqual([
      ['refund', -12_000_000, topup.id],
      ['adjustment', 12_000_000, topup.id],
    ])
    const retried = await hub.admin('POST', `/admin/topups/${topup.id}/refund`)
    expect(retried.status).toBe(200)
    expect(stripe.refunds.at(-1)).toMatchObject({ amount: 1200, idempotencyKey: `refund_${topup.id}_2` })
    expect(await balance(accountId)).toBe(0)
  })

  test('money held by calls in flight is not refundable', async () => {
    const { client, accountId } = await owner()
    const topup = await topUp(client, '10')
    const hold = await placeHold(hub.hub.store.holds, {
      id: 'hold_test_refund',
      accountId,
      keyId: null,
      requestId: 'req_inflight',
      amountMicros: 4_000_000,
      createdAt: clock.now(),
    })
    expect(hold.ok).toBe(true)
    const refunded = await hub.admin('POST', `/admin/topups/${topup.id}/refund`)
    expect(((await refunded.json()) as { refunded_usd: string }).refunded_usd).toBe('6.0000')
    await hub.hub.store.holds.release('hold_test_refund')
    expect(await balance(accountId)).toBe(4_000_000)
  })
})

describe('credit expiry', () => {
  test('each top-up expires 12 months after payment; what is left is written off, oldest used first, operator credit never expires', async () => {
    const { client, accountId } = await owner('5.00')
    const start = clock.now()
    const a = await topUp(client, '10')
    clock.advance(31 * DAY)
    const b = await topUp(client, '10')
    clock.advance(31 * DAY)
    // $12 of spending: all of A, $2 of B; the operator's $5 is untouched.
    expect((await hub.admin('POST', `/admin/accounts/${accountId}/credits`, { amount_usd: '-12' })).status).toBe(201)

    clock.set(start + 365 * DAY + DAY)
    const run1 = await hub.hub.portal.expiry.runOnce()
    expect(run1.lots).toBeGreaterThanOrEqual(1)
    expect((await hub.hub.store.topups.get(a.id))!.lotExpiredAt).not.toBeNull()
    expect((await hub.hub.store.topups.get(b.id))!.lotExpiredAt).toBeNull()
    expect(await balance(accountId)).toBe(13_000_000)

    clock.set(start + 365 * DAY + 32 * DAY)
    await hub.hub.portal.expiry.runOnce()
    expect(await balance(accountId)).toBe(5_000_000)
    expect((await ledgerOf(accountId)).at(-1)).toEqual(['expiry', -8_000_000, b.id])
    // Running again changes nothing.
    await hub.hub.portal.expiry.runOnce()
    expect(await balance(accountId)).toBe(5_000_000)
    expect(await balance(accountId)).toBe(await hub.hub.store.ledger.sum(accountId))
    const listed = await client.json<{
      data: Array<{ id: string; remaining_usd: string; credit_expired_at: string | null; expired_usd: string }>
    }>('GET', '/api/topups')
    expect(listed.body.data.find((t) => t.id === b.id)).toMatchObject({ remaining_usd: '0.0000', expired_usd: '8.0000' })
  })
})

describe('without Stripe', () => {
  test('top-up answers 503 and the Top up page says admins add credits instead', async () => {
    const plain = await startHub()
    try {
      const made = await makeUser(plain)
      const client = await SessionClient.signIn(plain, made.email)
      const response = await client.json<{ error: { code: string; message: string } }>('POST', '/api/topup', {
        amount: '10',
        currency: 'usd',
      })
      expect(response.status).toBe(503)
      expect(response.body.error.code).toBe('payments_unavailable')
      const page = await (await client.request('GET', '/dashboard/topup')).text()
      expect(page).toContain('Card top-ups are not configured on this server')
      expect(page).toContain('token-hub admin add-credits')
    } finally {
      await plain.close()
    }
  })
})
