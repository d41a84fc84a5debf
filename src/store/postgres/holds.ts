// Holds on Postgres: one row per request in flight on any instance, placed under the account's row lock, resolved once by deleting it.
import type { SQL } from 'bun'
import type { HoldFacts, HoldStore } from '../holds'
import { assertMicros } from '../../money/usd'
import type { AccountSequencer } from './sequencer'
import { isConnectionError, num, numOrNull } from './connect'

/**
 * Placing reads the facts with the account's row locked (`SELECT … FOR UPDATE`: every instance
 * placing, settling or crediting for that account waits on it), asks the shared rule, and inserts
 * the hold row in the same short transaction; so two instances can never both pass on the same
 * money. Resolving deletes the row: whoever deletes it settles or releases, once. A hold is owned
 * by its instance, whose lease (instance-lease.ts) keeps it alive; `releaseAll` releases only the
 * holds of instances whose lease lapsed, never those of a live one.
 */
/**
 * Retries a resolution (after a first try failed to reach the database) until the database takes it. A settlement or release that cannot reach
 * Postgres is retried (100 ms, doubling to 2 s) rather than dropped, as SQLite's write queue
 * retries: the answer waits for its charge, and a hold is never left open by an outage (its
 * instance lives, so no sweep would take it). Each try is one statement, atomic: a try whose
 * commit was lost finds the hold gone and resolves nothing twice.
 */
async function untilWritten<T>(op: () => Promise<T>): Promise<T> {
  for (let wait = 100; ; wait = Math.min(2_000, wait * 2)) {
    await Bun.sleep(wait)
    try {
      return await op()
    } catch (error) {
      if (!isConnectionError(error)) throw error
    }
  }
}

const PICOS_PER_MICRO = 1_000_000

export function postgresHoldStore(sql: SQL, order: AccountSequencer, instanceId: string, now: () => number): HoldStore {
  // The account of each hold placed here, so resolving it joins that account's order at once,
  // without a read first; a hold placed elsewhere (another instance, an earlier start) is looked up.
  const placedHere = new Map<string, string>()
  const inOrder = <T>(holdId: string, op: () => Promise<T>, none: T): Promise<T> => {
    const accountId = placedHere.get(holdId)
    placedHere.delete(holdId)
    // Tried once in the account's order; retried outside it, so calls behind it (new holds, which
    // must be refused with 503 during an outage, not kept waiting) are not held up.
    const ordered = (id: string) =>
      order.run([id], op).catch((error) => (isConnectionError(error) ? untilWritten(op) : Promise.reject(error)))
    if (accountId !== undefined) return ordered(accountId)
    return untilWritten(() => sql`SELECT account_id FROM holds WHERE id = ${holdId}`).then(([row]) =>
      row ? ordered(row.account_id as string) : none,
    )
  }
  return {
    place(hold, decide) {
      return order.run([hold.accountId], async () => {
        const [row] = await sql`SELECT * FROM th_place_hold(${hold.id}, ${hold.accountId}, ${hold.keyId}, ${hold.requestId},
                                                           ${hold.amountMicros}, ${hold.createdAt}, ${instanceId})`
        const r = row as Record<string, unknown>
        // The facts as the database read them before its insert; the rule here decides what is answered.
        const facts: HoldFacts = {
          account: r.account_found ? { balanceMicros: num(r.balance), pendingMicros: 0, heldMicros: num(r.held) } : null,
          key: () =>
            r.key_found && hold.keyId !== null
              ? { keyId: hold.keyId, budgetMicros: numOrNull(r.budget), windowDays: num(r.window_days), keyCreatedAt: num(r.key_created) }
              : null,
          keySpend: () => ({
            spendWindowStart: numOrNull(r.spend_window),
            spentMicros: r.spent === null ? 0 : num(r.spent),
            pendingMicros: 0,
            heldMicros: num(r.key_held ?? 0),
          }),
        }
        const decision = decide(facts)
        if (decision.ok !== (r.placed === true)) {
          // The SQL mirror of the rule disagreed: never keep a hold the rule refused.
          if (r.placed === true) await sql`DELETE FROM holds WHERE id = ${hold.id}`
          throw new Error(
            `hold rule mismatch for ${hold.id}: the store ${r.placed ? 'placed' : 'refused'} what the rule ${decision.ok ? 'admits' : 'refuses'}`,
          )
        }
        if (decision.ok) placedHere.set(hold.id, hold.accountId)
        return decision
      })
    },

    settle(holdId, costMicros, at, _windowOf, remainderPicos = 0) {
      assertMicros(costMicros, 'a charge')
      if (costMicros < 0) throw new Error(`refused to write a charge of ${costMicros} µUSD: a charge is never a credit`)
      if (!Number.isSafeInteger(remainderPicos) || remainderPicos < 0 || remainderPicos >= PICOS_PER_MICRO) {
        throw new Error(`refused to carry ${remainderPicos} pico-USD: a remainder is a whole number below one micro-USD`)
      }
      // The key's window is computed in the function by the same rule as chargeWindowAt (the one
      // `windowOf` is); the sub-micro-dollar remainder is carried on the account there too.
      return inOrder(
        holdId,
        async () => {
          const [row] = await sql`SELECT * FROM th_settle_hold(${holdId}, ${costMicros}, ${at}, ${remainderPicos})`
          const r = row as Record<string, unknown>
          if (!r.resolved) return null
          const held = num(r.held)
          const charged = num(r.charged)
          if (r.entry_id === null) return { entry: null, heldMicros: held, chargedMicros: 0 }
          return {
            entry: {
              id: num(r.entry_id),
              accountId: r.account_id as string,
              type: 'charge' as const,
              amountMicros: -charged,
              balanceAfterMicros: num(r.balance_after),
              requestId: r.request_id as string,
              topupId: null,
              keyId: (r.key_id as string | null) ?? null,
              note: (r.note as string | null) ?? null,
              createdAt: at,
            },
            heldMicros: held,
            chargedMicros: charged,
          }
        },
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
