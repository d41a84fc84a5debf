// A tagged template that escapes every interpolated value unless it is already Html, plus display formats.
import { formatUsd, formatUsdExact } from '../../money/usd'

/** Markup that is safe to insert as is (built by `html` or deliberately `raw`). */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

function render(value: unknown): string {
  if (value instanceof Html) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === null || value === undefined || value === false) return ''
  return escapeHtml(String(value))
}

/**
 * @example html`<td>${user.email}</td>` — the email is escaped; nested html`` and arrays of it are not.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!
  })
  return new Html(out)
}

/** Trusted markup only (our own constants, never user input). */
export const raw = (markup: string) => new Html(markup)

export const usd = (micros: number) => `$${formatUsd(micros)}`
/** Per-call costs are often below $0.0001: shown to the micro-dollar, as the ledger keeps them. */
export const usdExact = (micros: number) => `$${formatUsdExact(micros)}`

/** "2026-01-31 14:05:09 UTC" */
export const time = (ms: number | null) => (ms === null ? '—' : `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`)
export const day = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().slice(0, 10))
export const isoTime = (ms: number) => new Date(ms).toISOString()
