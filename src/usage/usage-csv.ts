// The Usage page's tables and daily sums as CSV (amounts in USD with 6 decimals, as the ledger keeps them).
import { formatUsdExact } from '../money/usd'
import type { UsageSums } from '../store/usage-daily'
import { csvText } from './csv'
import type { UsageReport, UsageTotals } from './report'

const SUM_HEADER = [
  'requests',
  'cost_usd',
  'prompt_tokens',
  'completion_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'reasoning_tokens',
]
const sums = (t: UsageTotals) => [
  t.requests,
  formatUsdExact(t.costMicros),
  t.promptTokens,
  t.completionTokens,
  t.cacheReadTokens,
  t.cacheWriteTokens,
  t.cacheWrite1hTokens,
  t.reasoningTokens,
]

export type UsageCsvTable = 'model' | 'key' | 'account' | 'daily'

/** One table of the report with a total line, or the daily sums of its grouping. */
export function usageCsv(report: UsageReport, table: UsageCsvTable): string {
  if (table === 'daily') {
    return csvText(
      ['day', report.by, `${report.by}_label`, ...SUM_HEADER],
      report.daily.map((d: UsageSums) => [new Date(d.day).toISOString().slice(0, 10), d.group, d.label, ...sums(d)]),
    )
  }
  const rows = table === 'model' ? report.byModel : table === 'key' ? report.byKey : (report.byAccount ?? [])
  const idHeader = table === 'model' ? ['model'] : [table === 'key' ? 'key_id' : 'account_id', table]
  const line = (t: UsageTotals) => (table === 'model' ? [t.group, ...sums(t)] : [t.group, t.label, ...sums(t)])
  const total = table === 'model' ? ['total', ...sums(report.total)] : ['total', '', ...sums(report.total)]
  return csvText([...idHeader, ...SUM_HEADER], [...rows.map(line), total])
}
