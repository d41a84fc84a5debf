// Stripe top-ups (each paid one a credit lot), processed webhook events, and the lot-changing writes.
import type { Database } from 'bun:sqlite'
import type { HoldBook } from '../money/hold-book'
import { ledgerAppender, type LedgerEntry } from './ledger'
import { sqliteLotHistory, type LotHistoryEntry } from './lot-history'

export type TopupStatus = 'pending' | 'paid' | 'expired' | 'failed' | 'refunding' | 'refunded'
export type TopupCurrency = 'usd' | 'cny'

export interface Topup {
  id: string
  accountId: string
  userId: string | null
  status: TopupStatus
  currency: TopupCurrency
  amountMinor: number
  quotedMicros: number
  cnyPerUsd: number | null
  checkoutSessionId: string | null
  checkoutUrl: string | null
  paymentIntentId: string | null
  creditedMicros: number
  createdAt: number
  paidAt: number | null
  lotExpiresAt: number | null
  lotExpiredAt: number | null
  expiredMicros: number
  refundId: string | null
  refundMicros: number
  refundMinor: number
  refundAttempt: number
  refundedAt: number | null
}

export type NewTopup = Pick<Topup, 'id' | 'accountId' | 'userId' | 'currency' | 'amountMinor' | 'quotedMicros' | 'cnyPerUsd' | 'createdAt'>

export interface CreditInput {
  topupId: string
  /** The Checkout Session paid; stored if the top-up lost it (a crash right after creating it). */
  sessionId: string | null
  creditMicros: number
  paymentIntentId: string | null
  at: number
  lotExpiresAt: number
}

/** What one Stripe event does to our records, decided by the service before the store applies it. */
export type EventAction =
  | { kind: 'credit'; credit: CreditInput }
  | { kind: 'close'; topupId: string; status: 'expired' | 'failed' }
  | { kind: 'ignore'; reason: string }

export type EventOutcome = 'duplicate_event' | 'credited' | 'already_credited' | 'closed' | 'ignored'

/** Decides, inside the write transaction, how much of a lot a write takes; null refuses with a reason. */
export type LotDecision<T> = (
  topup: Topup,
  history: LotHistoryEntry[],
  available: number,
) => { ok: true; value: T } | { ok: false; reason: string }

export interface TopupStore {
  create(topup: NewTopup): Promise<Topup>
  attachCheckout(id: string, sessionId: string, url: string): Promise<void>
  get(id: string): Promise<Topup | null>
  findBySession(sessionId: string): Promise<Topup | null>
  listByAccount(accountId: string, limit?: number): Promise<Topup[]>
  /** Records the event id and applies its action in one transaction; a repeated event id changes nothing. */
  processEvent(event: { id: string; type: string; receivedAt: number }, action: EventAction): Promise<EventOutcome>
  /** Closes a pending top-up without payment (checkout expired or failed). */
  close(topupId: string, status: 'expired' | 'failed'): Promise<void>
  /** Credits a pending top-up (seen paid outside a webhook, e.g. on the success page). */
  credit(input: CreditInput): Promise<'credited' | 'already_credited'>
  /** Paid lots whose 12 months are over and that have not been written off yet. */
  dueLots(now: number, limit?: number): Promise<Topup[]>
  /** Writes off the lot's unused part (an `expiry` entry) and marks it expired, atomically. */
  expireLot(
    topupId: string,
    at: number,
    decide: LotDecision<number>,
  ): Promise<{ ok: true; entry: LedgerEntry | null } | { ok: false; reason: string }>
  /** Takes the refundable part out of the balance (a `refund` entry) and marks the top-up `refunding`. */
  beginRefund(
    topupId: string,
    at: number,
    decide: LotDecision<{ micros: number; minor: number }>,
  ): Promise<{ ok: true; topup: Topup } | { ok: false; reason: string }>
  finishRefund(topupId: string, refundId: string, at: number): Promise<void>
  /** Stripe refused: the money goes back to the lot (an `adjustment` entry) and the top-up is `paid` again. */
  revertRefund(topupId: string, at: number, note: string): Promise<void>
  /** The account's ledger reduced to what the lot computation needs (see credits/lots.ts). */
  history(accountId: string): Promise<LotHistoryEntry[]>
}

type Row = {
  id: string
  account_id: string
  user_id: string | null
  status: TopupStatus
  currency: TopupCurrency
  amount_minor: number
  quoted_micros: number
  cny_per_usd: number | null
  checkout_session_id: string | null
  checkout_url: string | null
  payment_intent_id: string | null
  credited_micros: number
  created_at: number
  paid_at: number | null
  lot_expires_at: number | null
  lot_expired_at: number | null
  expired_micros: number
  refund_id: string | null
  refund_micros: number
  refund_minor: number
  refund_attempt: number
  refunded_at: number | null
}

