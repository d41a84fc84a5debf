// A request's log row with plain values, for tests of the log's retention.
import type { RequestLogRow } from '../../src/store/request-log'

export function logRow(requestId: string, ts: number, over: Partial<RequestLogRow> = {}): RequestLogRow {
  return {
    requestId,
    ts,
    accountId: 'acct_a',
    keyId: 'key_a',
    route: '/v1/chat/completions',
    model: 'gpt-4o-mini',
    provider: 'mock',
    status: 200,
    errorCode: null,
    promptTokens: 10,
    completionTokens: 20,
    costMicros: 15,
    latencyMs: 12.5,
    ttfbMs: null,
    stream: false,
    clientIp: '127.0.0.1',
    attempts: null,
    ...over,
  }
}
