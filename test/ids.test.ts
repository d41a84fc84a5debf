// Request ids: the documented shape, unique, and in time order (the log's index relies on it).
import { expect, test } from 'bun:test'
import { newRequestId } from '../src/ids'

test('request ids are req_ + 24 base62 characters, unique, and sort in time order', () => {
  const times = [0, 1, 61, 62, 3_843, 1_700_000_000_000, 1_700_000_000_001, Date.UTC(2081, 0, 1)]
  const ids = times.map((t) => newRequestId(t))
  for (const id of ids) expect(id).toMatch(/^req_[0-9A-Za-z]{24}$/)
  expect([...ids].sort()).toEqual(ids)
  const same = Array.from({ length: 1_000 }, () => newRequestId(1_700_000_000_000))
  expect(new Set(same).size).toBe(1_000)
  expect(newRequestId() > newRequestId(Date.now() - 1_000)).toBe(true)
})
