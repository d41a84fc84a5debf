// Limits through the server: the account window across keys, per-key overrides, the tighter window in headers.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ManualClock } from '../../../src/clock'
import { chatBody, post, startHub, type TestHub } from '../../helpers'

let hub: TestHub
const clock = new ManualClock()

beforeAll(async () => {
  hub = await startHub({ config: { limits: { key_rpm: 4, account_rpm: 6 } }, deps: { clock } })
})
afterAll(() => hub.close())

const limitHeaders = (r: Response) => ({
  limit: r.headers.get('x-ratelimit-limit'),
  remaining: r.headers.get('x-ratelimit-remaining'),
  reset: r.headers.get('x-ratelimit-reset'),
})

describe('limits through the server', () => {
  test('the account window holds across its keys; a refusal by the account takes no key slot', async () => {
    const { key: a, accountId } = await hub.account()
    const { key: b } = await hub.mintKey(accountId)
    const { key: c } = await hub.mintKey(accountId)
    const statuses: number[] = []
    for (const key of [a, b, c, a, b, c, a, b]) statuses.push((await post(hub, '/v1/chat/completions', key, chatBody())).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429])

    const calls = hub.mock.stats.calls
    const refused = await post(hub, '/v1/chat/completions', c, chatBody())
    expect(refused.status).toBe(429)
    expect(((await refused.json()) as { error: { code: string; type: string } }).error).toMatchObject({
      code: 'account_rpm_exceeded',
      type: 'rate_limit_exceeded',
    })
    expect(refused.headers.get('retry-after')).toBe('60')
    expect(limitHeaders(refused)).toEqual({ limit: '6', remaining: '0', reset: '60' })
    expect(hub.mock.stats.calls).toBe(calls)

    // Another account is not affected.
    const { key: other } = await hub.account()
    expect((await post(hub, '/v1/chat/completions', other, chatBody())).status).toBe(200)
    // Key a holds 2 of its 4 slots: the refusals above took none.
    clock.advance(60_000)
    for (let i = 0; i < 4; i++) expect((await post(hub, '/v1/chat/completions', a, chatBody())).status).toBe(200)
    expect(((await (await post(hub, '/v1/chat/completions', a, chatBody())).json()) as { error: { code: string } }).error.code).toBe(
      'key_rpm_exceeded',
    )
  })

  test('a per-key rpm overrides limits.key_rpm, and the headers name the tighter window', async () => {
    const { key, accountId } = await hub.account({ key: { rpm: 100 } })
    // Key allows 100, account 6: the account is the tighter window.
    const first = await post(hub, '/v1/chat/completions', key, chatBody())
    expect(limitHeaders(first)).toEqual({ limit: '6', remaining: '5', reset: '60' })
    const { key: slow } = await hub.mintKey(accountId, { rpm: 1 })
    const one = await post(hub, '/v1/chat/completions', slow, chatBody())
    expect(limitHeaders(one)).toEqual({ limit: '1', remaining: '0', reset: '60' })
    const view = (await (await fetch(`${hub.url}/v1/key`, { headers: { authorization: `Bearer ${slow}` } })).json()) as { rpm: number }
    expect(view.rpm).toBe(1)
    const second = await post(hub, '/v1/chat/completions', slow, chatBody())
    expect(second.status).toBe(429)
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('key_rpm_exceeded')
  })

  test('every answer to an authenticated key carries the headers, errors included', async () => {
    const { key } = await hub.account({ plan: 'free' })
    const answers = [
      await post(hub, '/v1/chat/completions', key, chatBody('hi', { model: 'gpt-4o' })), // 403
      await post(hub, '/v1/chat/completions', key, chatBody('hi', { model: 'nope' })), // 404
      await post(hub, '/v1/chat/completions', key, '{not json'), // 400
      await post(hub, '/v1/chat/completions', key, chatBody('hi', { stream: true })), // 200 stream
    ]
    expect(answers.map((r) => r.status)).toEqual([403, 404, 400, 200])
    for (const answer of answers) {
      expect(answer.headers.get('x-ratelimit-limit')).toBe('4')
      await answer.arrayBuffer()
    }
    expect(answers.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['3', '2', '1', '0'])
  })
})
