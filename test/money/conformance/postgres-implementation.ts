// The Postgres money implementation for the conformance suites: a real server (test/support/postgres.ts), a fresh database per world.
import type { SQL } from 'bun'
import type { Clock } from '../../../src/clock'
import { createBilling, type Billing } from '../../../src/money/billing'
import { openPostgresStore, postgresStoreOn, type PostgresMoneyStore } from '../../../src/store/postgres'
import { createApp } from '../../../src/app'
import { ADMIN_TOKEN, testConfig, type TestHubOptions } from '../../helpers'
import { ledgerEntryFromPgRow } from '../../../src/store/postgres/ledger'
import { AccountSequencer } from '../../../src/store/postgres/sequencer'
import { sharedPostgres } from '../../support/postgres'
import { openPostgres } from '../../../src/store/postgres/connect'
import { migratePostgres } from '../../../src/store/postgres/migrations'
import type { AccountMoney, KeyMoney, MoneyHub, MoneyImplementation, MoneyInspector, MoneyWorld } from './implementations'

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
  serves: true,
  holdsOutliveProcess: true,
  async open(clock: Clock): Promise<MoneyWorld> {
    const sql = await migratedDatabase()
    // One call order across restarts: a restart waits for the calls made before it, as a stop does.
    const order = new AccountSequencer()
    const options = { now: () => clock.now(), order, pingIntervalMs: 0, sweepIntervalMs: 0 }
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
  async startHub(options: TestHubOptions = {}): Promise<MoneyHub> {
    const url = await (await sharedPostgres()).createDatabase()
    const config = testConfig(options.config)
    const store = await openPostgresStore(url, { now: () => Date.now() })
    const hub = await createApp({ config, store, env: {}, ...options.deps })
    hub.app.listen({ hostname: '127.0.0.1', port: 0, idleTimeout: 255 })
    const base = `http://127.0.0.1:${hub.app.server!.port}`
    const admin = async (path: string, body: unknown) => {
      const response = await fetch(base + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`)
      return (await response.json()) as Record<string, string>
    }
    return {
      url: base,
      billing: hub.billing,
      inspect: postgresInspector(() => store.sql, store.order),
      async account({ balanceUsd = '10.00', plan, key = {} } = {}) {
        const { id } = await admin('/admin/accounts', { email: `user-${crypto.randomUUID()}@test.local`, plan })
        if (balanceUsd !== '0' && balanceUsd !== '0.00') await admin(`/admin/accounts/${id}/credits`, { amount_usd: balanceUsd })
        const minted = await admin(`/admin/accounts/${id!}/keys`, key)
        return { accountId: id!, key: minted.key!, keyId: minted.id! }
      },
      async close() {
        await hub.app.stop(true)
        await hub.close()
        await store.close()
      },
    }
  },
  serverData(dir) {
    // The database is made when the test first opens it; the server's config names it.
    const name = `th_serve_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
    let url: string | null = null
    const ready = (async () => {
      const server = await sharedPostgres()
      url = await server.createDatabase()
      return url
    })()
    void dir
    return {
      // A stable instance name: the restarted server replaces its killed predecessor at once.
      get toml() {
        if (url === null) throw new Error('serverData: await prepare() first')
        return `[storage]\npostgres_url = "${url}"\ninstance_name = "${name}"\n`
      },
      prepare: () => ready.then(() => {}),
      async open() {
        const sql = openPostgres((await ready)!, { max: 2 })
        return {
          ...postgresInspector(() => sql, null),
          async integrity() {
            // Postgres keeps its own consistency; what a crash could break is ours: balance = Σ ledger and holds of live instances only.
            const [row] = await sql`
              SELECT COUNT(*) AS n FROM accounts a
              WHERE a.balance_micros <> (SELECT COALESCE(SUM(amount_micros), 0) FROM ledger l WHERE l.account_id = a.id)`
            return Number(row!.n) === 0 ? 'ok' : `${row!.n} account(s) whose balance is not the sum of their ledger`
          },
          close: () => sql.close(),
        }
      },
    }
  },
}
