// The in-memory twin of the Stripe client: sessions and refunds in maps, for service-level tests.
import type { CheckoutSessionInfo, PaymentsClient, RefundInput, RefundResult } from './types'

export interface MemoryPayments extends PaymentsClient {
  sessions: Map<string, CheckoutSessionInfo & { successUrl: string; cancelUrl: string }>
  refunds: RefundInput[]
  /** Marks a session paid (as a customer finishing Checkout would) and returns it. */
  pay(sessionId: string): CheckoutSessionInfo
  /** The next refund call answers this instead of succeeding. */
  failNextRefund: RefundResult | null
}

export function memoryPayments(): MemoryPayments {
  const sessions: MemoryPayments['sessions'] = new Map()
  const byKey = new Map<string, string>()
  const refunds: RefundInput[] = []
  let counter = 0
  const client: MemoryPayments = {
    sessions,
    refunds,
    failNextRefund: null,
    async createCheckout(input) {
      const existing = byKey.get(input.idempotencyKey)
      if (existing) return { id: existing, url: sessions.get(existing)!.url! }
      const id = `cs_mem_${++counter}`
      const url = `https://checkout.invalid/pay/${id}`
      sessions.set(id, {
        id,
        url,
        status: 'open',
        paymentStatus: 'unpaid',
        amountTotal: input.amountMinor,
        amountTax: 0,
        currency: input.currency,
        clientReferenceId: input.topupId,
        paymentIntentId: null,
        successUrl: input.successUrl,
        cancelUrl: input.cancelUrl,
      })
      byKey.set(input.idempotencyKey, id)
      return { id, url }
    },
    async retrieveCheckout(id) {
      const session = sessions.get(id)
      if (!session) throw new Error(`No such checkout.session: '${id}'`)
      return { ...session }
    },
    async refund(input) {
      if (client.failNextRefund) {
        const failure = client.failNextRefund
        client.failNextRefund = null
        return failure
      }
      refunds.push(input)
      return { ok: true, id: `re_mem_${refunds.length}`, status: 'succeeded' }
    },
    pay(sessionId) {
      const session = sessions.get(sessionId)
      if (!session) throw new Error(`No such checkout.session: '${sessionId}'`)
      session.status = 'complete'
      session.paymentStatus = 'paid'
      session.paymentIntentId = `pi_mem_${sessionId}`
      return { ...session }
    },
  }
  return client
}
