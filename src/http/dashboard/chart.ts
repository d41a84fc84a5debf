// The spend-by-day bar chart as inline SVG (no script, no library): one bar per UTC day.
import { formatUsd, formatUsdExact } from '../../money/usd'
import { html, type Html } from './html'

const WIDTH = 720
const HEIGHT = 180
const PAD_LEFT = 48
const PAD_BOTTOM = 22
const PAD_TOP = 10

/** A "nice" axis maximum ≥ `value` (1, 2, 5 × 10ⁿ micro-dollars). */
function niceMax(value: number): number {
  if (value <= 0) return 10_000
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

/** "$0.00025", "$2", "$0": the axis value without trailing zeros. */
const axisLabel = (micros: number) => formatUsdExact(Math.round(micros)).replace(/\.?0+$/, '') || '0'

export function spendChart(days: Array<{ day: number; micros: number }>): Html {
  const max = niceMax(Math.max(0, ...days.map((d) => d.micros)))
  const plotW = WIDTH - PAD_LEFT - 8
  const plotH = HEIGHT - PAD_BOTTOM - PAD_TOP
  const slot = plotW / Math.max(days.length, 1)
  const barW = Math.max(2, slot * 0.7)
  const bars = days.map((d, i) => {
    const h = Math.round((d.micros / max) * plotH * 10) / 10
    const x = PAD_LEFT + i * slot + (slot - barW) / 2
    const date = new Date(d.day).toISOString().slice(0, 10)
    return html`<rect class="bar" x="${x.toFixed(1)}" y="${(PAD_TOP + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h}"><title>${date}: $${formatUsd(d.micros)}</title></rect>`
  })
  const labels = days
    .map((d, i) => ({ d, i }))
    // Every 7th day counted back from today, so the last label is today and none collide.
    .filter(({ i }) => (days.length - 1 - i) % 7 === 0)
    .map(
      ({ d, i }) =>
        html`<text x="${(PAD_LEFT + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - 6}" text-anchor="middle">${new Date(d.day).toISOString().slice(5, 10)}</text>`,
    )
  const gridY = [0, 0.5, 1].map((f) => {
    const y = PAD_TOP + plotH - f * plotH
    return html`<line class="axis" x1="${PAD_LEFT}" x2="${WIDTH - 8}" y1="${y}" y2="${y}"/><text x="${PAD_LEFT - 6}" y="${y + 3}" text-anchor="end">$${axisLabel(max * f)}</text>`
  })
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Spend per day, last ${days.length} days">${gridY}${bars}${labels}</svg>`
}

/** The stacks' colours are classes (the page's CSP allows no inline style): s0…s7 in the stylesheet. */
export const stackClass = (i: number) => `s${i % 8}`

/** A "nice" axis maximum for counts (1, 2, 5 × 10ⁿ). */
const niceCount = (value: number) => (value <= 0 ? 10 : niceMax(value))

/**
 * Stacked bars, one per UTC day, one stack per series (largest at the bottom), each segment titled
 * with its day, series and value so the chart reads without script; `format` shows a value.
 */
export function stackedChart(
  days: readonly number[],
  series: ReadonlyArray<{ label: string; values: readonly number[] }>,
  format: (value: number) => string,
  label: string,
  money: boolean,
): Html {
  const totals = days.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0))
  const max = money ? niceMax(Math.max(0, ...totals)) : niceCount(Math.max(0, ...totals))
  const plotW = WIDTH - PAD_LEFT - 8
  const plotH = HEIGHT - PAD_BOTTOM - PAD_TOP
  const slot = plotW / Math.max(days.length, 1)
  const barW = Math.max(1, slot * 0.7)
  const bars = days.map((d, i) => {
    const x = PAD_LEFT + i * slot + (slot - barW) / 2
    const date = new Date(d).toISOString().slice(0, 10)
    let y = PAD_TOP + plotH
    return series.map((s, j) => {
      const value = s.values[i] ?? 0
      if (value <= 0) return ''
      const h = Math.round((value / max) * plotH * 10) / 10
      y -= h
      return html`<rect class="seg ${stackClass(j)}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h}"><title>${date} · ${s.label}: ${format(value)}</title></rect>`
    })
  })
  const every = Math.max(1, Math.ceil(days.length / 10))
  const labels = days
    .map((d, i) => ({ d, i }))
    .filter(({ i }) => (days.length - 1 - i) % every === 0)
    .map(
      ({ d, i }) =>
        html`<text x="${(PAD_LEFT + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - 6}" text-anchor="middle">${new Date(d).toISOString().slice(5, 10)}</text>`,
    )
  const gridY = [0, 0.5, 1].map((f) => {
    const y = PAD_TOP + plotH - f * plotH
    const text = money ? `$${axisLabel(max * f)}` : compactCount(max * f)
    return html`<line class="axis" x1="${PAD_LEFT}" x2="${WIDTH - 8}" y1="${y}" y2="${y}"/><text x="${PAD_LEFT - 6}" y="${y + 3}" text-anchor="end">${text}</text>`
  })
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label}">${gridY}${bars}${labels}</svg>`
}

/** 1.2k, 3.4M: axis labels for counts. */
export function compactCount(n: number): string {
  if (n >= 1e9) return `${+(n / 1e9).toFixed(1)}G`
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`
  return String(Math.round(n))
}
