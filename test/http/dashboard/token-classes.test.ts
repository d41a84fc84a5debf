// The request page and Activity show tokens per class and the exact cost of each.
import { expect, test } from 'bun:test'
import { activityBody, lookupBody } from '../../../src/http/dashboard/pages/activity'
import type { RequestLogRowWithKey } from '../../../src/store/request-log'

const row: RequestLogRowWithKey = {
  requestId: 'req_0000000abcdefghijklmnopq',
  ts: Date.UTC(2026, 11, 1),
  accountId: 'acct_1',
  keyId: 'key_1',
  keyName: 'agent',
  keyPrefix: 'sk-th_ab',
  route: '/v1/messages',
  model: 'claude-sonnet-4-5',
  provider: 'anthropic',
  status: 200,
  errorCode: null,
  promptTokens: 100_000,
  completionTokens: 2_000,
  cacheReadTokens: 90_000,
  cacheWriteTokens: 10_000,
  cacheWrite1hTokens: 0,
  reasoningTokens: 500,
  costMicros: 94_500,
  costBreakdown: {
    input: 0,
    cacheRead: 27_000_000_000,
    cacheWrite: 37_500_000_000,
    cacheWrite1h: 0,
    output: 30_000_000_000,
    totalPicos: 94_500_000_000,
    tierAbove: null,
  },
  latencyMs: 1200,
  ttfbMs: null,
  stream: false,
  clientIp: '127.0.0.1',
  attempts: null,
}

test('the request page lists every class with its tokens and exact cost', () => {
  const page = lookupBody(row.requestId, row, 7).toString()
  const table = page.slice(page.indexOf('data-testid="token-classes"'))
  expect(table).toContain('<td>Cache read</td><td class="num">90000</td><td class="num">$0.027000000000</td>')
  expect(table).toContain('<td>Cache write, 5 min</td><td class="num">10000</td><td class="num">$0.037500000000</td>')
  expect(table).toContain('<td>Input (uncached)</td><td class="num">0</td>')
  expect(table).toContain('of which reasoning</td><td class="num">500</td>')
  expect(table).toContain('$0.094500000000')
})

test('Activity shows a row’s cache reads and writes under its tokens', () => {
  const page = activityBody(
    [row],
    null,
    { key: '', model: '', status: '', from: '', to: '', route: '', calls: '' },
    [],
    [],
    false,
  ).toString()
  expect(page).toContain('cache 90000 read · 10000 written')
})
