// The ledger's rounding rule as tests state it: costs exact in pico-USD, each account carrying what is below the micro-dollar.
import type { SqliteStore } from '../../src/store'

const PICOS_PER_MICRO = 1_000_000n

/** `tokens` at a price in USD per million tokens, in pico-USD (1e-12 USD): exact. */
export const picosOf = (tokens: number, usdPerMtok: number): bigint => BigInt(tokens) * BigInt(Math.round(usdPerMtok * 1_000_000))

/** What exact costs charge one fresh account when settled in this order: each floor((carry + cost) / 10⁶), the rest carried. */
export function chargesFor(costs: bigint[]): number[] {
  let carry = 0n
  return costs.map((cost) => {
    const total = carry + cost
    carry = total % PICOS_PER_MICRO
    return Number(total / PICOS_PER_MICRO)
  })
}

/** The smaller of a cost and a hold of whole micro-USD. */
export const capAt = (cost: bigint, holdMicros: number): bigint =>
  cost < BigInt(holdMicros) * PICOS_PER_MICRO ? cost : BigInt(holdMicros) * PICOS_PER_MICRO

/** Whole micro-USD below an exact cost, and the next: a charge is one of them, whatever the account carried. */
export const microsAround = (cost: bigint): [number, number] => [Number(cost / PICOS_PER_MICRO), Number(cost / PICOS_PER_MICRO) + 1]

/** The pico-USD an account carries toward its next micro-dollar. */
export function carriedPicos(store: SqliteStore, accountId: string): number {
  return store.db.query<{ p: number }, [string]>('SELECT charge_remainder_picos AS p FROM accounts WHERE id = ?').get(accountId)!.p
}
