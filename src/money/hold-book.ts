// Money reserved by the requests in flight of this process, kept in memory.
import type { AccountFunds, Hold } from '../store/holds'
import { availableMicros } from './holds'

/**
 * A hold lives exactly as long as its request, and a request never outlives its process, so
 * holds need not be written down: a crash loses them, which is what releasing them at start did.
 * Keeping them here takes two writes and a commit off every request. The totals per account and
 * per key are maintained on each change, so a check costs a few map lookups.
 *
 * Balance changes queued in the group commit but not yet written are kept here too (`pending`):
 * a check counts them, so every money operation takes effect in the order it was called, whether
 * or not its write has landed.
 */
export class HoldBook {
  private readonly open = new Map<string, Hold>()
  private readonly perAccount = new Map<string, number>()
  private readonly perKey = new Map<string, number>()
  private readonly pendingAccount = new Map<string, number>()
  private readonly pendingKey = new Map<string, number>()
  private pending = 0

  get size(): number {
    return this.open.size
  }

  add(hold: Hold): void {
    this.open.set(hold.id, hold)
    add(this.perAccount, hold.accountId, hold.amountMicros)
    if (hold.keyId !== null) add(this.perKey, hold.keyId, hold.amountMicros)
  }

  /** Removes the hold; null if it is not open (a hold resolves once). */
  take(id: string): Hold | null {
    const hold = this.open.get(id)
    if (!hold) return null
    this.open.delete(id)
    subtract(this.perAccount, hold.accountId, hold.amountMicros)
    if (hold.keyId !== null) subtract(this.perKey, hold.keyId, hold.amountMicros)
    return hold
  }

  accountHeld(accountId: string): number {
    return this.perAccount.get(accountId) ?? 0
  }

  /** The account's written balance with what is pending and held beside it. */
  funds(accountId: string, writtenBalanceMicros: number): AccountFunds {
    return { balanceMicros: writtenBalanceMicros, pendingMicros: this.accountPending(accountId), heldMicros: this.accountHeld(accountId) }
  }

  /** What new holds may take (the one rule, `availableMicros` in holds.ts). */
  available(accountId: string, writtenBalanceMicros: number): number {
    return availableMicros(this.funds(accountId, writtenBalanceMicros))
  }

  keyHeld(keyId: string): number {
    return this.perKey.get(keyId) ?? 0
  }

  /** Queues a balance change (negative for a charge) and, for a charge by a key, the key's spend. */
  addPending(accountId: string, deltaMicros: number, keyId: string | null = null, spendMicros = 0): void {
    this.pending++
    add(this.pendingAccount, accountId, deltaMicros)
    if (keyId !== null && spendMicros !== 0) add(this.pendingKey, keyId, spendMicros)
  }

  /** The queued change was written (or failed): the database now has it, or never will. */
  removePending(accountId: string, deltaMicros: number, keyId: string | null = null, spendMicros = 0): void {
    this.pending--
    add(this.pendingAccount, accountId, -deltaMicros)
    if (keyId !== null && spendMicros !== 0) add(this.pendingKey, keyId, -spendMicros)
  }

  /** How many money writes are called for and not yet written. */
  get pendingWrites(): number {
    return this.pending
  }

  /** Balance changes of the account called for and not yet written. */
  accountPending(accountId: string): number {
    return this.pendingAccount.get(accountId) ?? 0
  }

  /** Charges by the key called for and not yet written. */
  keyPending(keyId: string): number {
    return this.pendingKey.get(keyId) ?? 0
  }

  /** Open holds placed before `before`. */
  olderThan(before: number): Hold[] {
    return [...this.open.values()].filter((hold) => hold.createdAt < before)
  }

  /** Releases every open hold (pending writes are left to land). */
  clear(): number {
    const n = this.open.size
    this.open.clear()
    this.perAccount.clear()
    this.perKey.clear()
    return n
  }
}

function add(totals: Map<string, number>, id: string, amount: number) {
  const total = (totals.get(id) ?? 0) + amount
  // Dropped at zero, so the maps hold only accounts and keys with something in flight.
  if (total === 0) totals.delete(id)
  else totals.set(id, total)
}

const subtract = (totals: Map<string, number>, id: string, amount: number) => add(totals, id, -amount)
