// One key-limits validator for minting and editing: absent = unchanged, null = no limit, bad values refused by name.
import { expect, test } from 'bun:test'
import { keyLimitsPatch } from '../../src/accounts/key-limits'
import type { Catalog } from '../../src/catalog/catalog'
import { DAY_MS } from '../../src/clock'
import { GatewayError } from '../../src/errors'

const known = (id: string) => (id === 'gpt-4o-mini' ? {} : undefined)
const catalog = { get: known, resolve: known, hasPattern: () => false } as unknown as Catalog
const refused = (body: Parameters<typeof keyLimitsPatch>[0]) => {
  try {
    keyLimitsPatch(body, catalog, 0)
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError)
    return { code: (error as GatewayError).code, param: (error as GatewayError).param }
  }
  throw new Error('accepted')
}

test('absent fields are left out of the patch; null clears each limit', () => {
  expect(keyLimitsPatch({}, catalog, 0)).toEqual({})
  expect(keyLimitsPatch({ models: null, ip_allowlist: null, rpm: null, budget_usd: null, expires_in_days: null }, catalog, 0)).toEqual({
    models: null,
    ipAllowlist: null,
    rpm: null,
    budgetMicros: null,
    expiresAt: null,
  })
})

test('values are converted: USD to micro-USD, days to an expiry time, an empty IP list to none', () => {
  expect(
    keyLimitsPatch(
      { models: ['gpt-4o-mini', '*'], ip_allowlist: [], rpm: 5, budget_usd: '2.50', budget_window_days: 7, expires_in_days: 2 },
      catalog,
      1000,
    ),
  ).toEqual({
    models: ['gpt-4o-mini', '*'],
    ipAllowlist: null,
    rpm: 5,
    budgetMicros: 2_500_000,
    budgetWindowDays: 7,
    expiresAt: 1000 + 2 * DAY_MS,
  })
})

test('bad values are refused with the field named', () => {
  expect(refused({ models: ['gpt-4o-mini', 'nope'] })).toEqual({ code: 'invalid_body', param: 'models[1]' })
  expect(refused({ ip_allowlist: ['10.0.0.0/8', '10.0.0.0/40'] })).toEqual({ code: 'invalid_body', param: 'ip_allowlist[1]' })
  expect(refused({ budget_usd: '0' })).toEqual({ code: 'invalid_body', param: 'budget_usd' })
  // A string the USD parser rejects is an error, never a silently cleared budget.
  expect(refused({ budget_usd: 'abc' })).toEqual({ code: 'invalid_body', param: 'budget_usd' })
})
