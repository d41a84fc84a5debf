// Top-ups: Stripe Checkout in USD or CNY, crediting from Stripe's own numbers exactly once, refunds.
import type { Config } from '../config/schema'
import { type Clock, DAY_MS } from '../clock'
import { randomBase62 } from '../ids'
import { formatUsd } from '../money/usd'
import { GatewayError } from '../errors'
import type { Store } from '../store'
import type { EventAction, EventOutcome, Topup } from '../store/topups'
import { checkoutSessionInfo, type CheckoutSessionInfo, type PaymentsClient } from './stripe/types'
import { verifyStripeEvent } from './stripe/webhook'
import { creditForPayment, formatMinor, parseMinor, refundShare, type TopupCurrency } from './currency'
import { addMonths, allocateLots, lotRemaining } from '../money/credit-lots'

const newTopupId = () => `top_${randomBase62(16)}`

export const LOT_LIFETIME_MONTHS = 12
export const REFUND_WINDOW_MS = 7 * DAY_MS

export interface TopupDeps {
  store: Store
  config: Config
  clock: Clock
  /** null: Stripe is not configured (no secret key / webhook secret in the environment). */
  payments: PaymentsClient | null
  webhookSecret: string | null
}

export interface TopupRequest {
  amount: string
  currency: TopupCurrency
}

export type WebhookResult =
  | { ok: true; outcome: EventOutcome }
  | { ok: false; code: 'invalid_signature' | 'storage_unavailable' | 'payments_unavailable'; message: string }

/** A top-up with what is left of its lot and whether (and how much) it can still be refunded. */
export interface TopupWithLot extends Topup {
  remainingMicros: number
  refundableUntil: number | null
}

export type TopupService = ReturnType<typeof createTopupService>

