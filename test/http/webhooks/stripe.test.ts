// POST /webhooks/stripe with the real SDK's signatures: every way a delivery can be wrong, and exactly-once credit.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { startHub, type TestHub } from '../../helpers'
import { startFakeStripe, stripeHubOptions, type FakeStripe } from '../../support/fake-stripe'
import { makeUser, SessionClient } from '../../support/session'

let hub: TestHub
let stripe: FakeStripe
let owner: SessionClient
let accountId: string

beforeAll(async () => {
  stripe = startFakeStripe()
  const options = stripeHubOptions(stripe)
  hub = await startHub({ config: { stripe: { ...options.config.stripe, min_topup_usd: 1 } }, deps: { env: options.env } })
  stripe.hubUrl = hub.url
  const made = await makeUser(hub)
  accountId = made.accountId
  owner = await SessionClient.signIn(hub, made.email)
})
afterAll(async () => {
  await hub.close()
  stripe.close()
})

const balance = async () => (await hub.hub.store.accounts.get(accountId))!.balanceMicros
const topupEntries = async () => (await hub.hub.store.ledger.list(accountId, { limit: 500 })).entries.filter((e) => e.type === 'topup')

/** A top-up started through the API, its session marked paid at the fake Stripe (nothing delivered yet). */
async function paidSession(amount = '10.00', currency: 'usd' | 'cny' = 'usd') {
  const started = await owner.json<{ id: string; url: string }>('POST', '/api/topup', { amount, currency })
  expect(started.status).toBe(201)
  const sessionId = started.body.url.split('/').pop()!
  return { topupId: started.body.id, session: stripe.markPaid(sessionId) }
}

