// The Stripe surface token-hub uses, as plain types: Checkout Sessions, refunds, webhook events.

/** The fields of a Checkout Session that decide a credit (Stripe's own numbers, never client input). */
export interface CheckoutSessionInfo {
  id: string
  url: string | null
  status: 'open' | 'complete' | 'expired' | null
  paymentStatus: 'paid' | 'unpaid' | 'no_payment_required'
  /** In the currency's minor unit, taxes included. */
  amountTotal: number | null
  amountTax: number
  currency: string | null
  clientReferenceId: string | null
  paymentIntentId: string | null
}

export interface CheckoutInput {
  topupId: string
  accountId: string
  currency: 'usd' | 'cny'
  amountMinor: number
  productName: string
  customerEmail: string | null
  successUrl: string
  cancelUrl: string
  /** Sent as Stripe's Idempotency-Key: a retried create returns the same session. */
  idempotencyKey: string
}

export interface RefundInput {
  topupId: string
  paymentIntentId: string
  amountMinor: number
  idempotencyKey: string
}

/** A refund Stripe accepted, or why not: `definitive` means Stripe answered and nothing was refunded. */
export type RefundResult = { ok: true; id: string; status: string } | { ok: false; definitive: boolean; message: string }

/** Outbound Stripe calls. The SDK-backed client and the in-memory twin both implement it. */
export interface PaymentsClient {
  createCheckout(input: CheckoutInput): Promise<{ id: string; url: string }>
  retrieveCheckout(id: string): Promise<CheckoutSessionInfo>
  refund(input: RefundInput): Promise<RefundResult>
}

/** A verified webhook event, reduced to what we act on. */
export interface StripeEventInfo {
  id: string
  type: string
  created: number
  object: Record<string, unknown>
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null)
const int = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null)

/** Reads a Checkout Session object as Stripe sends it (in API answers and in event payloads). */
export function checkoutSessionInfo(object: Record<string, unknown>): CheckoutSessionInfo {
  const status = str(object.status)
  const paymentStatus = str(object.payment_status)
  const intent = object.payment_intent
  const details = object.total_details as Record<string, unknown> | null | undefined
  return {
    id: str(object.id) ?? '',
    url: str(object.url),
    status: status === 'open' || status === 'complete' || status === 'expired' ? status : null,
    paymentStatus: paymentStatus === 'paid' || paymentStatus === 'no_payment_required' ? paymentStatus : 'unpaid',
    amountTotal: int(object.amount_total),
    amountTax: int(details?.amount_tax) ?? 0,
    currency: str(object.currency),
    clientReferenceId: str(object.client_reference_id),
    paymentIntentId:
      typeof intent === 'string' ? intent : intent && typeof intent === 'object' ? str((intent as Record<string, unknown>).id) : null,
  }
}
