// GET /metrics: Prometheus text with request counts, upstream latency, open holds and limiter rejections.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ManualClock } from '../../src/clock'
import { ADMIN_TOKEN, chatBody, logRow, post, startHub, TEST_MODELS, type TestHub } from '../helpers'
import { paceUpstream } from '../support/paced-upstream'

let hub: TestHub
let open: TestHub
// Upstream latency is read from this timer, which only the slow model's calls move (by 600 ms each).
const time = new ManualClock(0)
/** While set, calls to the slow model wait for it (a test holding a request in flight). */
let slowGate: Promise<void> | null = null

beforeAll(async () => {
  const models = [
    ...TEST_MODELS,
    { id: 'slow-model', provider: 'mock', upstream_model: 'mock-slow', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
  ]
  hub = await startHub({ config: { models }, deps: { timer: () => time.now() } })
  paceUpstream(hub.mock, {
    beforeAnswer: async ({ body }) => {
      if (body.model !== 'mock-slow') return
      await slowGate
      time.advance(600)
    },
  })
  open = await startHub({ config: { server: { metrics_public: true } } })
})
afterAll(async () => {
  await hub.close()
  await open.close()
})

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** Parses the exposition format strictly: every line is a HELP, a TYPE, or a sample of a declared family. */
function parseExposition(text: string): Sample[] {
  expect(text.endsWith('\n')).toBe(true)
  const types = new Map<string, string>()
  const helps = new Set<string>()
  const samples: Sample[] = []
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$/.exec(line)
    if (help) {
      helps.add(help[1]!)
      continue
    }
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type) {
      expect(helps.has(type[1]!)).toBe(true)
      types.set(type[1]!, type[2]!)
      continue
    }
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line)
    expect(sample, `not an exposition line: ${line}`).not.toBeNull()
    const name = sample![1]!
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '')
    expect(types.has(family), `sample ${name} has no # TYPE`).toBe(true)
    if (family !== name) expect(types.get(family)).toBe('histogram')
    const labels: Record<string, string> = {}
    for (const [, k, v] of (sample![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!
    samples.push({ name, labels, value: Number(sample![3]) })
  }
  return samples
}

const scrape = async (target = hub) => {
  const response = await fetch(`${target.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
  return parseExposition(await response.text())
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value

describe('GET /metrics', () => {
  test('needs the admin token unless server.metrics_public', async () => {
    expect((await fetch(`${hub.url}/metrics`)).status).toBe(401)
    expect((await fetch(`${hub.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401)
    const anonymous = await fetch(`${open.url}/metrics`)
    expect(anonymous.status).toBe(200)
    expect(await anonymous.text()).toContain('# TYPE token_hub_requests_total counter')
  })

  test('counts requests by route, model and status, and limiter rejections by scope', async () => {
    const { key } = await hub.account({ key: { rpm: 3 } })
    const ids: string[] = []
    const done = async (response: Response) => {
      await response.arrayBuffer()
      ids.push(response.headers.get('x-request-id')!)
    }
    const get = (path: string) => fetch(hub.url + path, { headers: { authorization: `Bearer ${key}` } })
    await done(await post(hub, '/v1/chat/completions', key, chatBody()))
    await done(await post(hub, '/v1/chat/completions', key, chatBody('streamed', { stream: true })))
    await done(await post(hub, '/v1/chat/completions', key, chatBody('x', { model: 'no-such-model' })))
    await done(await post(hub, '/v1/chat/completions', key, chatBody())) // 429: the 4th in a minute
    await done(await get('/v1/models/gpt-4o-mini'))
    await done(await get('/v1/models/gpt-4o'))
    await done(await get('/v1/no-such-route'))
    // Requests are counted when their row is finished, just after the answer has gone.
    for (const id of ids) await logRow(hub, id)
    const samples = await scrape()
    const requests = (labels: Record<string, string>) => value(samples, 'token_hub_requests_total', labels)
    expect(requests({ route: '/v1/chat/completions', model: 'gpt-4o-mini', status: '200' })).toBe(2)
    expect(requests({ route: '/v1/chat/completions', model: '', status: '404' })).toBe(1)
    expect(requests({ route: '/v1/chat/completions', model: '', status: '429' })).toBe(1)
    expect(requests({ route: '/v1/models/{id}', model: '', status: '200' })).toBe(2)
    expect(requests({ route: 'unmatched', status: '404' })).toBe(1)
    expect(samples.some((s) => s.labels.route?.includes('no-such-route') || s.labels.route === '/v1/models/gpt-4o')).toBe(false)
    expect(value(samples, 'token_hub_limiter_rejections_total', { scope: 'key' })).toBe(1)
    expect(value(samples, 'token_hub_limiter_rejections_total', { scope: 'account' })).toBe(0)
  })

  test('upstream latency is a cumulative histogram per provider', async () => {
    const { key } = await hub.account()
    const slow = await post(hub, '/v1/chat/completions', key, chatBody('slow one', { model: 'slow-model' }))
    await slow.arrayBuffer()
    await logRow(hub, slow.headers.get('x-request-id')!)
    const samples = await scrape()
    const buckets = samples.filter((s) => s.name === 'token_hub_upstream_latency_seconds_bucket' && s.labels.provider === 'mock')
    expect(buckets.length).toBeGreaterThan(5)
    expect(buckets.at(-1)!.labels.le).toBe('+Inf')
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value)
    const count = value(samples, 'token_hub_upstream_latency_seconds_count', { provider: 'mock' })!
    expect(buckets.at(-1)!.value).toBe(count)
    expect(count).toBeGreaterThanOrEqual(3)
    // The 600 ms call sits above the 0.5 s bucket, within the 1 s one; the others (no time on the timer) in the first.
    expect(value(samples, 'token_hub_upstream_latency_seconds_bucket', { provider: 'mock', le: '0.005' })).toBe(count - 1)
    expect(value(samples, 'token_hub_upstream_latency_seconds_bucket', { provider: 'mock', le: '0.5' })).toBe(count - 1)
    expect(value(samples, 'token_hub_upstream_latency_seconds_bucket', { provider: 'mock', le: '1' })).toBe(count)
    expect(value(samples, 'token_hub_upstream_latency_seconds_sum', { provider: 'mock' })).toBe(0.6)
  })

  test('open holds are read at scrape time', async () => {
    const { key } = await hub.account()
    expect(value(await scrape(), 'token_hub_open_holds')).toBe(0)
    const gate = Promise.withResolvers<void>()
    slowGate = gate.promise
    const slow = post(hub, '/v1/chat/completions', key, chatBody('hold me', { model: 'slow-model' }))
    // The hold is placed before the upstream call, which waits at the gate until the scrape has seen it
    // (polled, with a bound only so that a missing hold fails rather than hangs).
    let holds = 0
    for (let i = 0; i < 500 && holds === 0; i++) {
      await Bun.sleep(10)
      holds = value(await scrape(), 'token_hub_open_holds')!
    }
    expect(holds).toBe(1)
    slowGate = null
    gate.resolve()
    await (await slow).arrayBuffer()
    expect(value(await scrape(), 'token_hub_open_holds')).toBe(0)
    expect(value(await scrape(), 'token_hub_limiter_windows')).toBeGreaterThan(0)
  })
})
