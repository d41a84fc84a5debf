// Error answers: exact contract shapes, X-Request-Id everywhere, and no upstream call when refused.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chatBody, post, startHub, type TestHub } from '../helpers'

let hub: TestHub
let key: string

beforeAll(async () => {
  hub = await startHub({ config: { server: { max_body_bytes: 4096 } } })
  ;({ key } = await hub.account({ plan: 'free' }))
})
afterAll(() => hub.close())

async function expectError(response: Response, status: number, type: string, code: string) {
  expect(response.status).toBe(status)
  expect(response.headers.get('x-request-id')).toMatch(/^req_/)
  expect(response.headers.get('content-type')).toContain('application/json')
  const body = (await response.json()) as { error: { type: string; code: string; message: string; param: string | null } }
  expect(body.error.type).toBe(type)
  expect(body.error.code).toBe(code)
  expect(body.error.message.length).toBeGreaterThan(10)
  expect(body.error).toHaveProperty('param')
  return body.error
}

describe('contract error rows', () => {
  test('400 invalid_json for a body that is not JSON, before any upstream call', async () => {
    const calls = hub.mock.stats.calls
    await expectError(await post(hub, '/v1/chat/completions', key, '{"model": '), 400, 'invalid_request_error', 'invalid_json')
    expect(hub.mock.stats.calls).toBe(calls)
  })

  test('400 invalid_body names the failing field in param', async () => {
    const error = await expectError(
      await post(hub, '/v1/chat/completions', key, { model: 'gpt-4o-mini', messages: [{ role: 'wizard', content: 'hi' }] }),
      400,
      'invalid_request_error',
      'invalid_body',
    )
    expect(error.param).toBe('messages[0].role')
    const missing = await expectError(
      await post(hub, '/v1/chat/completions', key, { model: 'gpt-4o-mini' }),
      400,
      'invalid_request_error',
      'invalid_body',
    )
    expect(missing.param).toBe('messages')
    expect(missing.message).toContain("'messages'")
  })

  test('413 body_too_large above server.max_body_bytes', async () => {
    const calls = hub.mock.stats.calls
    await expectError(
      await post(hub, '/v1/chat/completions', key, chatBody('x'.repeat(5000))),
      413,
      'invalid_request_error',
      'body_too_large',
    )
    expect(hub.mock.stats.calls).toBe(calls)
  })

  test('404 model_not_found lists only the models this key may call', async () => {
    const error = await expectError(
      await post(hub, '/v1/chat/completions', key, chatBody('hi', { model: 'gpt-x' })),
      404,
      'not_found_error',
      'model_not_found',
    )
    expect(error.message).toBe("No provider for model 'gpt-x'. Available: gpt-4o-mini")
  })

  test('403 model_not_allowed outside the plan', async () => {
    const calls = hub.mock.stats.calls
    await expectError(
      await post(hub, '/v1/chat/completions', key, chatBody('hi', { model: 'gpt-4o' })),
      403,
      'permission_denied',
      'model_not_allowed',
    )
    expect(hub.mock.stats.calls).toBe(calls)
  })

  test('404 route_not_found for unknown paths, with a request id', async () => {
    const response = await fetch(`${hub.url}/v1/nothing-here`)
    await expectError(response, 404, 'not_found_error', 'route_not_found')
    const other = await fetch(`${hub.url}/definitely/not`)
    expect(other.status).toBe(404)
    expect(other.headers.get('x-request-id')).toMatch(/^req_/)
  })

  test('an incoming X-Request-Id is not trusted', async () => {
    const response = await post(hub, '/v1/chat/completions', key, chatBody(), { 'x-request-id': 'req_forged' })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).not.toBe('req_forged')
  })

  test('401 missing_api_key and invalid_api_key', async () => {
    await expectError(await post(hub, '/v1/chat/completions', null, chatBody()), 401, 'authentication_error', 'missing_api_key')
    await expectError(
      await post(hub, '/v1/chat/completions', null, chatBody(), { authorization: 'Basic abc' }),
      401,
      'authentication_error',
      'missing_api_key',
    )
    await expectError(
      await post(hub, '/v1/chat/completions', `sk-th_${'x'.repeat(40)}`, chatBody()),
      401,
      'authentication_error',
      'invalid_api_key',
    )
  })

  test('upstream faults map to their rows and are never billed', async () => {
    const { key: richKey, accountId } = await hub.account({ balanceUsd: '5.00' })
    const balance = async () =>
      ((await (await hub.admin('GET', `/admin/accounts/${accountId}`)).json()) as { balance_usd: string }).balance_usd
    const before = await balance()
    const cases: Array<[string, number, string]> = [
      ['broken-500', 502, 'upstream_error'],
      ['broken-malformed', 502, 'upstream_error'],
      ['broken-429', 429, 'upstream_rate_limited'],
    ]
    for (const [model, status, code] of cases) {
      const response = await post(hub, '/v1/chat/completions', richKey, chatBody('hi', { model }))
      const error = await expectError(response, status, status === 429 ? 'rate_limit_exceeded' : 'upstream_error', code)
      expect(error.message).toContain("'mock'")
      if (status === 429) expect(response.headers.get('retry-after')).toBe('7')
    }
    const passthrough = await post(hub, '/v1/chat/completions', richKey, chatBody('hi', { model: 'broken-400' }))
    expect(passthrough.status).toBe(400)
    const body = (await passthrough.json()) as { error: { message: string } }
    expect(body.error.message).toContain('content policy')
    expect(await balance()).toBe(before)
  })

  test('healthz answers without auth', async () => {
    const response = await fetch(`${hub.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok' })
  })
})
