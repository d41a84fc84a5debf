// The Postgres store for N instances: every table family behind the same interfaces as SQLite's, shared by all instances.
import type { SQL } from 'bun'
import type { Store } from '..'
import { randomBase62 } from '../../ids'
import { isConnectionError, openPostgres } from './connect'
import { migratePostgres } from './migrations'
import { AccountSequencer } from './sequencer'
import { postgresAccountStore } from './accounts'
import { postgresKeyStore } from './keys'
import { postgresLedgerStore } from './ledger'
import { postgresHoldStore } from './holds'
import { postgresKeySpendStore } from './key-spend'
import { startInstanceLease, type InstanceLease } from './instance-lease'
import { postgresRequestLogStore } from './request-log'
import {
  postgresDirectoryStore,
  postgresKeyUpdateStore,
  postgresLedgerLookupStore,
  postgresSettingsStore,
  postgresSpendStore,
} from './small-stores'
import { postgresInviteStore, postgresSessionStore, postgresUserStore } from './people'
import { postgresTopupStore } from './topups'
import { postgresAlertStore, postgresLedgerStatementStore, postgresUsageStore } from './insights'

export interface PostgresStore extends Store {
  readonly sql: SQL
  readonly instanceId: string
  /** This instance's call order of money operations per account. */
  readonly order: AccountSequencer
  readonly lease: InstanceLease
  /** The shared change counter: bumped by every key or account change, on any instance. */
  externalVersion(): Promise<number>
  /** Ends the lease (its holds become sweepable) and closes the pool once this instance's money calls are done. */
  close(): Promise<void>
}

/** Only what the money module needs is used by some tests; the full store is a superset. */
export type PostgresMoneyStore = PostgresStore

export interface PostgresStoreOptions {
  now: () => number
  /** How long this instance's holds outlive its last lease renewal (default 30 s). */
  leaseMs?: number
  /** Call order of this instance's money operations (a test keeps one across restarts); default: its own. */
  order?: AccountSequencer
  /** Pool size (default 20). */
  maxConnections?: number
  /** `[storage] instance_name`: replaces a dead instance of the same name at start (see instance-lease.ts). */
  instanceName?: string | null
  /** How often the database is pinged for /healthz and `writeProblem` (default 1 s; 0: never, tests). */
  pingIntervalMs?: number
  /** How often this instance sweeps the holds of instances whose lease lapsed (default: half the lease; 0: never, tests). */
  sweepIntervalMs?: number
}

/** Opens the pool, applies migrations, registers this instance's lease. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions): Promise<PostgresStore> {
  const max = options.maxConnections ?? 20
  const sql = openPostgres(url, { max })
  await migratePostgres(sql)
  // The pool opened now, not by the first requests: a Postgres connection costs a backend process
  // and a few ms, which the first burst after a start (or a restart) would otherwise wait for.
  await Promise.all(Array.from({ length: max }, () => sql`SELECT 1`))
  return postgresStoreOn(sql, options)
}

/** The store over an open, migrated pool. */
export async function postgresStoreOn(sql: SQL, options: PostgresStoreOptions): Promise<PostgresStore> {
  const instanceId = `inst_${randomBase62(16)}`
  const order = options.order ?? new AccountSequencer()
  const lease = await startInstanceLease(sql, {
    instanceId,
    leaseMs: options.leaseMs ?? 30_000,
    now: options.now,
    name: options.instanceName,
  })
  let problem: string | null = null
  // The database's reachability, known without a query on the hot path: a ping off a timer, and
  // every failed money write (billing maps those to 503 itself).
  const ping = async () => {
    try {
      await sql`SELECT 1`
      problem = null
    } catch (error) {
      problem = isConnectionError(error)
        ? `database unreachable: ${(error as Error).message}`
        : `database check failed: ${(error as Error).message}`
    }
  }
  const interval = options.pingIntervalMs ?? 1_000
  const pinger = interval > 0 ? setInterval(() => void ping(), interval) : null
  pinger?.unref?.()
  const holds = postgresHoldStore(sql, order, instanceId, options.now)
  // Every instance sweeps: whichever is alive releases the holds of one that died, within a lease
  // and half. A live instance's holds are never taken (its lease is renewed every third of it).
  const sweepMs = options.sweepIntervalMs ?? Math.ceil((options.leaseMs ?? 30_000) / 2)
  const sweeper =
    sweepMs > 0
      ? setInterval(() => {
          holds
            .releaseAll()
            .then((n) => {
              if (n > 0) console.warn(`released ${n} hold(s) of instance(s) whose lease lapsed`)
            })
            .catch(() => {})
        }, sweepMs)
      : null
  sweeper?.unref?.()
  const changed = async () => {
    await sql`UPDATE change_version SET version = version + 1 WHERE id = 1`
  }
  return {
    sql,
    instanceId,
    order,
    lease,
    accounts: postgresAccountStore(sql, changed),
    keys: postgresKeyStore(sql, changed),
    ledger: postgresLedgerStore(sql, order),
    holds,
    keySpend: postgresKeySpendStore(sql),
    requestLog: postgresRequestLogStore(sql),
    settings: postgresSettingsStore(sql),
    users: postgresUserStore(sql),
    sessions: postgresSessionStore(sql),
    invites: postgresInviteStore(sql),
    topups: postgresTopupStore(sql, order),
    spend: postgresSpendStore(sql),
    keyUpdates: postgresKeyUpdateStore(sql, changed),
    directory: postgresDirectoryStore(sql),
    ledgerLookup: postgresLedgerLookupStore(sql),
    usage: postgresUsageStore(sql),
    alerts: postgresAlertStore(sql),
    statement: postgresLedgerStatementStore(sql),
    ping: () => problem === null,
    writeProblem: () => problem,
    async externalVersion() {
      const [row] = await sql`SELECT version FROM change_version WHERE id = 1`
      return Number(row!.version)
    },
    startCheckpointer: () => null,
    async close() {
      if (pinger) clearInterval(pinger)
      if (sweeper) clearInterval(sweeper)
      await order.all(async () => {})
      await lease.end().catch(() => {})
      await sql.close()
    },
  }
}
