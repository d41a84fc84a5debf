// The Postgres store for N instances: the money tables (accounts, keys, ledger, key spend, holds) behind the same interfaces as SQLite's.
import type { SQL } from 'bun'
import type { MoneyStore } from '..'
import { randomBase62 } from '../../ids'
import { openPostgres, isConnectionError } from './connect'
import { migratePostgres } from './migrations'
import { AccountSequencer } from './sequencer'
import { postgresAccountStore } from './accounts'
import { postgresKeyStore } from './keys'
import { postgresLedgerStore } from './ledger'
import { postgresHoldStore } from './holds'
import { postgresKeySpendStore } from './key-spend'
import { startInstanceLease, type InstanceLease } from './instance-lease'

export interface PostgresMoneyStore extends MoneyStore {
  readonly sql: SQL
  readonly instanceId: string
  readonly order: AccountSequencer
  readonly lease: InstanceLease
  /** The shared change counter: bumped by every key or account change, on any instance. */
  changeVersion(): Promise<number>
  /** True while the database answers. */
  ping(): Promise<boolean>
  /** Ends the lease (its holds become sweepable) and closes the pool once this instance's money calls are done. */
  close(): Promise<void>
}

export interface PostgresStoreOptions {
  now: () => number
  /** How long this instance's holds outlive its last lease renewal (default 30 s). */
  leaseMs?: number
  /** Call order of this instance's money operations (a test keeps one across restarts); default: its own. */
  order?: AccountSequencer
  /** Pool size (default 20). */
  maxConnections?: number
}

/** Opens the pool, applies migrations, registers this instance's lease. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions): Promise<PostgresMoneyStore> {
  const sql = openPostgres(url, { max: options.maxConnections })
  await migratePostgres(sql)
  return postgresStoreOn(sql, options)
}

/** The store over an open, migrated pool. */
export async function postgresStoreOn(sql: SQL, options: PostgresStoreOptions): Promise<PostgresMoneyStore> {
  const instanceId = `inst_${randomBase62(16)}`
  const order = options.order ?? new AccountSequencer()
  const lease = await startInstanceLease(sql, { instanceId, leaseMs: options.leaseMs ?? 30_000, now: options.now })
  let problem: string | null = null
  const changed = async () => {
    await sql`UPDATE change_version SET version = version + 1 WHERE id = 1`
  }
  const holds = postgresHoldStore(sql, order, instanceId, options.now)
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
    writeProblem: () => problem,
    async changeVersion() {
      const [row] = await sql`SELECT version FROM change_version WHERE id = 1`
      return Number(row!.version)
    },
    async ping() {
      try {
        await sql`SELECT 1`
        problem = null
        return true
      } catch (error) {
        if (isConnectionError(error)) problem = `database unreachable: ${(error as Error).message}`
        return false
      }
    },
    async close() {
      await order.all(async () => {})
      await lease.end().catch(() => {})
      await sql.close()
    },
  }
}
