// An upstream that redirects never gets token-hub to carry its provider key or the prompt elsewhere.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { logRow, post, startHub, type TestHub } from '../helpers'
import { serveEvil, type EvilUpstream } from '../support/evil-upstream'
import { mockHubConfig, PROVIDER_TYPES, UPSTREAM_KEYS } from '../support/mock-http'

let first: EvilUpstream
/** Where the redirects point: it answers like an honest upstream, so a followed redirect would succeed. */
let second: EvilUpstream
let hub: TestHub

beforeAll(async () => {
  first = serveEvil()
  second = serveEvil()
  hub = await startHub({ config: { ...mockHubConfig(first.url), limits: { key_rpm: 1_000_000, account_rpm: 1_000_000 } } })
})
afterAll(async () => {
  await hub.close()
  first.stop()
  second.stop()
})
beforeEach(() => {
  first.reset()
  second.reset()
})

const REDIRECTS = [301, 302, 307, 308]

describe('upstream redirects are refused', () => {
  test.each(PROVIDER_TYPES)(
    '%s: a 3xx to another host is a 502 naming the redirect; the other host gets nothing; nothing is charged',
    async (type) => {
      let status = 0
      first.handle((_request, seen) => new Response(null, { status, headers: { location: `${second.url}${seen.path}` } }))
      const { accountId, key } = await hub.account({ balanceUsd: '10.00' })
      const ids: string[] = []
      for (const redirect of REDIRECTS) {
        status = redirect
        for (const stream of [false, true]) {
          const response = await post(hub, '/v1/chat/completions', key, {
            model: `${type}-chat`,
            stream,
            messages: [{ role: 'user', content: 'a secret prompt' }],
          })
          const text = await response.text()
          ids.push(response.headers.get('x-request-id')!)
          expect({ type, status, stream, answer: response.status }).toEqual({ type, status, stream, answer: 502 })
          const error = (JSON.parse(text) as { error: { code: string; type: string; message: string } }).error
          expect(error.code).toBe('upstream_error')
          expect(error.type).toBe('upstream_error')
          expect(error.message).toContain(`Upstream provider '${type}' answered ${status} redirect to ${second.url}/`)
          expect(error.message).toContain('redirects are not followed')
        }
      }
      // The provider key did reach the configured upstream, and only it.
      expect(first.seen).toHaveLength(REDIRECTS.length * 2)
      expect(JSON.stringify(first.seen)).toContain(UPSTREAM_KEYS[type])
      expect(second.seen).toEqual([])

      // Each row is written once its hold resolved: after that, nothing may have been charged.
      for (const id of ids) expect(await logRow(hub, id)).toMatchObject({ status: 502, error_code: 'upstream_error', cost_micros: 0 })
      const balance = (await (
        await fetch(`${hub.url}/v1/account/balance`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as Record<string, string>
      expect(balance).toMatchObject({ balance_usd: '10.0000', held_usd: '0.0000', available_usd: '10.0000' })
      const ledger = (await (await hub.admin('GET', `/admin/accounts/${accountId}/ledger`)).json()) as { data: Array<{ type: string }> }
      expect(ledger.data.map((entry) => entry.type)).toEqual(['topup'])
    },
  )
})
