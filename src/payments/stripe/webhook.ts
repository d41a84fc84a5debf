// Verifying a Stripe webhook: the SDK checks the signature and the age; we also refuse future dates.
import Stripe from 'stripe'
import type { StripeEventInfo } from './types'

/** Signatures older than this are refused (Stripe's own default, and the contract's). */
export const WEBHOOK_TOLERANCE_S = 300
/**
 * A signature dated after our clock is refused; this much skew is forgiven because the header's
 * time is whole seconds and two well-synchronised clocks still differ by a little.
 */
export const FUTURE_SKEW_S = 5

export type VerifiedEvent = { ok: true; event: StripeEventInfo } | { ok: false; reason: string }

/** `t=` of a Stripe-Signature header, or null. */
export function signatureTimestamp(header: string): number | null {
  for (const part of header.split(',')) {
    const [key, value] = part.split('=', 2)
    if (key?.trim() === 't' && value && /^\d+$/.test(value.trim())) return Number(value.trim())
  }
  return null
}

/**
 * Checks `payload` against the `Stripe-Signature` header with the endpoint secret, at time `nowMs`.
 * Expected failures come back as values with the reason; the route answers 400 for them.
 */
export async function verifyStripeEvent(payload: string, header: string | null, secret: string, nowMs: number): Promise<VerifiedEvent> {
  if (!header) return { ok: false, reason: 'Missing Stripe-Signature header.' }
  const timestamp = signatureTimestamp(header)
  if (timestamp === null) return { ok: false, reason: 'Stripe-Signature header has no timestamp.' }
  if (timestamp > Math.floor(nowMs / 1000) + FUTURE_SKEW_S) {
    return { ok: false, reason: 'Stripe-Signature timestamp is in the future.' }
  }
  let event: { id: string; type: string; created: number; data: { object: unknown } }
  try {
    event = (await Stripe.webhooks.constructEventAsync(
      payload,
      header,
      secret,
      WEBHOOK_TOLERANCE_S,
      undefined,
      nowMs,
    )) as unknown as typeof event
  } catch (error) {
    return { ok: false, reason: `Stripe signature verification failed: ${(error as Error).message}` }
  }
  const object = event.data?.object
  if (typeof event.id !== 'string' || typeof event.type !== 'string' || !object || typeof object !== 'object') {
    return { ok: false, reason: 'Stripe event is missing id, type or data.object.' }
  }
  return { ok: true, event: { id: event.id, type: event.type, created: event.created, object: object as Record<string, unknown> } }
}
