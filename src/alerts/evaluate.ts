// Which budget alerts are on: balances below their threshold, keys at their percent of the window budget. Pure.
import { formatUsd, formatUsdExact } from '../money/usd'
import type { KeySpend } from '../money/key-budget'
import type { AlertCandidates } from '../store/alerts'

export interface AlertDefaults {
  /** Micro-USD; 0 = no balance alert unless the account sets one. */
  balanceBelowMicros: number
  /** 0 = no key alert unless the key sets one. */
  keyBudgetPercent: number
}

export type ActiveAlert =
  | { kind: 'balance_below'; subject: string; accountId: string; email: string; balanceMicros: number; thresholdMicros: number }
  | {
      kind: 'key_budget'
      subject: string
      accountId: string
      keyId: string
      keyLabel: string
      spentMicros: number
      budgetMicros: number
      percent: number
      thresholdPercent: number
      windowEnd: number
    }

/**
 * The alerts that are on. A key's subject names its budget window, so the next window (spend back
 * at zero) re-arms it without a separate step; a balance re-arms when it is back at or above its threshold.
 */
export function activeAlerts(
  candidates: AlertCandidates,
  spendOf: (keyId: string) => KeySpend | null,
  defaults: AlertDefaults,
): ActiveAlert[] {
  const out: ActiveAlert[] = []
  for (const a of candidates.accounts) {
    const threshold = a.threshold ?? defaults.balanceBelowMicros
    if (threshold > 0 && a.balanceMicros < threshold)
      out.push({
        kind: 'balance_below',
        subject: `balance:${a.accountId}`,
        accountId: a.accountId,
        email: a.email,
        balanceMicros: a.balanceMicros,
        thresholdMicros: threshold,
      })
  }
  for (const k of candidates.keys) {
    const threshold = k.threshold ?? defaults.keyBudgetPercent
    if (threshold <= 0 || k.budgetMicros <= 0) continue
    const spend = spendOf(k.keyId)
    if (!spend) continue
    const percent = (spend.spentMicros / k.budgetMicros) * 100
    if (percent >= threshold)
      out.push({
        kind: 'key_budget',
        subject: `key:${k.keyId}:${spend.windowStart}`,
        accountId: k.accountId,
        keyId: k.keyId,
        keyLabel: k.label,
        spentMicros: spend.spentMicros,
        budgetMicros: k.budgetMicros,
        percent: Math.floor(percent),
        thresholdPercent: threshold,
        windowEnd: spend.windowEnd,
      })
  }
  return out
}

/**
 * The webhook's JSON body for an alert (amounts to the micro-dollar); `id` is the same on every
 * retry, so a receiver can drop repeats.
 */
export function alertPayload(alert: ActiveAlert, crossedAt: number): Record<string, unknown> {
  const base = { id: `${alert.subject}@${crossedAt}`, type: alert.kind, account_id: alert.accountId, at: new Date(crossedAt).toISOString() }
  if (alert.kind === 'balance_below')
    return {
      ...base,
      email: alert.email,
      balance_usd: formatUsdExact(alert.balanceMicros),
      threshold_usd: formatUsdExact(alert.thresholdMicros),
    }
  return {
    ...base,
    key_id: alert.keyId,
    key: alert.keyLabel,
    spend_usd: formatUsdExact(alert.spentMicros),
    budget_usd: formatUsdExact(alert.budgetMicros),
    percent: alert.percent,
    threshold_percent: alert.thresholdPercent,
    window_resets_at: new Date(alert.windowEnd).toISOString(),
  }
}

/** The banner line for an alert. */
export function alertText(alert: ActiveAlert): string {
  if (alert.kind === 'balance_below')
    return `Balance $${formatUsd(alert.balanceMicros)} is below the alert threshold of $${formatUsd(alert.thresholdMicros)}.`
  return `Key ${alert.keyLabel} has spent $${formatUsd(alert.spentMicros)} of its $${formatUsd(alert.budgetMicros)} window budget (${alert.percent} %, alert at ${alert.thresholdPercent} %); the window resets ${new Date(alert.windowEnd).toISOString().slice(0, 16).replace('T', ' ')} UTC.`
}
