// Server-Timing: the gateway's own time before and after the upstream, right for streams, on an injected timer.
import { afterAll, afterEach, beforeAll, expect, test } from 'bun:test'
import { ManualClock } from '../../../src/clock'
import { chatBody, logRow, post, startHub, type TestHub } from '../../helpers'
import { paceUpstream } from '../../support/paced-upstream'

// The hub's durations are read from `time`, which only the paced upstream moves: the gateway's own
// work takes no time on it, so every figure is exact and none depends on the machine's speed.
const time = new ManualClock(0)
let hub: TestHub
let plainHub: TestHub
let key: string
let plainKey: string
let restore: (() => void) | null = null

beforeAll(async () => {
  hub = await startHub({ deps: { timer: () => time.now() } })
  ;({ key } = await hub.account({ balanceUsd: '5.00' }))
  plainHub = await startHub()
  ;({ key: plainKey } = await plainHub.account({ balanceUsd: '5.00' }))
})
afterEach(() => {
  restore?.()
  restore = null
})
afterAll(async () => {
  await hub.close()
  await plainHub.close()
})

/** `gateway-pre;dur=0.120, upstream;dur=150.2, gateway-post;dur=0.080` → durations by name. */
function timings(response: Response): Record<string, number> {
  const header = response.headers.get('server-timing') ?? ''
  return Object.fromEntries([...header.matchAll(/([\w-]+);dur=([\d.]+)/g)].map((m) => [m[1]!, Number(m[2])]))
}

test('non-streaming: the upstream wait is upstream, none of it the gateway own', async () => {
  restore = paceUpstream(hub.mock, { beforeAnswer: () => time.advance(150) })
  const response = await post(hub, '/v1/chat/completions', key, chatBody('time me'))
  expect(response.status).toBe(200)
  expect(response.headers.get('server-timing')).toBe('gateway-pre;dur=0.000, upstream;dur=150.000, gateway-post;dur=0.000')
  const row = await logRow(hub, response.headers.get('x-request-id')!)
  expect(row.latency_ms).toBe(150)
})

test('streaming: sent with the first byte; upstream is the time to the first chunk, not the whole stream', async () => {
  const held = Promise.withResolvers<void>()
  let chunks = 0
  restore = paceUpstream(hub.mock, {
    beforeAnswer: () => time.advance(20),
    beforeChunk: async (index) => {
      chunks++
      if (index === 0) return time.advance(130)
      // The rest of the stream waits until the client has the headers: they cannot have waited for it.
      if (index === 1) await held.promise
      time.advance(100)
    },
  })
  // Were the headers to wait for the whole stream, the gate opens late and `chunks` says so, rather than a hang.
  const giveUp = setTimeout(() => held.resolve(), 5_000)
  const started = time.now()
  const response = await post(hub, '/v1/chat/completions', key, chatBody('time my stream', { stream: true }))
  clearTimeout(giveUp)
  expect(chunks).toBe(2)
  expect(response.headers.get('server-timing')).toBe('gateway-pre;dur=0.000, upstream;dur=150.000, gateway-post;dur=0.000')
  held.resolve()
  const text = await response.text()
  expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)
  expect(chunks).toBeGreaterThan(2)
  // The whole stream took 100 more per chunk after the first on the same timer; the header did not count them.
  const whole = time.now() - started
  expect(whole).toBe(150 + 100 * (chunks - 1))
  const row = await logRow(hub, response.headers.get('x-request-id')!)
  expect(row.ttfb_ms).toBe(150)
  expect(row.latency_ms).toBe(whole)
})

test('slow first byte: the streamed upstream figure includes the wait for it', async () => {
  restore = paceUpstream(hub.mock, { beforeChunk: (index) => (index === 0 ? time.advance(150) : undefined) })
  const response = await post(hub, '/v1/chat/completions', key, chatBody('slow stream', { stream: true }))
  expect(response.headers.get('server-timing')).toBe('gateway-pre;dur=0.000, upstream;dur=150.000, gateway-post;dur=0.000')
  await response.text()
})

test('on the real timer: the three names, non-negative durations, within the request as the client saw it', async () => {
  for (const stream of [false, true]) {
    const started = performance.now()
    const response = await post(plainHub, '/v1/chat/completions', plainKey, chatBody('real time', { stream }))
    const headersAt = performance.now() - started
    expect(response.status).toBe(200)
    const t = timings(response)
    await response.text()
    expect(Object.keys(t).sort()).toEqual(['gateway-post', 'gateway-pre', 'upstream'])
    for (const ms of Object.values(t)) {
      expect(Number.isFinite(ms)).toBe(true)
      expect(ms).toBeGreaterThanOrEqual(0)
    }
    // Nested intervals, not a speed: the header was computed before the client had the headers.
    expect(t['gateway-pre']! + t.upstream! + t['gateway-post']!).toBeLessThanOrEqual(headersAt + 1)
  }
})
