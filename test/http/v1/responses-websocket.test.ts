// GET /v1/responses (a WebSocket attempt, as Codex makes first) answers 426 in OpenAI's error shape: use HTTP.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { startHub, type TestHub } from '../../helpers'

let hub: TestHub
beforeAll(async () => {
  hub = await startHub()
})
afterAll(() => hub.close())

test('a WebSocket upgrade on /v1/responses is told to use HTTP (426), with or without a key', async () => {
  const { key } = await hub.account()
  for (const authorization of [`Bearer ${key}`, null]) {
    const response = await fetch(`${hub.url}/v1/responses`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...(authorization ? { authorization } : {}),
      },
    })
    expect(response.status).toBe(426)
    expect(response.headers.get('x-request-id')).toBeTruthy()
    expect(await response.json()).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'websocket_unsupported',
        message: 'token-hub serves the Responses API over HTTP only: POST /v1/responses.',
        param: null,
      },
    })
  }
})
