// The Usage page's numbers: per-day series stacked by model, key or account, and tables with totals, from the aggregate.
import { DAY_MS } from '../clock'
import type { UsageGroupBy, UsageStore, UsageSums } from '../store/usage-daily'
import { addCounts, emptyCounts, type UsageCounts } from './aggregate'

export type UsageMetric = 'cost' | 'requests' | 'tokens'

export interface UsageQuery {
  /** One account; undefined = every account (admins only). */
  accountId?: string
  /** First and last UTC day of the range (day starts, ms), both included. */
  fromDay: number
  toDay: number
  by: UsageGroupBy
  metric: UsageMetric
}

/** One row of a usage table: a group's sums over the whole range. */
export type UsageTotals = Omit<UsageSums, 'day'>

export interface UsageSeries {
  group: string
  label: string
  /** One value per day of the range, in the chosen metric. */
  values: number[]
}

export interface UsageReport {
  days: number[]
  metric: UsageMetric
  by: UsageGroupBy
  /** The chart's stacks, largest first; past `MAX_STACKS` the rest are summed as "other". */
  series: UsageSeries[]
  /** The chosen grouping's sums per day (the daily CSV). */
  daily: UsageSums[]
  byModel: UsageTotals[]
  byKey: UsageTotals[]
  /** Admins' view across accounts only. */
  byAccount: UsageTotals[] | null
  total: UsageTotals
}

export const MAX_STACKS = 8
/** A range longer than this is refused: the chart has one bar per day. */
export const MAX_RANGE_DAYS = 366

export const metricOf = (sums: UsageCounts, metric: UsageMetric): number =>
  metric === 'cost' ? sums.costMicros : metric === 'requests' ? sums.requests : sums.promptTokens + sums.completionTokens

const emptyTotals = (group: string, label: string): UsageTotals => ({ group, label, ...emptyCounts() })

/** Per-group totals over the range, dearest first (then most requests, then by name). */
export function totalsOf(rows: readonly UsageSums[]): UsageTotals[] {
  const groups = new Map<string, UsageTotals>()
  for (const row of rows) {
    let t = groups.get(row.group)
    if (!t) {
      t = emptyTotals(row.group, row.label)
      groups.set(row.group, t)
    }
    addCounts(t, row)
  }
  return [...groups.values()].sort((a, b) => b.costMicros - a.costMicros || b.requests - a.requests || a.label.localeCompare(b.label))
}

/** The chart's stacks: the largest groups in the metric, the rest as one "other" stack. */
export function seriesOf(rows: readonly UsageSums[], days: readonly number[], metric: UsageMetric): UsageSeries[] {
  const index = new Map(days.map((d, i) => [d, i]))
  const byGroup = new Map<string, UsageSeries>()
  for (const row of rows) {
    let s = byGroup.get(row.group)
    if (!s) {
      s = { group: row.group, label: row.label, values: days.map(() => 0) }
      byGroup.set(row.group, s)
    }
    const i = index.get(row.day)
    if (i !== undefined) s.values[i]! += metricOf(row, metric)
  }
  const sum = (s: UsageSeries) => s.values.reduce((a, b) => a + b, 0)
  const ranked = [...byGroup.values()].filter((s) => sum(s) > 0).sort((a, b) => sum(b) - sum(a) || a.label.localeCompare(b.label))
  if (ranked.length <= MAX_STACKS) return ranked
  const kept = ranked.slice(0, MAX_STACKS - 1)
  const other: UsageSeries = { group: '\u0000other', label: `${ranked.length - kept.length} others`, values: days.map(() => 0) }
  for (const s of ranked.slice(MAX_STACKS - 1)) {
    s.values.forEach((v, i) => {
      other.values[i]! += v
    })
  }
  return [...kept, other]
}

export async function usageReport(store: UsageStore, q: UsageQuery): Promise<UsageReport> {
  const days = Array.from({ length: Math.round((q.toDay - q.fromDay) / DAY_MS) + 1 }, (_, i) => q.fromDay + i * DAY_MS)
  const filter = { accountId: q.accountId, fromDay: q.fromDay, toDay: q.toDay + DAY_MS }
  const [models, keys, accounts] = await Promise.all([
    store.byDay(filter, 'model'),
    store.byDay(filter, 'key'),
    q.accountId === undefined ? store.byDay(filter, 'account') : Promise.resolve(null),
  ])
  const chosen = q.by === 'model' ? models : q.by === 'key' ? keys : (accounts ?? models)
  const total = emptyTotals('', 'Total')
  for (const row of models) addCounts(total, row)
  return {
    days,
    metric: q.metric,
    by: q.by,
    series: seriesOf(chosen, days, q.metric),
    daily: chosen,
    byModel: totalsOf(models),
    byKey: totalsOf(keys),
    byAccount: accounts ? totalsOf(accounts) : null,
    total,
  }
}
