// POST /webhooks/stripe: Stripe's event deliveries; 2xx only once the event is recorded.
import { Elysia } from 'elysia'
import type { TopupService } from '../../payments/topups'
import { GatewayError } from '../../errors'
import { json, readBodyText } from '../responses'

/** Stripe's events are a few KB; anything far larger is not from Stripe. */
const MAX_EVENT_BYTES = 1024 * 1024

export function stripeWebhookRoutes({ topups }: { topups: TopupService }) {
  return new Elysia({ name: 'webhooks-stripe' }).post(
    '/webhooks/stripe',
    async ({ request }) => {
      // The signature covers the exact bytes: read them raw, never re-serialise.
      const payload = await readBodyText(request, MAX_EVENT_BYTES)
      const result = await topups.handleWebhook(payload, request.headers.get('stripe-signature'))
      if (!result.ok) throw new GatewayError(result.code, result.message)
      return json({ received: true, outcome: result.outcome })
    },
    { parse: 'none' },
  )
}
