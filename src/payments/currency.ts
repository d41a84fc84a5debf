// Top-up amounts: customer currency (USD or CNY, two decimals) ↔ USD credit in micro-USD, in integers.

export type TopupCurrency = 'usd' | 'cny'

/** "10", "10.5", "10.50" → 1050 minor units; null for anything else (no silent rounding of money). */
export function parseMinor(text: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!match) return null
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
}

export const formatMinor = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`

/**
 * The USD credit for a payment: cents × 10 000 for USD; fen ÷ `cnyPerUsd` for CNY, rounded down to
 * the micro-dollar (the customer never gets credit they did not pay for).
 */
export function creditForPayment(amountMinor: number, currency: TopupCurrency, cnyPerUsd: number): number {
  if (currency === 'usd') return amountMinor * 10_000
  return Math.floor((amountMinor * 10_000) / cnyPerUsd)
}

/**
 * A partial refund in the payment's currency: the share of the payment that `micros` of its credit
 * represent, rounded down to the minor unit, and the credit that share is worth (what the ledger takes).
 * BigInt keeps 10 000 USD × micro-dollar products exact.
 */
export function refundShare(micros: number, paidMinor: number, creditedMicros: number): { minor: number; micros: number } {
  if (micros <= 0 || paidMinor <= 0 || creditedMicros <= 0) return { minor: 0, micros: 0 }
  const minor = Number((BigInt(micros) * BigInt(paidMinor)) / BigInt(creditedMicros))
  if (minor === 0) return { minor: 0, micros: 0 }
  const worth = (BigInt(minor) * BigInt(creditedMicros) + BigInt(paidMinor) - 1n) / BigInt(paidMinor)
  return { minor, micros: Math.min(micros, Number(worth)) }
}
