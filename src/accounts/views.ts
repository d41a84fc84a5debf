// How accounts, keys, ledger entries and log rows are shown: USD strings, ISO times, snake_case.
import { formatPicosUsd, formatUsd } from '../money/usd'
import type { CostBreakdown } from '../money/pricing'
import type { Account } from '../store/accounts'
import type { ApiKey } from '../store/keys'
import type { LedgerEntry } from '../store/ledger'
import type { RequestLogRow } from '../store/request-log'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export function accountView(account: Account) {
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    plan: account.plan,
    balance_usd: formatUsd(account.balanceMicros),
    held_usd: formatUsd(account.heldMicros),
    available_usd: formatUsd(account.availableMicros),
    disabled_models: account.disabledModels,
    created_at: iso(account.createdAt),
    deleted_at: iso(account.deletedAt),
  }
}
export type AccountView = ReturnType<typeof accountView>

export function keyView(key: ApiKey) {
  return {
    id: key.id,
    account_id: key.accountId,
    name: key.name,
    prefix: key.prefix,
    models: key.models,
    ip_allowlist: key.ipAllowlist,
    rpm: key.rpm,
    budget_usd: key.budgetMicros === null ? null : formatUsd(key.budgetMicros),
    budget_window_days: key.budgetWindowDays,
    created_at: iso(key.createdAt),
    expires_at: iso(key.expiresAt),
    revoked_at: iso(key.revokedAt),
  }
}
export type KeyView = ReturnType<typeof keyView>

export function ledgerEntryView(entry: LedgerEntry) {
  return {
    id: entry.id,
    account_id: entry.accountId,
    type: entry.type,
    amount_usd: formatUsd(entry.amountMicros),
    amount_micros: entry.amountMicros,
    balance_after_usd: formatUsd(entry.balanceAfterMicros),
    request_id: entry.requestId,
    topup_id: entry.topupId,
    key_id: entry.keyId,
    note: entry.note,
    created_at: iso(entry.createdAt),
  }
}

/** A request's exact cost per class, in USD with 12 decimals (a cache read of a few tokens costs far below $0.000001). */
export function costBreakdownView(breakdown: CostBreakdown) {
  return {
    input_usd: formatPicosUsd(breakdown.input),
    cache_read_usd: formatPicosUsd(breakdown.cacheRead),
    cache_write_usd: formatPicosUsd(breakdown.cacheWrite),
    cache_write_1h_usd: formatPicosUsd(breakdown.cacheWrite1h),
    output_usd: formatPicosUsd(breakdown.output),
    total_usd: formatPicosUsd(breakdown.totalPicos),
    tier_above_prompt_tokens: breakdown.tierAbove,
  }
}

export function requestView(row: RequestLogRow) {
  return {
    request_id: row.requestId,
    time: iso(row.ts),
    account_id: row.accountId,
    key_id: row.keyId,
    route: row.route,
    model: row.model,
    provider: row.provider,
    status: row.status,
    error_code: row.errorCode,
    error_message: row.errorMessage ?? null,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    cache_read_tokens: row.cacheReadTokens ?? null,
    cache_write_tokens: row.cacheWriteTokens ?? null,
    cache_write_1h_tokens: row.cacheWrite1hTokens ?? null,
    reasoning_tokens: row.reasoningTokens ?? null,
    cost_usd: formatUsd(row.costMicros),
    cost_micros: row.costMicros,
    cost_breakdown: row.costBreakdown ? costBreakdownView(row.costBreakdown) : null,
    latency_ms: row.latencyMs,
    ttfb_ms: row.ttfbMs,
    stream: row.stream,
    client_ip: row.clientIp,
    attempts: row.attempts,
    notes: row.notes ?? null,
  }
}
