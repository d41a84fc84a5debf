// Credit lots: which top-up each spent micro-dollar came from. Pure; the store feeds it the ledger.
import type { LotHistoryEntry } from '../store/lot-history'

export interface Lot {
  entryId: number
  /** The top-up id (`top_…` for Stripe lots, `manual_…` for operator credit), null for other credit. */
  topupId: string | null
  amountMicros: number
  remainingMicros: number
  /** null: never expires (operator credit, positive adjustments). */
  expiresAt: number | null
  at: number
}

export interface LotState {
  /** In the order they were credited. */
  lots: Lot[]
  /** Spending not covered by any lot (a negative balance); the next credit pays it first. */
  debtMicros: number
}

/**
 * Replays an account's history and attributes every debit to lots:
 *
 * - Debits (charges, negative adjustments) consume the lot that expires soonest first, which is the
 *   oldest top-up, since every top-up lives 12 months; credit that never expires is consumed last.
 * - A lot stays consumable until its `expiry` entry is written (the expiry job runs every few
 *   minutes), so an expiry never takes money that was already spent and never drives the balance negative.
 * - Entries naming a lot (expiry, refund, reverted refund) change only that lot (money coming back
 *   pays any debt first).
 * - Spending beyond every lot is debt; new credit pays debt before it becomes a lot's remainder.
 *
 * Invariant: Σ remaining − debt = Σ ledger amounts = the balance.
 */
export function allocateLots(history: readonly LotHistoryEntry[]): LotState {
  const lots: Lot[] = []
  const byTopup = new Map<string, Lot>()
  let debt = 0
  const consume = (amount: number) => {
    let left = amount
    for (const lot of consumptionOrder(lots)) {
      if (left === 0) break
      const take = Math.min(left, lot.remainingMicros)
      lot.remainingMicros -= take
      left -= take
    }
    debt += left
  }
  const addLot = (step: Extract<LotHistoryEntry, { kind: 'credit' }>) => {
    const paid = Math.min(debt, step.amountMicros)
    debt -= paid
    const lot: Lot = {
      entryId: step.entryId,
      topupId: step.topupId,
      amountMicros: step.amountMicros,
      remainingMicros: step.amountMicros - paid,
      expiresAt: step.expiresAt,
      at: step.at,
    }
    lots.push(lot)
    if (step.topupId !== null) byTopup.set(step.topupId, lot)
  }
  for (const step of history) {
    if (step.kind === 'credit') {
      addLot(step)
    } else if (step.kind === 'lot') {
      const lot = byTopup.get(step.topupId)
      if (!lot) {
        // An entry for a lot this account never received cannot happen through the services; keep the sum right.
        if (step.amountMicros < 0) consume(-step.amountMicros)
        else addLot({ kind: 'credit', entryId: step.entryId, topupId: null, amountMicros: step.amountMicros, expiresAt: null, at: 0 })
        continue
      }
      // Money coming back to a lot (a refund Stripe refused) pays debt first, like any credit.
      const paid = step.amountMicros > 0 ? Math.min(debt, step.amountMicros) : 0
      debt -= paid
      lot.remainingMicros += step.amountMicros - paid
      if (lot.remainingMicros < 0) {
        // More than the lot held (cannot happen through the services): the rest is ordinary spending.
        const overdraw = -lot.remainingMicros
        lot.remainingMicros = 0
        consume(overdraw)
      }
    } else {
      consume(step.amountMicros)
    }
  }
  return { lots, debtMicros: debt }
}

/** Lots with money left, soonest expiry first, never-expiring last, ties by age. */
function consumptionOrder(lots: Lot[]): Lot[] {
  return lots
    .filter((lot) => lot.remainingMicros > 0)
    .sort((a, b) => {
      if (a.expiresAt !== b.expiresAt) {
        if (a.expiresAt === null) return 1
        if (b.expiresAt === null) return -1
        return a.expiresAt - b.expiresAt
      }
      return a.entryId - b.entryId
    })
}

/** The remaining credit of one top-up's lot (0 if it is not a lot of this history). */
export function lotRemaining(history: readonly LotHistoryEntry[], topupId: string): number {
  return allocateLots(history).lots.find((lot) => lot.topupId === topupId)?.remainingMicros ?? 0
}

/** 12 calendar months after `at` (UTC); the 29th–31st roll to the end of the target month. */
export function addMonths(at: number, months: number): number {
  const date = new Date(at)
  const day = date.getUTCDate()
  date.setUTCDate(1)
  date.setUTCMonth(date.getUTCMonth() + months)
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate()
  date.setUTCDate(Math.min(day, lastDay))
  return date.getTime()
}
