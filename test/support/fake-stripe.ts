// A local fake of the Stripe API (Checkout Sessions, refunds) and of its Checkout page, for the real SDK.
import Stripe from 'stripe'

export const FAKE_SECRET_KEY = 'sk_test_fake_0123456789'
export const FAKE_WEBHOOK_SECRET = 'whsec_fake_0123456789abcdef'

export interface FakeSession {
  id: string
  object: 'checkout.session'
  url: string
  status: 'open' | 'complete' | 'expired'
  payment_status: 'paid' | 'unpaid'
  amount_total: number
  amount_subtotal: number
  total_details: { amount_tax: number; amount_discount: number; amount_shipping: number }
  currency: string
  client_reference_id: string | null
  customer_email: string | null
  metadata: Record<string, string>
  payment_intent: string | null
  success_url: string
  cancel_url: string
  mode: 'payment'
  created: number
}

export interface RecordedCall {
  method: string
  path: string
  params: URLSearchParams
  idempotencyKey: string | null
  authorization: string | null
}

export interface FakeStripe {
  url: string
  port: number
  calls: RecordedCall[]
  sessions: Map<string, FakeSession>
  refunds: Array<{ id: string; payment_intent: string; amount: number; idempotencyKey: string | null }>
  /** Where paying on the fake Checkout page delivers `checkout.session.completed`. */
  hubUrl: string | null
  /** The next refund answers with this error (Stripe's error shape) instead of succeeding. */
  failNextRefund: { status: number; message: string } | null
  /** Marks a session paid as the Checkout page would (without delivering anything). */
  markPaid(sessionId: string, options?: { async?: boolean }): FakeSession
  /** A signed event delivery to the hub's /webhooks/stripe. */
  deliver(
    type: string,
    object: object,
    options?: { id?: string; timestamp?: number; secret?: string; tamper?: (body: string) => string },
  ): Promise<Response>
  event(type: string, object: object, id?: string): string
  sign(payload: string, options?: { timestamp?: number; secret?: string }): Promise<string>
  close(): void
}

let counter = 0
const rid = (prefix: string) => `${prefix}_test_${Date.now().toString(36)}${(++counter).toString(36).padStart(4, '0')}`

