// The Stripe-SDK-backed PaymentsClient: Checkout Sessions and refunds, each call with an idempotency key.
import Stripe from 'stripe'
import type { Config } from '../../config/schema'
import { checkoutSessionInfo, type PaymentsClient } from './types'

/** The secrets Stripe needs, from the environment variables the config names; null when unset. */
export function stripeSecrets(
  config: Config,
  env: Record<string, string | undefined>,
): { secretKey: string; webhookSecret: string } | null {
  const secretKey = env[config.stripe.secret_key_env]
  const webhookSecret = env[config.stripe.webhook_secret_env]
  return secretKey && webhookSecret ? { secretKey, webhookSecret } : null
}

/**
 * A client over the official SDK. `stripe.api_host/api_port/api_protocol` point it at a local fake
 * in tests. The SDK retries network failures itself, reusing the idempotency key we pass.
 */
export function stripePaymentsClient(config: Config, secretKey: string): PaymentsClient {
  const stripe = new Stripe(secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(config.stripe.api_host ? { host: config.stripe.api_host } : {}),
    ...(config.stripe.api_port ? { port: config.stripe.api_port } : {}),
    protocol: config.stripe.api_protocol,
  })
  return {
    async createCheckout(input) {
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [
            {
              quantity: 1,
              price_data: { currency: input.currency, unit_amount: input.amountMinor, product_data: { name: input.productName } },
            },
          ],
          client_reference_id: input.topupId,
          metadata: { topup_id: input.topupId, account_id: input.accountId },
          payment_intent_data: { metadata: { topup_id: input.topupId, account_id: input.accountId } },
          ...(input.customerEmail ? { customer_email: input.customerEmail } : {}),
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
        },
        { idempotencyKey: input.idempotencyKey },
      )
      if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a URL`)
      return { id: session.id, url: session.url }
    },
    async retrieveCheckout(id) {
      const session = await stripe.checkout.sessions.retrieve(id)
      return checkoutSessionInfo(session as unknown as Record<string, unknown>)
    },
    async refund(input) {
      try {
        const refund = await stripe.refunds.create(
          { payment_intent: input.paymentIntentId, amount: input.amountMinor, metadata: { topup_id: input.topupId } },
          { idempotencyKey: input.idempotencyKey },
        )
        return { ok: true, id: refund.id, status: refund.status ?? 'pending' }
      } catch (error) {
        // Stripe answered with a 4xx: nothing happened. No answer or a 5xx: the outcome is unknown.
        const status = (error as { statusCode?: number }).statusCode
        const definitive = error instanceof Stripe.errors.StripeError && status !== undefined && status >= 400 && status < 500
        return { ok: false, definitive, message: (error as Error).message }
      }
    },
  }
}
