// Stripe top-ups (credit lots), processed webhook events and the lot-changing writes on Postgres, each write one transaction.
import type { SQL } from 'bun'
import type { CreditInput, EventOutcome, LotDecision, Topup, TopupStore } from '../topups'
import type { LedgerEntry, NewLedgerEntry } from '../ledger'
import type { LotHistoryEntry } from '../lot-history'
import { availableMicros } from '../../money/holds'
import type { AccountSequencer } from './sequencer'
import { lockedFunds, recordEntry } from './ledger'
import { num, numOrNull } from './connect'

type Row = Record<string, unknown>
type Tx = SQL

const fromRow = (r: Row): Topup => ({
  id: r.id as string,
  accountId: r.account_id as string,
  userId: (r.user_id as string | null) ?? null,
  status: r.status as Topup['status'],
  currency: r.currency as Topup['currency'],
  amountMinor: num(r.amount_minor),
  quotedMicros: num(r.quoted_micros),
  cnyPerUsd: numOrNull(r.cny_per_usd),
  checkoutSessionId: (r.checkout_session_id as string | null) ?? null,
  checkoutUrl: (r.checkout_url as string | null) ?? null,
  paymentIntentId: (r.payment_intent_id as string | null) ?? null,
  creditedMicros: num(r.credited_micros),
  createdAt: num(r.created_at),
  paidAt: numOrNull(r.paid_at),
  lotExpiresAt: numOrNull(r.lot_expires_at),
  lotExpiredAt: numOrNull(r.lot_expired_at),
  expiredMicros: num(r.expired_micros),
  refundId: (r.refund_id as string | null) ?? null,
  refundMicros: num(r.refund_micros),
  refundMinor: num(r.refund_minor),
  refundAttempt: num(r.refund_attempt),
  refundedAt: numOrNull(r.refunded_at),
})

async function append(tx: Tx, entry: NewLedgerEntry): Promise<LedgerEntry | null> {
  const [row] =
    await tx`UPDATE accounts SET balance_micros = balance_micros + ${entry.amountMicros} WHERE id = ${entry.accountId} RETURNING balance_micros`
  return row ? recordEntry(tx, entry, num(row.balance_micros)) : null
}

/** The account's lot history (see lot-history.ts): non-charge entries in order, charges summed between them. */
export async function lotHistoryOf(tx: Tx, accountId: string): Promise<LotHistoryEntry[]> {
  const marks = await tx`
    SELECT l.id, l.type, l.amount_micros, l.topup_id, l.created_at, t.lot_expires_at, (t.id IS NOT NULL) AS is_lot
    FROM ledger l LEFT JOIN topups t ON t.id = l.topup_id
    WHERE l.account_id = ${accountId} AND l.type != 'charge' ORDER BY l.id`
  const out: LotHistoryEntry[] = []
  let previous = 0
  const gap = async (until: number) => {
    const [row] = await tx`
      SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger
      WHERE account_id = ${accountId} AND id > ${previous} AND id < ${until} AND type = 'charge'`
    const total = num(row!.total)
    if (total !== 0) out.push({ kind: 'debit', amountMicros: -total })
  }
  for (const row of marks as Row[]) {
    const id = num(row.id)
    const amount = num(row.amount_micros)
    const topupId = (row.topup_id as string | null) ?? null
    await gap(id)
    previous = id
    if (row.type === 'topup' && amount > 0) {
      out.push({
        kind: 'credit',
        entryId: id,
        topupId,
        amountMicros: amount,
        expiresAt: row.is_lot ? numOrNull(row.lot_expires_at) : null,
        at: num(row.created_at),
      })
    } else if (topupId !== null && row.is_lot && row.type !== 'topup') {
      out.push({ kind: 'lot', entryId: id, topupId, amountMicros: amount })
    } else if (amount > 0) {
      out.push({ kind: 'credit', entryId: id, topupId: null, amountMicros: amount, expiresAt: null, at: num(row.created_at) })
    } else if (amount < 0) {
      out.push({ kind: 'debit', amountMicros: -amount })
    }
  }
  await gap(Number.MAX_SAFE_INTEGER)
  return out
}