const fromRow = (r: Row): Topup => ({
  id: r.id,
  accountId: r.account_id,
  userId: r.user_id,
  status: r.status,
  currency: r.currency,
  amountMinor: r.amount_minor,
  quotedMicros: r.quoted_micros,
  cnyPerUsd: r.cny_per_usd,
  checkoutSessionId: r.checkout_session_id,
  checkoutUrl: r.checkout_url,
  paymentIntentId: r.payment_intent_id,
  creditedMicros: r.credited_micros,
  createdAt: r.created_at,
  paidAt: r.paid_at,
  lotExpiresAt: r.lot_expires_at,
  lotExpiredAt: r.lot_expired_at,
  expiredMicros: r.expired_micros,
  refundId: r.refund_id,
  refundMicros: r.refund_micros,
  refundMinor: r.refund_minor,
  refundAttempt: r.refund_attempt,
  refundedAt: r.refunded_at,
})

export function sqliteTopupStore(db: Database, book: HoldBook): TopupStore {
  const append = ledgerAppender(db)
  const lotHistory = sqliteLotHistory(db)
  const insert = db.query(`
    INSERT INTO topups (id, account_id, user_id, status, currency, amount_minor, quoted_micros, cny_per_usd, created_at)
    VALUES ($id, $accountId, $userId, 'pending', $currency, $amountMinor, $quotedMicros, $cnyPerUsd, $createdAt)`)
  const byId = db.query<Row, [string]>('SELECT * FROM topups WHERE id = ?')
  const bySession = db.query<Row, [string]>('SELECT * FROM topups WHERE checkout_session_id = ?')
  const byAccount = db.query<Row, [string, number]>('SELECT * FROM topups WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?')
  const attach = db.query('UPDATE topups SET checkout_session_id = $sessionId, checkout_url = $url WHERE id = $id')
  const markPaid = db.query(`
    UPDATE topups SET status = 'paid', credited_micros = $credit, payment_intent_id = COALESCE($pi, payment_intent_id),
      checkout_session_id = COALESCE(checkout_session_id, $sessionId),
      paid_at = $at, lot_expires_at = $lotExpiresAt
    WHERE id = $id AND status IN ('pending', 'expired', 'failed')`)
  const close = db.query(`UPDATE topups SET status = $status WHERE id = $id AND status = 'pending'`)
  const seenEvent = db.query<{ one: number }, [string]>('SELECT 1 AS one FROM stripe_events WHERE id = ?')
  const recordEvent = db.query(
    'INSERT INTO stripe_events (id, type, topup_id, outcome, received_at) VALUES ($id, $type, $topupId, $outcome, $at)',
  )
  const due = db.query<Row, [number, number]>(`
    SELECT * FROM topups WHERE lot_expires_at IS NOT NULL AND lot_expires_at <= ? AND lot_expired_at IS NULL
    ORDER BY lot_expires_at LIMIT ?`)
  const accountFunds = db.query<{ balance_micros: number }, [string]>('SELECT balance_micros FROM accounts WHERE id = ?')
  const markExpired = db.query('UPDATE topups SET lot_expired_at = $at, expired_micros = $amount WHERE id = $id')
  const markRefunding = db.query(`
    UPDATE topups SET status = 'refunding', refund_micros = $micros, refund_minor = $minor, refund_attempt = refund_attempt + 1
    WHERE id = $id AND status = 'paid'`)
  const markRefunded = db.query(`
    UPDATE topups SET status = 'refunded', refund_id = $refundId, refunded_at = $at WHERE id = $id AND status = 'refunding'`)
  const markUnrefunded = db.query(
    `UPDATE topups SET status = 'paid', refund_micros = 0, refund_minor = 0 WHERE id = $id AND status = 'refunding'`,
  )

  const creditTx = (input: CreditInput): 'credited' | 'already_credited' => {
    const topup = byId.get(input.topupId)
    if (!topup) return 'already_credited'
    if (
      markPaid.run({
        id: input.topupId,
        credit: input.creditMicros,
        pi: input.paymentIntentId,
        sessionId: input.sessionId,
        at: input.at,
        lotExpiresAt: input.lotExpiresAt,
      }).changes === 0
    ) {
      return 'already_credited'
    }
    append({
      accountId: topup.account_id,
      type: 'topup',
      amountMicros: input.creditMicros,
      topupId: input.topupId,
      note: `Stripe top-up (${topup.currency.toUpperCase()} ${(topup.amount_minor / 100).toFixed(2)})`,
      createdAt: input.at,
    })
    return 'credited'
  }
  const credit = db.transaction(creditTx)

  const processEvent = db.transaction((event: { id: string; type: string; receivedAt: number }, action: EventAction): EventOutcome => {
    if (seenEvent.get(event.id)) return 'duplicate_event'
    let outcome: EventOutcome
    let topupId: string | null = null
    if (action.kind === 'credit') {
      topupId = action.credit.topupId
      outcome = creditTx(action.credit)
    } else if (action.kind === 'close') {
      topupId = action.topupId
      close.run({ id: action.topupId, status: action.status })
      outcome = 'closed'
    } else outcome = 'ignored'
    recordEvent.run({ id: event.id, type: event.type, topupId, outcome, at: event.receivedAt })
    return outcome
  })

  /** Runs `decide` on the top-up, its account's lot history and available funds, inside the caller's transaction. */
  const decideOn = <T>(topupId: string, decide: LotDecision<T>) => {
    const row = byId.get(topupId)
    if (!row) return { ok: false as const, reason: `No top-up '${topupId}'.` }
    const topup = fromRow(row)
    const funds = accountFunds.get(topup.accountId)
    const available = funds ? book.available(topup.accountId, funds.balance_micros) : 0
    const decision = decide(topup, lotHistory(topup.accountId), available)
    return decision.ok ? { ok: true as const, topup, value: decision.value } : decision
  }

  const expireLot = db.transaction((topupId: string, at: number, decide: LotDecision<number>) => {
    const decided = decideOn(topupId, decide)
    if (!decided.ok) return decided
    const amount = decided.value
    const entry =
      amount > 0
        ? append({
            accountId: decided.topup.accountId,
            type: 'expiry',
            amountMicros: -amount,
            topupId,
            note: 'unused top-up credit expired (12 months)',
            createdAt: at,
          })
        : null
    markExpired.run({ id: topupId, at, amount })
    return { ok: true as const, entry }
  })

  const beginRefund = db.transaction((topupId: string, at: number, decide: LotDecision<{ micros: number; minor: number }>) => {
    const decided = decideOn(topupId, decide)
    if (!decided.ok) return decided
    const { micros, minor } = decided.value
    if (markRefunding.run({ id: topupId, micros, minor }).changes === 0)
      return { ok: false as const, reason: 'This top-up is already being refunded.' }
    append({
      accountId: decided.topup.accountId,
      type: 'refund',
      amountMicros: -micros,
      topupId,
      note: 'refund of unused top-up credit',
      createdAt: at,
    })
    return { ok: true as const, topup: fromRow(byId.get(topupId)!) }
  })

  const revertRefund = db.transaction((topupId: string, at: number, note: string) => {
    const row = byId.get(topupId)
    if (row?.status !== 'refunding') return
    append({ accountId: row.account_id, type: 'adjustment', amountMicros: row.refund_micros, topupId, note, createdAt: at })
    markUnrefunded.run({ id: topupId })
  })

  return {
    async create(topup) {
      insert.run({ ...topup })
      return fromRow(byId.get(topup.id)!)
    },
    async attachCheckout(id, sessionId, url) {
      attach.run({ id, sessionId, url })
    },
    async get(id) {
      const row = byId.get(id)
      return row ? fromRow(row) : null
    },
    async findBySession(sessionId) {
      const row = bySession.get(sessionId)
      return row ? fromRow(row) : null
    },
    async listByAccount(accountId, limit = 50) {
      return byAccount.all(accountId, limit).map(fromRow)
    },
    async processEvent(event, action) {
      return processEvent(event, action)
    },
    async close(topupId, status) {
      close.run({ id: topupId, status })
    },
    async credit(input) {
      return credit(input)
    },
    async dueLots(now, limit = 100) {
      return due.all(now, limit).map(fromRow)
    },
    async expireLot(topupId, at, decide) {
      return expireLot(topupId, at, decide)
    },
    async beginRefund(topupId, at, decide) {
      return beginRefund(topupId, at, decide)
    },
    async finishRefund(topupId, refundId, at) {
      markRefunded.run({ id: topupId, refundId, at })
    },
    async revertRefund(topupId, at, note) {
      revertRefund(topupId, at, note)
    },
    async history(accountId) {
      return lotHistory(accountId)
    },
  }
}
