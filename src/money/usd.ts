// Money as integer micro-USD (1e-6 USD): parsing decimal strings, formatting with 4 decimals.

export const MICROS_PER_USD = 1_000_000

/**
 * Refuses an amount that is not a whole number of micro-USD a ledger can hold exactly (NaN,
 * Infinity, a fraction, beyond 2^53): such a value would corrupt a balance rather than move it.
 */
export function assertMicros(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount)) throw new Error(`refused to write ${what} of ${amount} µUSD: not a whole number of micro-USD`)
}

/**
 * Parses a USD decimal string ("10", "10.5", "-0.000001") into micro-USD without floating point.
 * Returns null for anything else, including more than 6 decimals (no silent rounding of money).
 */
export function parseUsd(text: string): number | null {
  const match = /^(-)?(\d{1,12})(?:\.(\d{1,6}))?$/.exec(text.trim())
  if (!match) return null
  const whole = Number(match[2])
  const fraction = Number((match[3] ?? '').padEnd(6, '0'))
  const micros = whole * MICROS_PER_USD + fraction
  return match[1] ? -micros : micros
}

/** Micro-USD → "12.3400" (4 decimals, rounded half away from zero). */
export function formatUsd(micros: number): string {
  const sign = micros < 0 ? '-' : ''
  const abs = Math.abs(micros)
  const tenThousandths = Math.floor((abs + 50) / 100)
  const whole = Math.floor(tenThousandths / 10_000)
  const fraction = String(tenThousandths % 10_000).padStart(4, '0')
  return `${sign}${whole}.${fraction}`
}

/** Micro-USD → "0.000123" (full precision), for headers where 4 decimals would round to zero. */
export function formatUsdExact(micros: number): string {
  const sign = micros < 0 ? '-' : ''
  const abs = Math.abs(micros)
  return `${sign}${Math.floor(abs / MICROS_PER_USD)}.${String(abs % MICROS_PER_USD).padStart(6, '0')}`
}

/** Pico-USD (1e-12 USD) → "0.000000123456" (12 decimals, exact), for costs below the micro-dollar. */
export function formatPicosUsd(picos: number | bigint): string {
  const value = BigInt(picos)
  const sign = value < 0n ? '-' : ''
  const abs = value < 0n ? -value : value
  return `${sign}${abs / 1_000_000_000_000n}.${String(abs % 1_000_000_000_000n).padStart(12, '0')}`
}