export function postgresTopupStore(sql: SQL, order: AccountSequencer): TopupStore {
  const byId = async (tx: Tx, id: string, lock = false) => {
    const [row] = lock ? await tx`SELECT * FROM topups WHERE id = ${id} FOR UPDATE` : await tx`SELECT * FROM topups WHERE id = ${id}`
    return row ? fromRow(row) : null
  }
  const accountOf = async (topupId: string) => (await byId(sql, topupId))?.accountId ?? null
  /** Runs `op` in the top-up's account order, in one transaction. */
  const inAccount = async <T>(topupId: string, missing: T, op: (tx: Tx) => Promise<T>): Promise<T> => {
    const accountId = await accountOf(topupId)
    if (accountId === null) return missing
    return order.run([accountId], () => sql.begin((tx) => op(tx)))
  }

  const creditTx = async (tx: Tx, input: CreditInput): Promise<'credited' | 'already_credited'> => {
    const topup = await byId(tx, input.topupId, true)
    if (!topup) return 'already_credited'
    const marked = await tx`
      UPDATE topups SET status = 'paid', credited_micros = ${input.creditMicros}, payment_intent_id = COALESCE(${input.paymentIntentId}, payment_intent_id),
        checkout_session_id = COALESCE(checkout_session_id, ${input.sessionId}), paid_at = ${input.at}, lot_expires_at = ${input.lotExpiresAt}
      WHERE id = ${input.topupId} AND status IN ('pending', 'expired', 'failed') RETURNING id`
    if (marked.length === 0) return 'already_credited'
    await append(tx, {
      accountId: topup.accountId,
      type: 'topup',
      amountMicros: input.creditMicros,
      topupId: input.topupId,
      note: `Stripe top-up (${topup.currency.toUpperCase()} ${(topup.amountMinor / 100).toFixed(2)})`,
      createdAt: input.at,
    })
    return 'credited'
  }

  const decideOn = async <T>(tx: Tx, topupId: string, decide: LotDecision<T>) => {
    const topup = await byId(tx, topupId, true)
    if (!topup) return { ok: false as const, reason: `No top-up '${topupId}'.` }
    const funds = await lockedFunds(tx, topup.accountId)
    const available = funds ? availableMicros(funds) : 0
    const decision = decide(topup, await lotHistoryOf(tx, topup.accountId), available)
    return decision.ok ? { ok: true as const, topup, value: decision.value } : decision
  }

  return {
    async create(topup) {
      await sql`INSERT INTO topups (id, account_id, user_id, status, currency, amount_minor, quoted_micros, cny_per_usd, created_at)
                VALUES (${topup.id}, ${topup.accountId}, ${topup.userId}, 'pending', ${topup.currency}, ${topup.amountMinor},
                        ${topup.quotedMicros}, ${topup.cnyPerUsd}, ${topup.createdAt})`
      return (await byId(sql, topup.id))!
    },
    async attachCheckout(id, sessionId, url) {
      await sql`UPDATE topups SET checkout_session_id = ${sessionId}, checkout_url = ${url} WHERE id = ${id}`
    },
    get: (id) => byId(sql, id),
    async findBySession(sessionId) {
      const [row] = await sql`SELECT * FROM topups WHERE checkout_session_id = ${sessionId}`
      return row ? fromRow(row) : null
    },
    async listByAccount(accountId, limit = 50) {
      return (await sql`SELECT * FROM topups WHERE account_id = ${accountId} ORDER BY created_at DESC, id DESC LIMIT ${limit}`).map(fromRow)
    },
    async processEvent(event, action) {
      const topupId = action.kind === 'credit' ? action.credit.topupId : action.kind === 'close' ? action.topupId : null
      const accountId = topupId ? await accountOf(topupId) : null
      const run = (op: () => Promise<EventOutcome>) => (accountId ? order.run([accountId], op) : op())
      return run(() =>
        sql.begin(async (tx) => {
          // The event row first: a concurrent delivery of the same event waits on it, then finds it.
          const inserted = await tx`
            INSERT INTO stripe_events (id, type, topup_id, outcome, received_at) VALUES (${event.id}, ${event.type}, ${topupId}, 'pending', ${event.receivedAt})
            ON CONFLICT (id) DO NOTHING RETURNING id`
          if (inserted.length === 0) return 'duplicate_event' as const
          let outcome: EventOutcome
          if (action.kind === 'credit') outcome = await creditTx(tx, action.credit)
          else if (action.kind === 'close') {
            await tx`UPDATE topups SET status = ${action.status} WHERE id = ${action.topupId} AND status = 'pending'`
            outcome = 'closed'
          } else outcome = 'ignored'
          await tx`UPDATE stripe_events SET outcome = ${outcome} WHERE id = ${event.id}`
          return outcome
        }),
      )
    },
    async close(topupId, status) {
      await sql`UPDATE topups SET status = ${status} WHERE id = ${topupId} AND status = 'pending'`
    },
    credit(input) {
      return inAccount(input.topupId, 'already_credited' as const, (tx) => creditTx(tx, input))
    },
    async dueLots(now, limit = 100) {
      return (
        await sql`SELECT * FROM topups WHERE lot_expires_at IS NOT NULL AND lot_expires_at <= ${now} AND lot_expired_at IS NULL
                  ORDER BY lot_expires_at LIMIT ${limit}`
      ).map(fromRow)
    },
    expireLot(topupId, at, decide) {
      return inAccount(topupId, { ok: false as const, reason: `No top-up '${topupId}'.` }, async (tx) => {
        const decided = await decideOn(tx, topupId, decide)
        if (!decided.ok) return decided
        const amount = decided.value
        const entry =
          amount > 0
            ? await append(tx, {
                accountId: decided.topup.accountId,
                type: 'expiry',
                amountMicros: -amount,
                topupId,
                note: 'unused top-up credit expired (12 months)',
                createdAt: at,
              })
            : null
        await tx`UPDATE topups SET lot_expired_at = ${at}, expired_micros = ${amount} WHERE id = ${topupId}`
        return { ok: true as const, entry }
      })
    },
    beginRefund(topupId, at, decide) {
      return inAccount(topupId, { ok: false as const, reason: `No top-up '${topupId}'.` }, async (tx) => {
        const decided = await decideOn(tx, topupId, decide)
        if (!decided.ok) return decided
        const { micros, minor } = decided.value
        const marked = await tx`
          UPDATE topups SET status = 'refunding', refund_micros = ${micros}, refund_minor = ${minor}, refund_attempt = refund_attempt + 1
          WHERE id = ${topupId} AND status = 'paid' RETURNING id`
        if (marked.length === 0) return { ok: false as const, reason: 'This top-up is already being refunded.' }
        await append(tx, {
          accountId: decided.topup.accountId,
          type: 'refund',
          amountMicros: -micros,
          topupId,
          note: 'refund of unused top-up credit',
          createdAt: at,
        })
        return { ok: true as const, topup: (await byId(tx, topupId))! }
      })
    },
    async finishRefund(topupId, refundId, at) {
      await sql`UPDATE topups SET status = 'refunded', refund_id = ${refundId}, refunded_at = ${at} WHERE id = ${topupId} AND status = 'refunding'`
    },
    async revertRefund(topupId, at, note) {
      await inAccount(topupId, undefined, async (tx) => {
        const row = await byId(tx, topupId, true)
        if (row?.status !== 'refunding') return
        await append(tx, { accountId: row.accountId, type: 'adjustment', amountMicros: row.refundMicros, topupId, note, createdAt: at })
        await tx`UPDATE topups SET status = 'paid', refund_micros = 0, refund_minor = 0 WHERE id = ${topupId} AND status = 'refunding'`
      })
    },
    history: (accountId) => lotHistoryOf(sql, accountId),
  }
}
