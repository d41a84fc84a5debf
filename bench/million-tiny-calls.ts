// A million calls below the micro-dollar through the real money path: the ledger ends at the exact sum (carry per account).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '../src/clock'
import { createBilling } from '../src/money/billing'
import { classPrices, exactCost, splitPicos } from '../src/money/pricing'
import { openStore } from '../src/store'

const calls = Number(process.argv[2] ?? 1_000_000)
const dir = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'th-tiny-'))
const store = openStore(join(dir, 'tiny.db'))
const billing = createBilling(store, systemClock)
const at = systemClock.now()
store.db.run("INSERT INTO accounts (id, email, name, plan, created_at) VALUES ('acct_tiny', 'tiny@example.com', NULL, 'standard', ?)", [at])
await billing.credit({ accountId: 'acct_tiny', type: 'adjustment', amountMicros: 1_000_000 })

// A 7-token embedding on text-embedding-3-small ($0.02 per million tokens): 140,000 pico-USD.
const model = { prices: { base: classPrices({ input: 0.02, output: 0 }), tiers: [] } }
const cost = exactCost(model, { inputTokens: 7, outputTokens: 0 })
const { micros, remainderPicos } = splitPicos(cost.picos)
const started = performance.now()
for (let i = 0; i < calls; i++) {
  const placed = await billing.hold({ accountId: 'acct_tiny', keyId: 'none', requestId: `req_${i}`, amountMicros: 1 })
  if (!placed.ok) throw new Error(placed.message)
  await billing.settle(placed.hold, micros, remainderPicos)
}
const seconds = (performance.now() - started) / 1000
const charged = -store.db
  .query<{ s: number }, []>("SELECT COALESCE(SUM(amount_micros), 0) AS s FROM ledger WHERE account_id = 'acct_tiny' AND type = 'charge'")
  .get()!.s
const exact = (BigInt(calls) * cost.picos) / 1_000_000n
console.log(
  `${calls.toLocaleString('en')} calls of ${cost.picos} pico-USD in ${seconds.toFixed(1)} s: charged ${charged} µUSD, exact ⌊Σ⌋ ${exact} µUSD ` +
    `(rounding each call would have charged ${Math.round(Number(cost.picos) / 1e6) * calls} µUSD)`,
)
store.close()
rmSync(dir, { recursive: true, force: true })
if (BigInt(charged) !== exact) process.exit(1)