export function startFakeStripe(): FakeStripe {
  const calls: RecordedCall[] = []
  const sessions = new Map<string, FakeSession>()
  const refunds: FakeStripe['refunds'] = []
  const replay = new Map<string, { status: number; body: unknown }>()
  const error = (status: number, message: string, type = 'invalid_request_error') => Response.json({ error: { type, message } }, { status })

  const fake: FakeStripe = {
    url: '',
    port: 0,
    calls,
    sessions,
    refunds,
    hubUrl: null,
    failNextRefund: null,
    markPaid(sessionId, options = {}) {
      const session = sessions.get(sessionId)
      if (!session) throw new Error(`no session ${sessionId}`)
      session.status = 'complete'
      session.payment_status = options.async ? 'unpaid' : 'paid'
      session.payment_intent = session.payment_intent ?? rid('pi')
      return session
    },
    event(type, object, id = rid('evt')) {
      return JSON.stringify({
        id,
        object: 'event',
        type,
        api_version: '2026-10-28',
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        data: { object },
      })
    },
    sign(payload, options = {}) {
      return Stripe.webhooks.generateTestHeaderStringAsync({
        payload,
        secret: options.secret ?? FAKE_WEBHOOK_SECRET,
        ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
      })
    },
    async deliver(type, object, options = {}) {
      if (!fake.hubUrl) throw new Error('fake stripe: hubUrl not set')
      const payload = fake.event(type, object, options.id)
      const header = await fake.sign(payload, options)
      return fetch(`${fake.hubUrl}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
        body: options.tamper ? options.tamper(payload) : payload,
      })
    },
    close: () => server.stop(true),
  }

  const api = async (request: Request, url: URL): Promise<Response> => {
    const params = new URLSearchParams(request.method === 'GET' ? url.search : await request.text())
    const idempotencyKey = request.headers.get('idempotency-key')
    calls.push({ method: request.method, path: url.pathname, params, idempotencyKey, authorization: request.headers.get('authorization') })
    if (request.headers.get('authorization') !== `Bearer ${FAKE_SECRET_KEY}`)
      return error(401, 'Invalid API Key provided', 'authentication_error')
    if (request.method === 'POST' && idempotencyKey) {
      const seen = replay.get(`${url.pathname}:${idempotencyKey}`)
      if (seen) return Response.json(seen.body, { status: seen.status, headers: { 'idempotent-replayed': 'true' } })
    }
    let status = 200
    let body: unknown
    if (request.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      const id = rid('cs')
      const amount = Number(params.get('line_items[0][price_data][unit_amount]')) * Number(params.get('line_items[0][quantity]') ?? '1')
      const metadata: Record<string, string> = {}
      for (const [k, v] of params) {
        const m = /^metadata\[(.+)\]$/.exec(k)
        if (m) metadata[m[1]!] = v
      }
      const session: FakeSession = {
        id,
        object: 'checkout.session',
        url: `${fake.url}/pay/${id}`,
        status: 'open',
        payment_status: 'unpaid',
        amount_total: amount,
        amount_subtotal: amount,
        total_details: { amount_tax: 0, amount_discount: 0, amount_shipping: 0 },
        currency: params.get('line_items[0][price_data][currency]') ?? 'usd',
        client_reference_id: params.get('client_reference_id'),
        customer_email: params.get('customer_email'),
        metadata,
        payment_intent: null,
        success_url: params.get('success_url') ?? '',
        cancel_url: params.get('cancel_url') ?? '',
        mode: 'payment',
        created: Math.floor(Date.now() / 1000),
      }
      sessions.set(id, session)
      body = session
    } else if (request.method === 'GET' && url.pathname.startsWith('/v1/checkout/sessions/')) {
      const session = sessions.get(url.pathname.split('/').pop()!)
      if (!session) return error(404, 'No such checkout.session')
      body = session
    } else if (request.method === 'POST' && url.pathname === '/v1/refunds') {
      if (fake.failNextRefund) {
        const failure = fake.failNextRefund
        fake.failNextRefund = null
        return error(failure.status, failure.message)
      }
      const refund = {
        id: rid('re'),
        object: 'refund',
        payment_intent: params.get('payment_intent')!,
        amount: Number(params.get('amount')),
        status: 'succeeded',
        currency: 'usd',
      }
      refunds.push({ id: refund.id, payment_intent: refund.payment_intent, amount: refund.amount, idempotencyKey })
      body = refund
    } else {
      status = 404
      body = { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${request.method}: ${url.pathname})` } }
    }
    if (request.method === 'POST' && idempotencyKey) replay.set(`${url.pathname}:${idempotencyKey}`, { status, body })
    return Response.json(body, { status })
  }

  /** The fake Checkout page: one button; paying delivers the webhook, then returns to success_url. */
  const checkoutPage = async (request: Request, url: URL): Promise<Response> => {
    const id = url.pathname.split('/').pop()!
    const session = sessions.get(id)
    if (!session) return new Response('no such session', { status: 404 })
    if (request.method === 'GET') {
      const amount = `${session.currency.toUpperCase()} ${(session.amount_total / 100).toFixed(2)}`
      return new Response(
        `<!doctype html><html><head><title>Fake Checkout</title></head><body style="font-family:sans-serif;max-width:420px;margin:4rem auto">
<h1>Fake Stripe Checkout</h1><p>Pay <strong id="amount">${amount}</strong> for ${session.customer_email ?? ''}</p>
<form method="post"><button id="pay" type="submit" style="font-size:1.1rem;padding:.5rem 1.5rem">Pay ${amount}</button></form>
<p><a id="cancel" href="${session.cancel_url}">Cancel</a></p></body></html>`,
        { headers: { 'content-type': 'text/html' } },
      )
    }
    fake.markPaid(id)
    const delivered = await fake.deliver('checkout.session.completed', session)
    if (!delivered.ok) return new Response(`webhook failed: ${delivered.status} ${await delivered.text()}`, { status: 500 })
    return new Response(null, { status: 303, headers: { location: session.success_url.replace('{CHECKOUT_SESSION_ID}', id) } })
  }

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request) {
      const url = new URL(request.url)
      return url.pathname.startsWith('/pay/') ? checkoutPage(request, url) : api(request, url)
    },
  })
  fake.port = server.port!
  fake.url = `http://127.0.0.1:${server.port}`
  return fake
}

/** Config and environment that point a test hub's Stripe client at the fake. */
export const stripeHubOptions = (fake: FakeStripe) => ({
  config: { stripe: { api_host: '127.0.0.1', api_port: fake.port, api_protocol: 'http' } },
  env: { STRIPE_SECRET_KEY: FAKE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET },
})
