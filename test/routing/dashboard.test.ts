// The admin dashboard's Deployments page and /metrics per deployment: a cooled deployment shows as such.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { ADMIN_TOKEN, chatBody, post, startHub, type TestHub } from '../helpers'
import { makeUser, SessionClient } from '../support/session'
import { openaiProviders, refusingUrl, serveUpstream, type RoutedUpstream } from '../support/routed-upstreams'

let live: RoutedUpstream
let hub: TestHub

beforeAll(async () => {
  live = serveUpstream()
  hub = await startHub({
    config: {
      providers: openaiProviders({ live: live.url, dead: refusingUrl() }),
      models: [
        {
          id: 'pair',
          upstream_model: 'mock-gpt',
          deployments: [{ provider: 'dead', weight: 5 }, { provider: 'live' }],
          input_usd_per_mtok: 1,
          output_usd_per_mtok: 1,
        },
      ],
    },
  })
  const { key } = await hub.account()
  expect((await post(hub, '/v1/chat/completions', key, chatBody('Hi', { model: 'pair' }))).status).toBe(200)
})
afterAll(async () => {
  await hub.close()
  live.stop()
})

test('an admin sees each deployment with its state, cooldown and last error; the nav links to it', async () => {
  const admin = await makeUser(hub, { isAdmin: true })
  const client = await SessionClient.signIn(hub, admin.email)
  const response = await client.request('GET', '/dashboard/admin/deployments')
  expect(response.status).toBe(200)
  const page = await response.text()
  expect(page).toContain('href="/dashboard/admin/deployments"')
  const table = page.slice(page.indexOf('data-testid="deployments-table"'))
  expect(table).toMatch(/pair<\/span> on <strong>dead<\/strong>[\s\S]*?cooling down/)
  expect(table).toContain('Upstream provider &#39;dead&#39;')
  expect(table).toMatch(/pair<\/span> on <strong>live<\/strong>[\s\S]*?healthy/)
})

test('a member who is not an admin is refused the page', async () => {
  const member = await makeUser(hub)
  const client = await SessionClient.signIn(hub, member.email)
  const response = await client.request('GET', '/dashboard/admin/deployments')
  expect(response.status).toBe(403)
})

test('/metrics counts requests, errors and cooldowns per deployment', async () => {
  const text = await (await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text()
  expect(text).toContain('token_hub_deployment_requests_total{deployment="pair@dead",model="pair",provider="dead"} 1')
  expect(text).toContain('token_hub_deployment_errors_total{deployment="pair@dead",model="pair",provider="dead"} 1')
  expect(text).toContain('token_hub_deployment_cooldowns_total{deployment="pair@dead",model="pair",provider="dead"} 1')
  expect(text).toContain('token_hub_deployment_cooling{deployment="pair@dead",model="pair",provider="dead"} 1')
  expect(text).toContain('token_hub_deployment_requests_total{deployment="pair@live",model="pair",provider="live"} 1')
  expect(text).toContain('token_hub_deployment_in_flight{deployment="pair@live",model="pair",provider="live"} 0')
})
