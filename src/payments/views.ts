// How top-ups (credit lots) are shown in /api answers.
import { formatUsd } from '../money/usd'
import { formatMinor } from './currency'
import type { TopupWithLot } from './topups'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export function topupView(t: TopupWithLot, now: number) {
  return {
    id: t.id,
    account_id: t.accountId,
    status: t.status,
    currency: t.currency,
    amount: formatMinor(t.amountMinor),
    credit_usd: formatUsd(t.status === 'pending' || t.status === 'expired' || t.status === 'failed' ? t.quotedMicros : t.creditedMicros),
    remaining_usd: formatUsd(t.remainingMicros),
    checkout_url: t.status === 'pending' ? t.checkoutUrl : null,
    created_at: iso(t.createdAt),
    paid_at: iso(t.paidAt),
    credit_expires_at: iso(t.lotExpiresAt),
    credit_expired_at: iso(t.lotExpiredAt),
    expired_usd: formatUsd(t.expiredMicros),
    refundable: t.status === 'paid' && t.refundableUntil !== null && now <= t.refundableUntil && t.remainingMicros > 0,
    refundable_until: iso(t.refundableUntil),
    refund_id: t.refundId,
    refunded_usd: formatUsd(t.refundMicros),
    refunded_amount: formatMinor(t.refundMinor),
    refunded_at: iso(t.refundedAt),
  }
}
