// The store: every table family behind its own narrow interface, opened together.
import type { Database } from 'bun:sqlite'
import { startBackgroundCheckpointer, type BackgroundCheckpointer } from './checkpointer'
import { openDatabase } from './db'
import { sqliteAccountStore, type AccountStore } from './accounts'
import { sqliteKeyStore, type KeyStore } from './keys'
import { createGroupCommit, type GroupCommit, type GroupCommitOptions } from './group-commit'
import { HoldBook } from '../money/hold-book'
import { sqliteLedgerStore, type LedgerStore } from './ledger'
import { sqliteHoldStore, type HoldStore } from './holds'
import { sqliteKeySpendStore, type KeySpendStore } from './key-spend'
import { sqliteRequestLogStore, type RequestLogStore } from './request-log'
import { sqliteSettingsStore, type SettingsStore } from './settings'
import { sqliteUserStore, type UserStore } from './users'
import { sqliteSessionStore, type SessionStore } from './sessions'
import { sqliteInviteStore, type InviteStore } from './invites'
import { sqliteTopupStore, type TopupStore } from './topups'
import { sqliteSpendStore, type SpendStore } from './spend'
import { sqliteKeyUpdateStore, type KeyUpdateStore } from './key-updates'
import { sqliteDirectoryStore, type DirectoryStore } from './directory'
import { sqliteLedgerLookupStore, type LedgerLookupStore } from './ledger-lookup'
import { sqliteUsageStore, type UsageStore } from './usage-daily'
import { sqliteAlertStore, type AlertStore } from './alerts'
import { sqliteLedgerStatementStore, type LedgerStatementStore } from './ledger-statement'

/**
 * What the money module (money/billing.ts) needs of a store: every implementation, SQLite or
 * Postgres, provides at least this.
 */
export interface MoneyStore {
  accounts: AccountStore
  keys: KeyStore
  ledger: LedgerStore
  holds: HoldStore
  keySpend: KeySpendStore
  /**
   * Why money cannot be written now (locked by another process for too long, disk full, database
   * unreachable, …), or null. While it is not null no new model call may start: it could not be billed.
   */
  writeProblem(): string | null
}

/**
 * Everything token-hub persists. The core depends on these interfaces only; SQLite is the one
 * implementation today, and a Postgres one would implement the same (hence async signatures).
 */
export interface Store extends MoneyStore {
  requestLog: RequestLogStore
  settings: SettingsStore
  // dashboard, sessions and top-ups
  users: UserStore
  sessions: SessionStore
  invites: InviteStore
  topups: TopupStore
  spend: SpendStore
  keyUpdates: KeyUpdateStore
  directory: DirectoryStore
  ledgerLookup: LedgerLookupStore
  /** Usage per day × account × key × model, kept with the request log. */
  usage: UsageStore
  /** Budget-alert thresholds and crossing state. */
  alerts: AlertStore
  /** An account's ledger as a statement (charges summed per day). */
  statement: LedgerStatementStore
  /** True while the database answers. */
  ping(): boolean
  /**
   * Changes whenever another connection (the CLI, another process or instance) commits a change
   * caches must see. SQLite answers synchronously; a shared store (Postgres) with a round trip.
   */
  externalVersion(): number | Promise<number>
  /** SQLite closes synchronously; Postgres once its pool has drained. */
  close(): void | Promise<void>
  /** Starts the store's background upkeep (SQLite: WAL checkpoints off the event loop); null when it has none. */
  startCheckpointer(): BackgroundCheckpointer | null
}

/** The SQLite store, with the parts only its own modules and tests reach into. */
export interface SqliteStore extends Store {
  /**
   * The queue the hot path's writes (charges, ledger entries, log rows) commit through, in call
   * order, one transaction per event-loop turn; the WAL checkpointer pauses it briefly to catch up.
   */
  readonly writes: GroupCommit
  /** Holds of the requests in flight, and money writes queued but not yet written (in memory). */
  readonly holdBook: HoldBook
  /** The underlying database (tests and store modules only: nothing outside store/ runs SQL). */
  readonly db: Database
}

export interface OpenStoreOptions {
  /** How long a statement waits for another process's lock: 0 (the default) for a server. */
  lockWaitMs?: number
  /** The write queue's clock and outage settings (tests drive them). */
  writes?: GroupCommitOptions
}

export function openStore(path: string, options: OpenStoreOptions = {}): SqliteStore {
  const db = openDatabase(path, { lockWaitMs: options.lockWaitMs })
  const ping = db.query('SELECT 1')
  const dataVersion = db.query<{ data_version: number }, []>('PRAGMA data_version')
  // Holds, ledger entries and log rows share one queue: money commits in call order.
  const writes = createGroupCommit(db, options.writes)
  const holdBook = new HoldBook()
  return {
    db,
    writes,
    holdBook,
    accounts: sqliteAccountStore(db, holdBook),
    keys: sqliteKeyStore(db),
    ledger: sqliteLedgerStore(db, writes, holdBook),
    holds: sqliteHoldStore(db, writes, holdBook),
    keySpend: sqliteKeySpendStore(db, holdBook),
    requestLog: sqliteRequestLogStore(db, writes),
    settings: sqliteSettingsStore(db),
    users: sqliteUserStore(db),
    sessions: sqliteSessionStore(db),
    invites: sqliteInviteStore(db),
    topups: sqliteTopupStore(db, holdBook),
    spend: sqliteSpendStore(db),
    keyUpdates: sqliteKeyUpdateStore(db),
    directory: sqliteDirectoryStore(db, holdBook),
    ledgerLookup: sqliteLedgerLookupStore(db),
    usage: sqliteUsageStore(db),
    alerts: sqliteAlertStore(db),
    statement: sqliteLedgerStatementStore(db),
    ping() {
      try {
        ping.get()
        return true
      } catch {
        return false
      }
    },
    writeProblem: () => writes.problem(),
    externalVersion: () => dataVersion.get()!.data_version,
    // Checkpoints (and their fsync) move off the event loop, so no request waits for the disk.
    startCheckpointer: () => startBackgroundCheckpointer(db, { writes }),
    close: () => {
      writes.flush()
      db.close()
    },
  }
}
