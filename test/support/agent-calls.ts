// What a key's calls left behind: its log rows (flushed) and the account's charges for them, for the agent CLI tests.
import type { TestHub } from '../helpers'

export interface KeyCalls {
  /** The key's log rows, in the admin API's shape. */
  rows: Array<Record<string, unknown>>
  /** The sum of the rows' costs. */
  loggedMicros: number
  /** The sum of the account's charges for those requests (positive). */
  chargedMicros: number
}

/** The log rows of one key and the ledger charges of its account, once the rows are written. */
export async function callsOf(hub: TestHub, accountId: string, keyId: string): Promise<KeyCalls> {
  await hub.hub.log.flush()
  const page = (await (await hub.admin('GET', `/admin/requests?key=${keyId}&limit=100`)).json()) as { data: Array<Record<string, unknown>> }
  const ledger = (await (await hub.admin('GET', `/admin/accounts/${accountId}/ledger?limit=100`)).json()) as {
    data: Array<{ type: string; request_id: string | null; amount_micros: number }>
  }
  const ids = new Set(page.data.map((row) => row.request_id))
  const charges = ledger.data.filter((e) => e.type === 'charge' && ids.has(e.request_id))
  return {
    rows: page.data,
    loggedMicros: page.data.reduce((sum, row) => sum + Number(row.cost_micros), 0),
    chargedMicros: -charges.reduce((sum, e) => sum + e.amount_micros, 0),
  }
}
