// The Postgres money implementation for the conformance suites: a real server (test/support/postgres.ts), a fresh database per world.
import type { SQL } from 'bun'
import type { Clock } from '../../../src/clock'
import { createBilling, type Billing } from '../../../src/money/billing'
import { postgresStoreOn, type PostgresMoneyStore } from '../../../src/store/postgres'
import { ledgerEntryFromPgRow } from '../../../src/store/postgres/ledger'
import { AccountSequencer } from '../../../src/store/postgres/sequencer'
import { sharedPostgres } from '../../support/postgres'
import { openPostgres } from '../../../src/store/postgres/connect'
import { migratePostgres } from '../../../src/store/postgres/migrations'
import type { AccountMoney, KeyMoney, MoneyImplementation, MoneyInspector, MoneyWorld } from './implementations'

/**
 * Reads through the instance's own call order (`order.all`): the snapshot is taken after every
 * money call made before it and before any made after, as the SQLite one is by reading synchronously.
 */
export function postgresInspector(sql: () => SQL, order: AccountSequencer | null): MoneyInspector {
  const read = async <T>(op: () => Promise<T>) => (order ? order.all(op) : op())
  return {
    snapshot: (accountIds, keyIds = []) =>
      read(async () => {
        const db = sql()
        const accounts: Record<string, AccountMoney> = {}
        for (const id of accountIds) {
          const [row] = await db`
            SELECT a.balance_micros,
                   (SELECT COALESCE(SUM(amount_micros), 0) FROM ledger l WHERE l.account_id = a.id) AS ledger_sum,
                   (SELECT COALESCE(SUM(amount_micros), 0) FROM holds h WHERE h.account_id = a.id) AS held
            FROM accounts a WHERE a.id = ${id}`
          if (!row) throw new Error(`no account ${id}`)
          accounts[id] = {
            balanceMicros: Number(row.balance_micros),
            ledgerSumMicros: Number(row.ledger_sum),
            pendingMicros: 0,
            heldMicros: Number(row.held),
          }
        }
        const keys: Record<string, KeyMoney> = {}
        for (const id of keyIds) {
          const [row] = await db`
            SELECT (SELECT spent_micros FROM key_spend WHERE key_id = ${id}) AS spent,
                   (SELECT COALESCE(SUM(amount_micros), 0) FROM holds WHERE key_id = ${id}) AS held`
          keys[id] = { spentMicros: Number(row!.spent ?? 0), pendingMicros: 0, heldMicros: Number(row!.held) }
        }
        const [open] = await db`SELECT COUNT(*) AS n FROM holds`
        return { accounts, keys, openHolds: Number(open!.n) }
      }),
    ledger: (accountId) =>
      read(async () => (await sql()`SELECT * FROM ledger WHERE account_id = ${accountId} ORDER BY id`).map(ledgerEntryFromPgRow)),
  }
}

/** Migrated databases of worlds that closed, emptied, with their pools: the property suite opens hundreds of worlds, one at a time. */
const idle: SQL[] = []

async function migratedDatabase(): Promise<SQL> {
  const reused = idle.pop()
  if (reused) return reused
  const sql = openPostgres(await (await sharedPostgres()).createDatabase(), { max: 10 })
  await migratePostgres(sql)
  return sql
}

async function emptied(sql: SQL): Promise<void> {
  // DELETE, not TRUNCATE: a few rows each, and TRUNCATE replaces every table's files
  await sql.begin(async (tx) => {
    for (const table of ['holds', 'instances', 'key_spend', 'ledger', 'api_keys', 'accounts', 'settings'])
      await tx.unsafe(`DELETE FROM ${table}`)
  })
  await sql`UPDATE change_version SET version = 0`
  idle.push(sql)
}

interface Instance {
  store: PostgresMoneyStore
  billing: Billing
}

export const postgres: MoneyImplementation = {
  name: 'Postgres (holds as rows, owned by a leased instance)',
  serves: false,
  holdsOutliveProcess: true,
  async open(clock: Clock): Promise<MoneyWorld> {
    const sql = await migratedDatabase()
    // One call order across restarts: a restart waits for the calls made before it, as a stop does.
    const order = new AccountSequencer()
    const options = { now: () => clock.now(), order }
    const first = await postgresStoreOn(sql, options)
    let instance: Instance | null = { store: first, billing: createBilling(first, clock) }
    let starting: Promise<Instance> = Promise.resolve(instance)
    const sqlOf = () => first.sql

    // Calls go straight to the running instance, so they join its order at the moment they are
    // made; while a restart is under way they wait for the new one.
    const via =
      <A extends unknown[], R>(pick: (billing: Billing) => (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> =>
        instance ? pick(instance.billing)(...args) : starting.then((next) => pick(next.billing)(...args))
    const billing: Billing = {
      hold: via((b) => b.hold),
      settle: via((b) => b.settle),
      release: via((b) => b.release),
      keySpend: via((b) => b.keySpend),
      credit: via((b) => b.credit),
      available: via((b) => b.available),
    }
    const current = async () => instance ?? (await starting)

    return {
      billing,
      inspect: postgresInspector(sqlOf, order),
      async account(id, balanceMicros) {
        const { store } = await current()
        await store.accounts.create({ id, email: `${id}@t.local`, name: null, plan: 'standard', createdAt: clock.now() })
        if (balanceMicros) await store.ledger.append({ accountId: id, type: 'topup', amountMicros: balanceMicros, createdAt: clock.now() })
      },
      async key(id, accountId, budgetMicros) {
        const { store } = await current()
        await store.keys.insert({
          id,
          accountId,
          name: null,
          hash: `h_${id}`,
          prefix: 'sk-th_x',
          models: null,
          ipAllowlist: null,
          rpm: null,
          budgetMicros,
          budgetWindowDays: 30,
          createdAt: clock.now(),
          expiresAt: null,
          revokedAt: null,
        })
      },
      restart() {
        const previous = starting
        instance = null
        let released = 0
        // A stop: the calls made so far land, the lease ends (the pool stays: the next instance
        // shares it, as a new process would open its own); the start releases holds no live instance owns.
        starting = order.all(async () => {
          await (await previous).store.lease.end()
          const store = await postgresStoreOn(first.sql, options)
          released = await store.holds.releaseAll()
          instance = { store, billing: createBilling(store, clock) }
          return instance
        })
        return starting.then(() => released)
      },
      async close() {
        const { store } = await current()
        await order.all(() => store.lease.end())
        await emptied(sql)
      },
    }
  },
  startHub() {
    throw new Error('a whole token-hub on Postgres is not built yet (see issue 18)')
  },
  serverData() {
    throw new Error('a whole token-hub on Postgres is not built yet (see issue 18)')
  },
}
