// Top up: the amount form (USD/CNY), the top-up history with lots and refunds, success and cancel pages.
import { formatMinor } from '../../../payments/currency'
import type { TopupWithLot } from '../../../payments/topups'
import type { ActiveSession } from '../../../accounts/sessions'
import type { Topup } from '../../../store/topups'
import { day, html, time, usd, type Html } from '../html'
import { csrfField } from '../layout'

const money = (t: Topup) => `${t.currency === 'usd' ? '$' : '¥'}${formatMinor(t.amountMinor)}`

function statusOf(t: TopupWithLot, now: number): Html {
  if (t.status === 'pending') return html`<span class="badge warn">awaiting payment</span>`
  if (t.status === 'expired') return html`<span class="badge">checkout expired</span>`
  if (t.status === 'failed') return html`<span class="badge err">failed</span>`
  if (t.status === 'refunding') return html`<span class="badge warn">refund pending</span>`
  if (t.status === 'refunded') return html`<span class="badge info">refunded ${usd(t.refundMicros)}</span>`
  if (t.lotExpiredAt !== null) return html`<span class="badge">credit expired</span>`
  return html`<span class="badge ok">paid</span>${t.lotExpiresAt !== null && t.lotExpiresAt < now ? ' (expiring)' : ''}`
}

/** The history table; with `refundBase` (admins), refundable rows get a Refund button posting there. */
export function topupTable(topups: TopupWithLot[], now: number, session: ActiveSession, refundBase: string | null): Html {
  if (topups.length === 0) return html`<p class="empty">No top-ups yet.</p>`
  return html`<div class="table-wrap"><table data-testid="topups-table">
<thead><tr><th>Date</th><th>Paid</th><th class="num">Credit</th><th class="num">Unused</th><th>Credit expires</th><th>Status</th><th>Refundable until</th>${refundBase ? html`<th></th>` : ''}</tr></thead>
<tbody>${topups.map((t) => {
    const refundable = t.status === 'paid' && t.refundableUntil !== null && now <= t.refundableUntil && t.remainingMicros > 0
    return html`<tr data-topup-id="${t.id}">
  <td class="small">${time(t.createdAt)}</td><td>${money(t)}</td>
  <td class="num">${usd(t.status === 'paid' || t.status === 'refunding' || t.status === 'refunded' ? t.creditedMicros : t.quotedMicros)}</td>
  <td class="num">${t.paidAt === null ? '—' : usd(t.remainingMicros)}</td>
  <td>${day(t.lotExpiresAt)}</td><td>${statusOf(t, now)}</td>
  <td class="small">${t.paidAt === null || t.status === 'refunded' ? '—' : refundable ? time(t.refundableUntil) : html`<span class="muted">closed</span>`}</td>
  ${
    refundBase
      ? html`<td>${
          refundable || t.status === 'refunding'
            ? html`<form method="post" action="${refundBase}/${t.id}/refund" data-confirm="Refund the unused ${usd(t.remainingMicros)} of this top-up through Stripe?">${csrfField(session)}<button class="danger small" type="submit">${t.status === 'refunding' ? 'Retry refund' : 'Refund unused'}</button></form>`
            : ''
        }</td>`
      : ''
  }
</tr>`
  })}</tbody></table></div>
<p class="muted small">Each top-up's credit expires 12 months after payment; spending uses the oldest credit first. The unused part of a top-up can be refunded within 7 days.</p>`
}

export function topupBody(input: {
  session: ActiveSession
  enabled: boolean
  canManage: boolean
  rate: number
  min: number
  max: number
  topups: TopupWithLot[]
  now: number
}): Html {
  const { session, enabled, canManage, rate } = input
  let form: Html
  if (!enabled) {
    form = html`<div class="flash info" data-testid="stripe-disabled"><strong>Card top-ups are not configured on this server.</strong>
An admin adds credits instead (Admin → Accounts, <code>token-hub admin add-credits</code>, or <code>POST /admin/accounts/{id}/credits</code>).</div>`
  } else if (!canManage) {
    form = html`<p class="muted">Only the account owner can top up.</p>`
  } else {
    form = html`<form class="stack" method="post" action="/dashboard/topup" data-testid="topup-form">${csrfField(session)}
  <div class="toggle" role="radiogroup" aria-label="Currency">
    <label><input type="radio" name="currency" value="usd" checked> USD</label>
    <label><input type="radio" name="currency" value="cny"> CNY</label>
  </div>
  <label>Amount <span class="hint">USD ${input.min}–${input.max}, or the same in CNY at ${rate} CNY per USD</span>
    <input name="amount" inputmode="decimal" required placeholder="20.00" data-topup-amount data-rate="${rate}"></label>
  <p class="preview" data-topup-preview></p>
  <div><button type="submit">Continue to payment</button></div>
  <p class="muted small">You pay on Stripe's secure Checkout page and come back here; the credit appears within seconds.</p>
</form>`
  }
  return html`<h1>Top up</h1><div class="panel"><h2>Add credit</h2>${form}</div>
<div class="panel"><h2>Top-ups</h2>${topupTable(input.topups, input.now, session, session.user.isAdmin ? '/dashboard/admin/topups' : null)}</div>`
}

export function topupResultBody(topup: Topup | null, canceled: boolean): { body: Html; refresh: boolean } {
  if (canceled) {
    return {
      refresh: false,
      body: html`<h1>Checkout canceled</h1><div class="panel"><p>Nothing was charged.</p><p><a class="button" href="/dashboard/topup">Back to Top up</a></p></div>`,
    }
  }
  if (topup && topup.status !== 'pending') {
    return {
      refresh: false,
      body: html`<h1>Payment received</h1><div class="panel" data-testid="topup-success"><p><strong>${usd(topup.creditedMicros)}</strong> of credit was added to your balance (you paid ${money(topup)}).</p>
<p class="muted small">Top-up ${topup.id}. The credit expires ${day(topup.lotExpiresAt)}.</p><p><a class="button" href="/dashboard">Go to the overview</a></p></div>`,
    }
  }
  return {
    refresh: true,
    body: html`<h1>Confirming your payment…</h1><div class="panel"><p>Stripe has not confirmed the payment yet; this page refreshes by itself. It usually takes a few seconds.</p></div>`,
  }
}
