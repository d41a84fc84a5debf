// Holds on Postgres: one row per request in flight on any instance, placed under the account's row lock, resolved once by deleting it.
import type { SQL } from 'bun'
import type { HoldFacts, HoldStore } from '../holds'
import { assertMicros } from '../../money/usd'
import type { AccountSequencer } from './sequencer'
import { lockedFunds, recordEntry } from './ledger'
import { chargeKey, keyTerms, recordedSpend } from './key-spend'
import { num } from './connect'

/**
 * Placing reads the facts with the account's row locked (`SELECT … FOR UPDATE`: every instance
 * placing, settling or crediting for that account waits on it), asks the shared rule, and inserts
 * the hold row in the same short transaction; so two instances can never both pass on the same
 * money. Resolving deletes the row: whoever deletes it settles or releases, once. A hold is owned
 * by its instance, whose lease (instance-lease.ts) keeps it alive; `releaseAll` releases only the
 * holds of instances whose lease lapsed, never those of a live one.
 */
const PICOS_PER_MICRO = 1_000_000

export function postgresHoldStore(sql: SQL, order: AccountSequencer, instanceId: string, now: () => number): HoldStore {
  // The account of each hold placed here, so resolving it joins that account's order at once,
  // without a read first; a hold placed elsewhere (another instance, an earlier start) is looked up.
  const placedHere = new Map<string, string>()
  const inOrder = <T>(holdId: string, op: () => Promise<T>, none: T): Promise<T> => {
    const accountId = placedHere.get(holdId)
    placedHere.delete(holdId)
    if (accountId !== undefined) return order.run([accountId], op)
    return sql`SELECT account_id FROM holds WHERE id = ${holdId}`.then(([row]) => (row ? order.run([row.account_id as string], op) : none))
  }
  return {
    place(hold, decide) {
      return order.run([hold.accountId], () =>
        sql.begin(async (tx) => {
          const account = await lockedFunds(tx, hold.accountId)
          const terms = account && hold.keyId !== null ? await keyTerms(tx, hold.keyId) : null
          const spend = terms && terms.budgetMicros !== null ? await recordedSpend(tx, hold.keyId!) : null
          const facts: HoldFacts = {
            account,
            key: () => terms,
            keySpend: () => spend ?? { spendWindowStart: null, spentMicros: 0, pendingMicros: 0, heldMicros: 0 },
          }
          const decision = decide(facts)
          if (decision.ok) {
            await tx`INSERT INTO holds (id, account_id, key_id, request_id, amount_micros, created_at, instance_id)
                     VALUES (${hold.id}, ${hold.accountId}, ${hold.keyId}, ${hold.requestId}, ${hold.amountMicros}, ${hold.createdAt}, ${instanceId})`
            placedHere.set(hold.id, hold.accountId)
          }
          return decision
        }),
      )
    },

    async settle(holdId, cost, at, windowOf, remainderPicos = 0) {
      assertMicros(cost, 'a charge')
      if (cost < 0) throw new Error(`refused to write a charge of ${cost} µUSD: a charge is never a credit`)
      if (!Number.isSafeInteger(remainderPicos) || remainderPicos < 0 || remainderPicos >= PICOS_PER_MICRO) {
        throw new Error(`refused to carry ${remainderPicos} pico-USD: a remainder is a whole number below one micro-USD`)
      }
      return inOrder(
        holdId,
        () =>
          sql.begin(async (tx) => {
            // The delete decides who resolves the hold: a sweep or a release that got there first leaves nothing.
            const [row] = await tx`DELETE FROM holds WHERE id = ${holdId} RETURNING *`
            if (!row) return null
            const held = num(row.amount_micros)
            const accountId = row.account_id as string
            let costMicros = cost
            if (remainderPicos > 0) {
              // The account's carry, under its row lock: old + r < 2·10⁶, so it passed a micro-dollar
              // exactly when what is left is below what was added.
              const [carried] =
                await tx`UPDATE accounts SET charge_remainder_picos = (charge_remainder_picos + ${remainderPicos}) % ${PICOS_PER_MICRO}
                                         WHERE id = ${accountId} RETURNING charge_remainder_picos`
              if (carried && num(carried.charge_remainder_picos) < remainderPicos) costMicros += 1
            }
            if (costMicros === 0) return { entry: null, heldMicros: held, chargedMicros: 0 }
            const keyId = (row.key_id as string | null) ?? null
            const [balance] =
              await tx`UPDATE accounts SET balance_micros = balance_micros - ${costMicros} WHERE id = ${accountId} RETURNING balance_micros`
            if (keyId !== null) await chargeKey(tx, keyId, costMicros, windowOf)
            const overrun = costMicros - held
            const entry = await recordEntry(
              tx,
              {
                accountId,
                type: 'charge',
                amountMicros: -costMicros,
                requestId: row.request_id as string,
                keyId,
                note: overrun > 0 ? `overrun: cost ${costMicros} µUSD exceeded the ${held} µUSD hold by ${overrun}` : null,
                createdAt: at,
              },
              num(balance!.balance_micros),
            )
            return { entry, heldMicros: held, chargedMicros: costMicros }
          }),
        null,
      )
    },

    release(holdId) {
      return inOrder(holdId, async () => (await sql`DELETE FROM holds WHERE id = ${holdId} RETURNING id`).length > 0, false)
    },

    async releaseAll() {
      // Holds of instances that are gone: lease lapsed, or no instance row at all.
      const rows = await sql`
        DELETE FROM holds h WHERE NOT EXISTS (
          SELECT 1 FROM instances i WHERE i.id = h.instance_id AND i.lease_until >= ${now()})
        RETURNING id`
      for (const row of rows) placedHere.delete(row.id as string)
      return rows.length
    },

    async releaseOlderThan(before) {
      const rows = await sql`DELETE FROM holds WHERE created_at < ${before} RETURNING id`
      for (const row of rows) placedHere.delete(row.id as string)
      return rows.length
    },

    async countOpen() {
      const [row] = await sql`SELECT COUNT(*) AS n FROM holds`
      return num(row!.n)
    },
  }
}
