// The Usage report's arithmetic and its CSV: stacks past the eighth become "others", totals, formula-safe cells.
import { expect, test } from 'bun:test'
import { csvLine } from '../../src/usage/csv'
import { MAX_STACKS, seriesOf, totalsOf } from '../../src/usage/report'
import type { UsageSums } from '../../src/store/usage-daily'

const DAY = 86_400_000
const sums = (day: number, group: string, costMicros: number, requests = 1): UsageSums => ({
  day,
  group,
  label: group,
  requests,
  costMicros,
  promptTokens: 10 * requests,
  completionTokens: 5 * requests,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: 0,
})

test('stacks: one value per day of the range, largest first, the rest summed as others', () => {
  const days = [0, DAY, 2 * DAY]
  const rows = Array.from({ length: 11 }, (_, i) => sums(i % 3 === 0 ? 0 : DAY, `m${i}`, (i + 1) * 100))
  const series = seriesOf(rows, days, 'cost')
  expect(series).toHaveLength(MAX_STACKS)
  expect(series[0]!.group).toBe('m10')
  const other = series.at(-1)!
  expect(other.label).toBe('4 others')
  // Nothing is lost: every stack together is the whole.
  const whole = rows.reduce((a, r) => a + r.costMicros, 0)
  expect(series.reduce((a, s) => a + s.values.reduce((x, y) => x + y, 0), 0)).toBe(whole)
  expect(series.every((s) => s.values.length === 3 && s.values[2] === 0)).toBe(true)
  // Requests and tokens are metrics of their own; groups with nothing in the metric have no stack.
  expect(seriesOf([sums(0, 'a', 0, 3)], days, 'requests')[0]!.values).toEqual([3, 0, 0])
  expect(seriesOf([sums(0, 'a', 0, 3)], days, 'tokens')[0]!.values).toEqual([45, 0, 0])
  expect(seriesOf([sums(0, 'a', 0, 3)], days, 'cost')).toEqual([])
})

test('totals per group over the range, dearest first', () => {
  const totals = totalsOf([sums(0, 'a', 5), sums(DAY, 'b', 50), sums(DAY, 'a', 10, 2)])
  expect(totals.map((t) => [t.group, t.costMicros, t.requests, t.promptTokens])).toEqual([
    ['b', 50, 1, 10],
    ['a', 15, 3, 30],
  ])
})

test('CSV cells are quoted as RFC 4180 says and never run as a spreadsheet formula', () => {
  expect(csvLine(['plain', 3, null, 'a,b', 'say "hi"', 'two\nlines'])).toBe('plain,3,,"a,b","say ""hi""","two\nlines"')
  expect(csvLine(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)'])).toBe(`"'=HYPERLINK(""x"")",'+1,'-2,'@SUM(A1)`)
})