export function createTopupService({ store, config, clock, payments, webhookSecret }: TopupDeps) {
  const rate = config.billing.cny_per_usd
  const publicUrl = config.server.public_url.replace(/\/+$/, '')

  const requirePayments = (): PaymentsClient => {
    if (!payments)
      throw new GatewayError(
        'payments_unavailable',
        'Card top-ups are not configured on this server (no Stripe keys); an admin adds credits instead.',
      )
    return payments
  }

  /** What one verified event does: decided from the Stripe object and our own top-up row. */
  const actionFor = async (type: string, object: Record<string, unknown>): Promise<EventAction> => {
    if (!type.startsWith('checkout.session.')) return { kind: 'ignore', reason: `event type ${type} is not acted on` }
    const session = checkoutSessionInfo(object)
    const topup = await findTopup(session)
    if (!topup) return { kind: 'ignore', reason: 'not a token-hub top-up' }
    if (type === 'checkout.session.expired') return { kind: 'close', topupId: topup.id, status: 'expired' }
    if (type === 'checkout.session.async_payment_failed') return { kind: 'close', topupId: topup.id, status: 'failed' }
    if (type !== 'checkout.session.completed' && type !== 'checkout.session.async_payment_succeeded') {
      return { kind: 'ignore', reason: `event type ${type} is not acted on` }
    }
    return creditAction(topup, session) ?? { kind: 'ignore', reason: 'payment not completed yet' }
  }

  const findTopup = async (session: CheckoutSessionInfo): Promise<Topup | null> => {
    const bySession = session.id ? await store.topups.findBySession(session.id) : null
    if (bySession) return bySession
    // A crash between creating the session and storing its id leaves only Stripe's reference to us.
    if (!session.clientReferenceId) return null
    const byReference = await store.topups.get(session.clientReferenceId)
    return byReference && byReference.checkoutSessionId === null ? byReference : null
  }

  /** Credit from Stripe's amount and currency (never from metadata or the client), tax excluded. */
  const creditAction = (topup: Topup, session: CheckoutSessionInfo): EventAction | null => {
    if (session.paymentStatus !== 'paid') return null
    const currency = session.currency?.toLowerCase()
    if ((currency !== 'usd' && currency !== 'cny') || session.amountTotal === null || session.amountTotal <= 0) {
      return { kind: 'ignore', reason: `unexpected amount ${session.amountTotal} ${session.currency}` }
    }
    const paidMinor = session.amountTotal - session.amountTax
    const now = clock.now()
    return {
      kind: 'credit',
      credit: {
        topupId: topup.id,
        sessionId: session.id || null,
        creditMicros: creditForPayment(paidMinor, currency, topup.cnyPerUsd ?? rate),
        paymentIntentId: session.paymentIntentId,
        at: now,
        lotExpiresAt: addMonths(now, LOT_LIFETIME_MONTHS),
      },
    }
  }

  /** Unused credit per top-up id of the account, from its ledger. */
  const unusedByTopup = async (accountId: string): Promise<Map<string, number>> => {
    const remaining = new Map<string, number>()
    for (const lot of allocateLots(await store.topups.history(accountId)).lots)
      if (lot.topupId) remaining.set(lot.topupId, lot.remainingMicros)
    return remaining
  }

  const withLot = (topups: Topup[], remaining: Map<string, number>): TopupWithLot[] =>
    topups.map((t) => ({
      ...t,
      remainingMicros: t.lotExpiredAt === null ? (remaining.get(t.id) ?? 0) : 0,
      refundableUntil: t.paidAt === null ? null : t.paidAt + REFUND_WINDOW_MS,
    }))

  /** One top-up with its lot; `accountId` (null for admins) scopes it: another account's is a 404. */
  const getTopup = async (accountId: string | null, topupId: string): Promise<TopupWithLot> => {
    const topup = await store.topups.get(topupId)
    if (!topup || (accountId !== null && topup.accountId !== accountId)) throw new GatewayError('not_found', `No top-up '${topupId}'.`)
    return withLot([topup], await unusedByTopup(topup.accountId))[0]!
  }

  return {
    enabled: payments !== null && webhookSecret !== null,

    /** Creates the pending top-up and its Checkout Session; the URL is where the customer pays. */
    async startCheckout(actor: { accountId: string; userId: string | null; email: string | null }, body: TopupRequest) {
      const client = requirePayments()
      const minor = parseMinor(body.amount)
      if (minor === null || minor === 0) {
        throw new GatewayError('invalid_body', 'amount must be a positive amount with at most 2 decimals.', { param: 'amount' })
      }
      const quoted = creditForPayment(minor, body.currency, rate)
      const { min_topup_usd: min, max_topup_usd: max } = config.stripe
      if (quoted < min * 1e6 || quoted > max * 1e6) {
        const bounds =
          body.currency === 'usd'
            ? `$${min} and $${max}`
            : `CNY ${(min * rate).toFixed(2)} and CNY ${(max * rate).toFixed(2)} ($${min}–$${max} at ${rate} CNY per USD)`
        throw new GatewayError('invalid_body', `A top-up must be between ${bounds}.`, { param: 'amount' })
      }
      const topup = await store.topups.create({
        id: newTopupId(),
        accountId: actor.accountId,
        userId: actor.userId,
        currency: body.currency,
        amountMinor: minor,
        quotedMicros: quoted,
        cnyPerUsd: body.currency === 'cny' ? rate : null,
        createdAt: clock.now(),
      })
      let session: { id: string; url: string }
      try {
        session = await client.createCheckout({
          topupId: topup.id,
          accountId: actor.accountId,
          currency: body.currency,
          amountMinor: minor,
          productName: `${config.stripe.product_name} ($${formatUsd(quoted)})`,
          customerEmail: actor.email,
          successUrl: `${publicUrl}/dashboard/topup/success?session_id={CHECKOUT_SESSION_ID}`,
          cancelUrl: `${publicUrl}/dashboard/topup/cancel?topup=${topup.id}`,
          idempotencyKey: `checkout_${topup.id}`,
        })
      } catch (error) {
        await store.topups.close(topup.id, 'failed')
        throw new GatewayError('payment_provider_error', `Stripe could not start the checkout: ${(error as Error).message}`)
      }
      await store.topups.attachCheckout(topup.id, session.id, session.url)
      return { topup: { ...topup, checkoutSessionId: session.id, checkoutUrl: session.url }, url: session.url }
    },

    /** POST /webhooks/stripe: verify, then record the event and its effect in one transaction. */
    async handleWebhook(payload: string, signature: string | null): Promise<WebhookResult> {
      if (!webhookSecret) return { ok: false, code: 'payments_unavailable', message: 'Stripe is not configured on this server.' }
      const verified = await verifyStripeEvent(payload, signature, webhookSecret, clock.now())
      if (!verified.ok) return { ok: false, code: 'invalid_signature', message: verified.reason }
      const { event } = verified
      try {
        const action = await actionFor(event.type, event.object)
        return { ok: true, outcome: await store.topups.processEvent({ id: event.id, type: event.type, receivedAt: clock.now() }, action) }
      } catch (error) {
        // Nothing was recorded (the transaction rolled back): a non-2xx makes Stripe deliver it again.
        console.error(`stripe webhook ${event.id} (${event.type}) could not be recorded:`, error)
        return { ok: false, code: 'storage_unavailable', message: 'The event could not be recorded; Stripe will retry.' }
      }
    },

    /**
     * The success page: if the webhook has not arrived yet, ask Stripe for the session and credit
     * from its answer (same once-only rule), so the balance is right when the customer lands.
     */
    async confirm(accountId: string, sessionId: string): Promise<Topup> {
      const topup = await store.topups.findBySession(sessionId)
      if (!topup || topup.accountId !== accountId) throw new GatewayError('not_found', `No top-up for checkout session '${sessionId}'.`)
      if (topup.status !== 'pending' || !payments) return topup
      const action = creditAction(topup, await payments.retrieveCheckout(sessionId))
      if (action?.kind === 'credit') await store.topups.credit(action.credit)
      return (await store.topups.get(topup.id))!
    },

    get: getTopup,

    /** The account's top-ups, newest first, with each lot's unused credit. */
    async list(accountId: string, limit = 50): Promise<TopupWithLot[]> {
      const topups = await store.topups.listByAccount(accountId, limit)
      return topups.length === 0 ? [] : withLot(topups, await unusedByTopup(accountId))
    },

    /**
     * Refunds the unused part of a top-up through Stripe, within 7 days of payment. The credit leaves
     * the balance first (a `refund` entry) so it cannot be spent while Stripe is asked; if Stripe
     * refuses, it comes back (an `adjustment` on the same lot). If Stripe does not answer, the
     * top-up stays `refunding` and calling this again finishes it with the same idempotency key
     * (a new attempt after a refusal gets a new key: Stripe replays a key's first answer).
     */
    async refund(topupId: string): Promise<TopupWithLot> {
      const client = requirePayments()
      const now = clock.now()
      let topup = await store.topups.get(topupId)
      if (!topup) throw new GatewayError('not_found', `No top-up '${topupId}'.`)
      if (topup.status !== 'refunding') {
        const begun = await store.topups.beginRefund(topupId, now, (t, history, available) => {
          if (t.status === 'refunded') return { ok: false, reason: `Top-up ${t.id} was already refunded.` }
          if (t.status !== 'paid' || t.paidAt === null)
            return { ok: false, reason: `Top-up ${t.id} was never paid (status: ${t.status}); there is nothing to refund.` }
          if (!t.paymentIntentId)
            return { ok: false, reason: `Top-up ${t.id} has no Stripe payment recorded; refund it in the Stripe dashboard.` }
          const deadline = t.paidAt + REFUND_WINDOW_MS
          if (now > deadline) {
            return {
              ok: false,
              reason: `Refunds are possible within 7 days of purchase: top-up ${t.id} was paid on ${new Date(t.paidAt).toISOString().slice(0, 10)} and could be refunded until ${new Date(deadline).toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
            }
          }
          const unused = lotRemaining(history, t.id)
          const share = refundShare(Math.min(unused, available), t.amountMinor, t.creditedMicros)
          if (share.minor <= 0)
            return {
              ok: false,
              reason: `Nothing to refund: the credit of top-up ${t.id} has been spent (or is held by requests in flight).`,
            }
          return { ok: true, value: share }
        })
        if (!begun.ok) throw new GatewayError('refund_not_allowed', begun.reason)
        topup = begun.topup
      }
      const result = await client.refund({
        topupId,
        paymentIntentId: topup.paymentIntentId!,
        amountMinor: topup.refundMinor,
        idempotencyKey: `refund_${topupId}_${topup.refundAttempt}`,
      })
      if (result.ok) {
        await store.topups.finishRefund(topupId, result.id, clock.now())
        return getTopup(null, topupId)
      }
      if (result.definitive) {
        await store.topups.revertRefund(topupId, clock.now(), `refund refused by Stripe: ${result.message}`)
        throw new GatewayError(
          'payment_provider_error',
          `Stripe refused the refund (${result.message}); nothing was refunded and the credit is back on the account.`,
        )
      }
      throw new GatewayError(
        'payment_provider_error',
        `Stripe did not confirm the refund (${result.message}); it is pending — refund again to finish it.`,
      )
    },

    describeAmount: (t: Topup) => `${t.currency === 'usd' ? 'USD' : 'CNY'} ${formatMinor(t.amountMinor)}`,
    /** The service's clock, for views that say whether a refund window is still open. */
    now: () => clock.now(),
  }
}
