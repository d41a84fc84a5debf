// Budget alerts against a local webhook receiver: one per crossing, retried on 500, never delaying a call; the banner.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { activeAlerts } from '../../src/alerts/evaluate'
import { chatBody, post, startHub, type TestHub } from '../helpers'
import { makeUser, SessionClient } from '../support/session'

/** A webhook receiver on 127.0.0.1: answers with the statuses queued (200 after them), or holds the answer until released. */
function startReceiver() {
  const received: Array<Record<string, unknown>> = []
  const statuses: number[] = []
  let hold: PromiseWithResolvers<void> | null = null
  let arrived = Promise.withResolvers<void>()
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      received.push((await request.json()) as Record<string, unknown>)
      arrived.resolve()
      if (hold) await hold.promise
      return new Response(null, { status: statuses.shift() ?? 200 })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}/hook`,
    received,
    statuses,
    holdAnswers: () => {
      hold = Promise.withResolvers<void>()
    },
    release: () => {
      hold?.resolve()
      hold = null
    },
    /** Resolves when the next delivery arrives. */
    nextArrival: () => {
      arrived = Promise.withResolvers<void>()
      return arrived.promise
    },
    close: () => server.stop(true),
  }
}

let receiver: ReturnType<typeof startReceiver>
let hub: TestHub

beforeAll(async () => {
  receiver = startReceiver()
  // The timer is an hour apart: the test runs each check itself, so nothing depends on timing.
  hub = await startHub({ config: { alerts: { webhook_url: receiver.url, check_seconds: 3600, retry_base_ms: 5, max_attempts: 4 } } })
})
afterAll(async () => {
  await hub.close()
  receiver.close()
})
afterEach(() => {
  receiver.release()
  receiver.received.length = 0
  receiver.statuses.length = 0
})

const alerts = () => hub.hub.portal.alerts
const insights = () => hub.hub.portal.insights
/** Waits until `count` deliveries arrived and none is pending (each wait is bounded by the test timeout). */
async function delivered(count: number) {
  while (receiver.received.length < count || alerts().pendingDeliveries() > 0) await Bun.sleep(5)
  return receiver.received
}

describe('budget alerts', () => {
  test('a balance crossing its threshold is sent once, and again only after it recovered and crossed anew', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '1.00' })
    const scope = { accountId, canManage: true }
    await insights().setAlertRules(scope, { balanceBelowMicros: 999_999, keyPercents: new Map() })
    expect(await alerts().runOnce()).toEqual([])
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(200)
    const fresh = await alerts().runOnce()
    expect(fresh.map((a) => a.kind)).toEqual(['balance_below'])
    const [body] = await delivered(1)
    expect(body).toMatchObject({ type: 'balance_below', account_id: accountId, threshold_usd: '0.999999' })
    expect(Number(body!.balance_usd)).toBeLessThan(1)
    // Still below: further calls and checks send nothing more.
    expect((await post(hub, '/v1/chat/completions', key, chatBody('again'))).status).toBe(200)
    expect(await alerts().runOnce()).toEqual([])
    expect(await alerts().runOnce()).toEqual([])
    expect(receiver.received).toHaveLength(1)
    // Back above (a credit), then below again: a second crossing, a second alert.
    await hub.admin('POST', `/admin/accounts/${accountId}/credits`, { amount_usd: '1.00' })
    expect(await alerts().runOnce()).toEqual([])
    await insights().setAlertRules(scope, { balanceBelowMicros: 1_999_999, keyPercents: new Map() })
    expect((await alerts().runOnce()).map((a) => a.subject)).toEqual([`balance:${accountId}`])
    const bodies = await delivered(2)
    expect(bodies[1]!.id).not.toBe(bodies[0]!.id)
  })

  test('a key at its percent of the window budget alerts once per window', async () => {
    const { accountId } = await hub.account({ balanceUsd: '5.00' })
    const key = await hub.mintKey(accountId, { budget_usd: '0.02', name: 'capped' })
    await insights().setAlertRules({ accountId, canManage: true }, { balanceBelowMicros: 0, keyPercents: new Map([[key.id, 1]]) })
    const call = () => post(hub, '/v1/chat/completions', key.key, chatBody('hi', { model: 'gpt-4o', max_tokens: 50 }))
    expect((await call()).status).toBe(200)
    expect((await alerts().runOnce()).map((a) => a.kind)).toEqual(['key_budget'])
    expect((await call()).status).toBe(200)
    expect(await alerts().runOnce()).toEqual([])
    const [body] = await delivered(1)
    expect(body).toMatchObject({ type: 'key_budget', key_id: key.id, budget_usd: '0.020000', threshold_percent: 1 })
  })

  test('a delivery answered 500 is retried with backoff until it is taken, with the same id', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '1.00' })
    await insights().setAlertRules({ accountId, canManage: true }, { balanceBelowMicros: 999_999, keyPercents: new Map() })
    receiver.statuses.push(500, 500)
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(200)
    await alerts().runOnce()
    const bodies = await delivered(3)
    expect(bodies).toHaveLength(3)
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1)
  })

  test('a receiver that does not answer never delays a call', async () => {
    const { accountId, key } = await hub.account({ balanceUsd: '1.00' })
    await insights().setAlertRules({ accountId, canManage: true }, { balanceBelowMicros: 999_999, keyPercents: new Map() })
    receiver.holdAnswers()
    expect((await post(hub, '/v1/chat/completions', key, chatBody())).status).toBe(200)
    const arrival = receiver.nextArrival()
    // The check returns while its delivery is still unanswered...
    expect(await alerts().runOnce()).toHaveLength(1)
    await arrival
    expect(alerts().pendingDeliveries()).toBe(1)
    // ...and calls go through meanwhile: the request path never waits for the webhook.
    for (let i = 0; i < 3; i++) expect((await post(hub, '/v1/chat/completions', key, chatBody(`while held ${i}`))).status).toBe(200)
    expect(alerts().pendingDeliveries()).toBe(1)
    receiver.release()
    await delivered(1)
  })

  test('the dashboard shows the alerts that are on as a banner', async () => {
    const made = await makeUser(hub, { balanceUsd: '2.00' })
    const client = await SessionClient.signIn(hub, made.email)
    const banner = async () =>
      (await (await fetch(`${hub.url}/dashboard`, { headers: { cookie: client.cookie! } })).text()).includes('data-testid="alert-banner"')
    expect(await banner()).toBe(false)
    await insights().setAlertRules(
      { accountId: made.accountId, canManage: true },
      { balanceBelowMicros: 3_000_000, keyPercents: new Map() },
    )
    expect(await banner()).toBe(true)
  })
})

test('defaults apply to accounts and keys without their own threshold; 0 turns one off', () => {
  const spend = { keyId: 'k', budgetMicros: 100, windowDays: 30, windowStart: 0, windowEnd: 1, spentMicros: 80, heldMicros: 0 }
  const candidates = {
    accounts: [
      { accountId: 'a', email: 'a@x', balanceMicros: 4_000_000, threshold: null },
      { accountId: 'b', email: 'b@x', balanceMicros: 4_000_000, threshold: 0 },
    ],
    keys: [
      { keyId: 'k', accountId: 'a', label: 'k', budgetMicros: 100, threshold: null },
      { keyId: 'j', accountId: 'a', label: 'j', budgetMicros: 100, threshold: 90 },
    ],
  }
  const on = activeAlerts(candidates, (id) => ({ ...spend, keyId: id }), { balanceBelowMicros: 5_000_000, keyBudgetPercent: 80 })
  expect(on.map((a) => a.subject)).toEqual(['balance:a', 'key:k:0'])
})