describe('signature checks', () => {
  let before: number
  beforeEach(async () => {
    before = await balance()
  })

  test('a valid delivery credits the amount Stripe reports, within the request', async () => {
    const { topupId, session } = await paidSession('10.00')
    const response = await stripe.deliver('checkout.session.completed', session)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: true, outcome: 'credited' })
    expect((await balance()) - before).toBe(10_000_000)
    const entry = (await topupEntries()).find((e) => e.topupId === topupId)!
    expect(entry.amountMicros).toBe(10_000_000)
  })

  const refused = async (response: Response, reason: RegExp) => {
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('invalid_signature')
    expect(body.error.message).toMatch(reason)
    expect(await balance()).toBe(before)
  }

  test('a tampered body is refused', async () => {
    const { session } = await paidSession('10.00')
    await refused(
      await stripe.deliver('checkout.session.completed', session, {
        tamper: (body) => body.replace('"amount_total":1000', '"amount_total":900000'),
      }),
      /signature/i,
    )
  })

  test('a signature made with another secret is refused', async () => {
    const { session } = await paidSession('10.00')
    await refused(await stripe.deliver('checkout.session.completed', session, { secret: 'whsec_someone_else' }), /signature/i)
  })

  test('a delivery without the Stripe-Signature header is refused', async () => {
    const { session } = await paidSession('10.00')
    const response = await fetch(`${hub.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stripe.event('checkout.session.completed', session),
    })
    await refused(response, /missing stripe-signature/i)
  })

  test('a signature 301 s old is refused; 299 s old is accepted', async () => {
    const { session } = await paidSession('10.00')
    const now = Math.floor(Date.now() / 1000)
    await refused(await stripe.deliver('checkout.session.completed', session, { timestamp: now - 301 }), /tolerance/i)
    const ok = await stripe.deliver('checkout.session.completed', session, { timestamp: now - 299 })
    expect(ok.status).toBe(200)
  })

  test('a signature dated 1 h in the future is refused (the SDK alone would accept it)', async () => {
    const { session } = await paidSession('10.00')
    await refused(
      await stripe.deliver('checkout.session.completed', session, { timestamp: Math.floor(Date.now() / 1000) + 3600 }),
      /future/i,
    )
  })
})

describe('exactly once', () => {
  test('the same event delivered 5 times concurrently credits once', async () => {
    const { topupId, session } = await paidSession('7.00')
    const before = await balance()
    const payload = stripe.event('checkout.session.completed', session, 'evt_dup_concurrent')
    const header = await stripe.sign(payload)
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${hub.url}/webhooks/stripe`, {
          method: 'POST',
          headers: { 'stripe-signature': header, 'content-type': 'application/json' },
          body: payload,
        }),
      ),
    )
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
    const outcomes = (await Promise.all(responses.map(async (r) => ((await r.json()) as { outcome: string }).outcome))).sort()
    expect(outcomes).toEqual(['credited', 'duplicate_event', 'duplicate_event', 'duplicate_event', 'duplicate_event'])
    expect((await balance()) - before).toBe(7_000_000)
    expect((await topupEntries()).filter((e) => e.topupId === topupId)).toHaveLength(1)
  })

  test('two different events for the same payment credit once (completed + async_payment_succeeded)', async () => {
    const { topupId, session } = await paidSession('3.00')
    const before = await balance()
    expect(((await (await stripe.deliver('checkout.session.completed', session)).json()) as { outcome: string }).outcome).toBe('credited')
    expect(
      ((await (await stripe.deliver('checkout.session.async_payment_succeeded', session)).json()) as { outcome: string }).outcome,
    ).toBe('already_credited')
    expect((await balance()) - before).toBe(3_000_000)
    expect((await topupEntries()).filter((e) => e.topupId === topupId)).toHaveLength(1)
  })

  test('out-of-order events: async success before the (unpaid) completion, and an expiry after payment', async () => {
    const started = await owner.json<{ id: string; url: string }>('POST', '/api/topup', { amount: '4.00', currency: 'usd' })
    const sessionId = started.body.url.split('/').pop()!
    const before = await balance()
    // Bank debits: the session completes unpaid first, then the payment succeeds. Deliver them reversed.
    const unpaid = { ...stripe.markPaid(sessionId, { async: true }) }
    const paid = { ...unpaid, payment_status: 'paid' as const }
    expect(((await (await stripe.deliver('checkout.session.async_payment_succeeded', paid)).json()) as { outcome: string }).outcome).toBe(
      'credited',
    )
    expect(((await (await stripe.deliver('checkout.session.completed', unpaid)).json()) as { outcome: string }).outcome).toBe('ignored')
    const expired = await stripe.deliver('checkout.session.expired', { ...paid, status: 'expired' })
    expect(expired.status).toBe(200)
    expect((await balance()) - before).toBe(4_000_000)
    const topup = await hub.hub.store.topups.get(started.body.id)
    expect(topup!.status).toBe('paid')

    // Two sessions whose completions arrive newest first: both credited, once each.
    const a = await paidSession('1.00')
    const b = await paidSession('2.00')
    const mid = await balance()
    expect((await stripe.deliver('checkout.session.completed', b.session)).status).toBe(200)
    expect((await stripe.deliver('checkout.session.completed', a.session)).status).toBe(200)
    expect((await balance()) - mid).toBe(3_000_000)
  })

  test('an unpaid completion credits nothing, and an expired checkout closes the top-up', async () => {
    const started = await owner.json<{ id: string; url: string }>('POST', '/api/topup', { amount: '5.00', currency: 'usd' })
    const session = stripe.sessions.get(started.body.url.split('/').pop()!)!
    const before = await balance()
    expect(
      ((await (await stripe.deliver('checkout.session.completed', { ...session, status: 'complete' })).json()) as { outcome: string })
        .outcome,
    ).toBe('ignored')
    expect(
      ((await (await stripe.deliver('checkout.session.expired', { ...session, status: 'expired' })).json()) as { outcome: string }).outcome,
    ).toBe('closed')
    expect(await balance()).toBe(before)
    expect((await hub.hub.store.topups.get(started.body.id))!.status).toBe('expired')
  })

  test('the credit comes from Stripe’s amount, never from metadata; unknown sessions are ignored', async () => {
    const { topupId, session } = await paidSession('6.00')
    const before = await balance()
    const forged = { ...session, metadata: { ...session.metadata, amount_usd: '9999', account_id: 'acct_other' } }
    expect((await stripe.deliver('checkout.session.completed', forged)).status).toBe(200)
    expect((await balance()) - before).toBe(6_000_000)
    expect((await hub.hub.store.topups.get(topupId))!.accountId).toBe(accountId)
    const stranger = await stripe.deliver('checkout.session.completed', { ...session, id: 'cs_test_not_ours', client_reference_id: null })
    expect(((await stranger.json()) as { outcome: string }).outcome).toBe('ignored')
    expect((await balance()) - before).toBe(6_000_000)
  })

  test('a top-up that lost its session id (crash right after creating it) is matched by client_reference_id', async () => {
    const { topupId, session } = await paidSession('5.00')
    hub.hub.store.db.query('UPDATE topups SET checkout_session_id = NULL WHERE id = ?').run(topupId)
    const before = await balance()
    const response = await stripe.deliver('checkout.session.completed', session)
    expect(((await response.json()) as { outcome: string }).outcome).toBe('credited')
    expect((await balance()) - before).toBe(5_000_000)
    expect((await hub.hub.store.topups.get(topupId))!.checkoutSessionId).toBe(session.id)
  })

  test('a database failure answers non-2xx, records nothing, and the retry credits once', async () => {
    const { topupId, session } = await paidSession('8.00')
    const before = await balance()
    const payload = stripe.event('checkout.session.completed', session, 'evt_db_failure')
    const header = await stripe.sign(payload)
    const send = () => fetch(`${hub.url}/webhooks/stripe`, { method: 'POST', headers: { 'stripe-signature': header }, body: payload })
    hub.hub.store.db.exec('PRAGMA query_only = ON')
    let failed: Response
    try {
      failed = await send()
    } finally {
      hub.hub.store.db.exec('PRAGMA query_only = OFF')
    }
    expect(failed.status).toBe(503)
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable')
    expect(await balance()).toBe(before)
    expect((await hub.hub.store.topups.get(topupId))!.status).toBe('pending')
    const retried = await send()
    expect(retried.status).toBe(200)
    expect(((await retried.json()) as { outcome: string }).outcome).toBe('credited')
    expect((await balance()) - before).toBe(8_000_000)
    expect(((await (await send()).json()) as { outcome: string }).outcome).toBe('duplicate_event')
  })

  test('balance = Σ ledger after all of the above', async () => {
    expect(await balance()).toBe(await hub.hub.store.ledger.sum(accountId))
  })
})
