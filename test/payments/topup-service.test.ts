// The top-up service over the in-memory Stripe twin: refunds whose outcome Stripe never confirmed.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { GatewayError } from '../../src/errors'
import { memoryPayments, type MemoryPayments } from '../../src/payments/stripe/memory'
import { startHub, type TestHub } from '../helpers'
import { makeUser } from '../support/session'

let hub: TestHub
let payments: MemoryPayments

beforeAll(async () => {
  payments = memoryPayments()
  hub = await startHub({ deps: { payments, env: { STRIPE_WEBHOOK_SECRET: 'whsec_memory' } } })
})
afterAll(() => hub.close())

test('a refund Stripe did not confirm stays pending with the money out, and a retry finishes it with the same key', async () => {
  const { user, accountId } = await makeUser(hub)
  const topups = hub.hub.portal.topups
  expect(topups.enabled).toBe(true)
  const started = await topups.startCheckout({ accountId, userId: user.id, email: user.email }, { amount: '9.00', currency: 'usd' })
  payments.pay(started.topup.checkoutSessionId!)
  expect((await topups.confirm(accountId, started.topup.checkoutSessionId!)).status).toBe('paid')
  expect((await hub.hub.store.accounts.get(accountId))!.balanceMicros).toBe(9_000_000)

  payments.failNextRefund = { ok: false, definitive: false, message: 'socket hang up' }
  const pending = await topups.refund(started.topup.id).catch((e: unknown) => e)
  expect(pending).toBeInstanceOf(GatewayError)
  expect((pending as GatewayError).message).toContain('pending')
  expect((await hub.hub.store.topups.get(started.topup.id))!.status).toBe('refunding')
  expect((await hub.hub.store.accounts.get(accountId))!.balanceMicros).toBe(0)

  const done = await topups.refund(started.topup.id)
  expect(done.status).toBe('refunded')
  expect(payments.refunds).toHaveLength(1)
  expect(payments.refunds[0]).toMatchObject({ amountMinor: 900, idempotencyKey: `refund_${started.topup.id}_1` })
  expect((await hub.hub.store.accounts.get(accountId))!.balanceMicros).toBe(0)
  expect(await hub.hub.store.ledger.sum(accountId)).toBe(0)
})

test('checkout creation is idempotent per top-up at Stripe, and a new top-up is a new session', async () => {
  const { user, accountId } = await makeUser(hub)
  const topups = hub.hub.portal.topups
  const a = await topups.startCheckout({ accountId, userId: user.id, email: user.email }, { amount: '5', currency: 'usd' })
  const b = await topups.startCheckout({ accountId, userId: user.id, email: user.email }, { amount: '5', currency: 'usd' })
  expect(a.topup.checkoutSessionId).not.toBe(b.topup.checkoutSessionId)
  const again = await payments.createCheckout({
    topupId: a.topup.id,
    accountId,
    currency: 'usd',
    amountMinor: 500,
    productName: 'x',
    customerEmail: null,
    successUrl: '',
    cancelUrl: '',
    idempotencyKey: `checkout_${a.topup.id}`,
  })
  expect(again.id).toBe(a.topup.checkoutSessionId!)
})
