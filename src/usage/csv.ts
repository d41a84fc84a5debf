// CSV export: RFC 4180 quoting, and cells that a spreadsheet would run as a formula are defused.
/** One CSV line; a cell starting with =, +, -, @ (or a tab/CR) gets a leading ' so no spreadsheet evaluates it. */
export function csvLine(cells: ReadonlyArray<string | number | null>): string {
  return cells
    .map((cell) => {
      if (cell === null) return ''
      if (typeof cell === 'number') return String(cell)
      const safe = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell
      return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
    })
    .join(',')
}

export function csvText(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return `${[csvLine(header), ...rows.map(csvLine)].join('\r\n')}\r\n`
}

export function csvResponse(text: string, filename: string): Response {
  return new Response(text, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  })
}
