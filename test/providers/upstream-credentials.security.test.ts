// An upstream that echoes token-hub's provider key in its error text: neither the client nor the log ever sees it.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { logRow, post, startHub, type TestHub } from '../helpers'
import { serveEvil, type EvilUpstream, type SeenRequest } from '../support/evil-upstream'
import { mockProviders, PROVIDER_TYPES, UPSTREAM_KEYS } from '../support/mock-http'

/** A key of another deployment the upstream also leaks: caught by its shape, not by configuration. */
const FOREIGN_KEY = 'sk-proj-Zx81kLq0mNw2Vb7cT5yR'
const FOREIGN_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0b2tlbi1odWIifQ.c2lnbmF0dXJl'
/** The provider's reason, which must survive the redaction. */
const REASON = 'Incorrect API key provided'

let evil: EvilUpstream
let hub: TestHub
let key: string

const price = { input_usd_per_mtok: 1, output_usd_per_mtok: 2, context_window: 200000, max_output_tokens: 4096 }

beforeAll(async () => {
  evil = serveEvil()
  // `<type>-leaky` falls back to `<type>-leaky-again` (same upstream): two attempts, both recorded in the log row.
  const models = PROVIDER_TYPES.flatMap((type) => [
    { id: `${type}-leaky`, provider: type, upstream_model: `mock-${type}`, fallbacks: [`${type}-leaky-again`], ...price },
    { id: `${type}-leaky-again`, provider: type, upstream_model: `mock-${type}`, ...price },
  ])
  hub = await startHub({
    config: { providers: mockProviders(evil.url), models, limits: { key_rpm: 1_000_000, account_rpm: 1_000_000 } },
  })
  ;({ key } = await hub.account({ balanceUsd: '10.00' }))
})
afterAll(async () => {
  await hub.close()
  evil.stop()
})
beforeEach(() => evil.reset())

/** Everything secret the upstream could echo: the configured key, raw and as each provider sends it. */
function leakOf(seen: SeenRequest): string {
  const header = seen.headers.authorization ?? seen.headers['x-api-key'] ?? seen.headers['x-goog-api-key'] ?? ''
  const raw = header.replace(/^Bearer /, '')
  return (
    `${REASON}: ${raw}. Received headers: authorization: ${seen.headers.authorization ?? `Bearer ${raw}`}, ` +
    `x-api-key: ${raw}, "x-goog-api-key": "${raw}"; also seen ${FOREIGN_KEY} and Bearer ${FOREIGN_TOKEN}`
  )
}

const SECRETS = [...Object.values(UPSTREAM_KEYS), FOREIGN_KEY, FOREIGN_TOKEN]

function expectClean(what: string, text: string) {
  for (const secret of SECRETS) expect({ what, leaks: text.includes(secret) }).toEqual({ what, leaks: false })
}

const chat = (model: string, stream = false) =>
  post(hub, '/v1/chat/completions', key, { model, stream, messages: [{ role: 'user', content: 'hello' }] })

describe('credentials echoed by an upstream are redacted', () => {
  const STATUSES = [
    { upstream: 401, client: 502, fallsBack: true },
    { upstream: 500, client: 502, fallsBack: true },
    { upstream: 400, client: 400, fallsBack: false },
    { upstream: 429, client: 429, fallsBack: false },
  ]

  test.each(PROVIDER_TYPES)('%s: error bodies echoing the key reach neither the client answer nor the log row', async (type) => {
    for (const { upstream, client, fallsBack } of STATUSES) {
      evil.reset()
      evil.handle((_request, seen) =>
        Response.json({ error: { message: leakOf(seen), type: 'invalid_request_error' } }, { status: upstream }),
      )
      const response = await chat(`${type}-leaky`)
      const text = await response.text()
      expect({ type, upstream, status: response.status }).toEqual({ type, upstream, status: client })
      // The upstream did get the key and echoed it: this is what must not come back.
      expect(evil.seen.length).toBe(fallsBack ? 2 : 1)
      expectClean(`${type} ${upstream} answer`, text)
      expect(text).toContain(REASON)

      const row = await logRow(hub, response.headers.get('x-request-id')!)
      if (fallsBack) expect((row.attempts as unknown[]).length).toBe(2)
      expectClean(`${type} ${upstream} log row`, JSON.stringify(row))
    }
  })

  test.each(PROVIDER_TYPES)('%s: a redirect whose Location carries the key, and a stream that fails echoing it', async (type) => {
    evil.handle((_request, seen) => {
      const raw = (seen.headers.authorization ?? seen.headers['x-api-key'] ?? seen.headers['x-goog-api-key'] ?? '').replace(/^Bearer /, '')
      return new Response(null, { status: 302, headers: { location: `http://127.0.0.1:9/login?key=${raw}&api_key=${raw}` } })
    })
    const redirected = await chat(`${type}-leaky`)
    const redirectText = await redirected.text()
    expect(redirected.status).toBe(502)
    expect(redirectText).toContain('redirects are not followed')
    expectClean(`${type} redirect answer`, redirectText)
    expectClean(`${type} redirect log row`, JSON.stringify(await logRow(hub, redirected.headers.get('x-request-id')!)))

    // A 200 stream whose first event is an error echoing the key: a plain 502, both attempts logged.
    evil.handle((_request, seen) => {
      const message = JSON.stringify(leakOf(seen))
      const event =
        type === 'anthropic'
          ? `event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": ${message}}}\n\n`
          : `data: {"error": {"code": 500, "message": ${message}}}\n\n`
      return new Response(event, { headers: { 'content-type': 'text/event-stream' } })
    })
    const streamed = await chat(`${type}-leaky`, true)
    const streamText = await streamed.text()
    expect(streamed.status).toBe(502)
    expect(streamText).toContain(REASON)
    expectClean(`${type} stream answer`, streamText)
    const row = await logRow(hub, streamed.headers.get('x-request-id')!)
    expect((row.attempts as unknown[]).length).toBe(2)
    expectClean(`${type} stream log row`, JSON.stringify(row))
  })
})
