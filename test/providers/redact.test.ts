// The one redaction of upstream text: configured secrets and key-shaped values go, the provider's reason stays.
import { describe, expect, test } from 'bun:test'
import { GatewayError } from '../../src/errors'
import { credentialRedactor, REDACTED, redactError } from '../../src/providers/redact'

const CONFIGURED = ['AIza-configured-gemini-key', 'plain-configured-secret', 'short']
const redact = credentialRedactor(CONFIGURED)

const CASES: Array<[string, string]> = [
  ['Incorrect API key provided: plain-configured-secret.', `Incorrect API key provided: ${REDACTED}.`],
  ['key AIza-configured-gemini-key is invalid', `key ${REDACTED} is invalid`],
  ['sent Authorization: Bearer abc.def.ghi-jkl', `sent Authorization: Bearer ${REDACTED}`],
  ['"authorization": "Bearer tok_1234567"', `"authorization": "Bearer ${REDACTED}"`],
  ['authorization=opaque123456', `authorization=${REDACTED}`],
  ['Basic dXNlcjpwYXNz', `Basic ${REDACTED}`],
  ['x-api-key: abcdef0123456789 was refused', `x-api-key: ${REDACTED} was refused`],
  ['{"x-goog-api-key": "whatever-value"}', `{"x-goog-api-key": "${REDACTED}"}`],
  ['api_key=hunter22&model=x', `api_key=${REDACTED}&model=x`],
  ['GET /v1beta/models?key=AIzaSyA1234567890abcdefghijklmnopqrstuv', `GET /v1beta/models?key=${REDACTED}`],
  ['leaked AIzaSyA1234567890abcdefghijklmnopqrstuv here', `leaked ${REDACTED} here`],
  ['OpenAI key sk-proj-Zx81kLq0mNw2Vb7cT5yR, Anthropic sk-ant-api03-abc_DEF-123', `OpenAI key ${REDACTED}, Anthropic ${REDACTED}`],
  ["token-hub's own sk-th_0123456789abcdefghijklmnopqrstuvwxyz", `token-hub's own ${REDACTED}`],
  ['client_secret: s3cr3t-v4lue', `client_secret: ${REDACTED}`],
  // The reason survives: nothing key-shaped, nothing changed.
  ['Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', ''],
  ['max_tokens: 100 is above the model limit; the token count is 5', ''],
  ['Token count exceeded. Basic authentication is not supported', ''],
  ['Token ghp_16C7e42F292c6912E7710c838347Ae178B4a', `Token ${REDACTED}`],
  ['mock: the request was rejected by the content policy', ''],
  // A configured value too short to be a secret is not hunted (it would garble words).
  ['a short answer', ''],
  // Already masked by the provider: left as it is.
  ['Incorrect API key provided: sk-proj-****************abcd.', ''],
]

describe('credentialRedactor', () => {
  test.each(CASES)('%s', (input, expected) => {
    expect(redact(input)).toBe(expected === '' ? input : expected)
  })

  test('a configured key containing another is removed whole, not in part', () => {
    const nested = credentialRedactor(['configured-key-1', 'configured-key-1-longer'])
    expect(nested('saw configured-key-1-longer and configured-key-1')).toBe(`saw ${REDACTED} and ${REDACTED}`)
  })
})

describe('redactError', () => {
  test('keeps code, status, type and param; redacts the message, a passthrough type and headers', () => {
    const passthrough = new GatewayError('upstream_passthrough', 'rejected: x-api-key: abcdef0123456789', {
      status: 422,
      type: 'invalid_key_plain-configured-secret',
      headers: { 'retry-after': '7' },
    })
    const clean = redactError(passthrough, redact)
    expect({ code: clean.code, status: clean.status, type: clean.type, message: clean.message, headers: clean.headers }).toEqual({
      code: 'upstream_passthrough',
      status: 422,
      type: `invalid_key_${REDACTED}`,
      message: `rejected: x-api-key: ${REDACTED}`,
      headers: { 'retry-after': '7' },
    })
    const limited = redactError(new GatewayError('upstream_rate_limited', 'slow down', { headers: { 'retry-after': '3' } }), redact)
    expect({ status: limited.status, type: limited.type, headers: limited.headers }).toEqual({
      status: 429,
      type: 'rate_limit_exceeded',
      headers: { 'retry-after': '3' },
    })
  })
})
