// The money implementations the conformance suites run over, each with its fixtures and inspection hooks: the only place they know SQLite or Postgres.
import { Database } from 'bun:sqlite'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../../src/clock'
import { createBilling, type Billing } from '../../../src/money/billing'
import type { HoldBook } from '../../../src/money/hold-book'
import { openStore, type SqliteStore } from '../../../src/store'
import { ledgerEntryFromRow, type LedgerEntry } from '../../../src/store/ledger'
import { startHub, type TestHub, type TestHubOptions } from '../../helpers'
import { postgres } from './postgres-implementation'

export interface AccountMoney {
  /** The balance as written: what a crash leaves. */
  balanceMicros: number
  /** Σ of the account's ledger entries as written: equals the balance, always. */
  ledgerSumMicros: number
  /** Balance changes called for and not yet written. */
  pendingMicros: number
  /** What the account's open holds reserve. */
  heldMicros: number
}

export interface KeyMoney {
  /** The key's spend as written (in its latest window). */
  spentMicros: number
  /** Charges by the key called for and not yet written. */
  pendingMicros: number
  /** What the key's open holds reserve. */
  heldMicros: number
}

export interface MoneySnapshot {
  accounts: Record<string, AccountMoney>
  keys: Record<string, KeyMoney>
  /** Open holds of every account. */
  openHolds: number
}

/** What a test reads of an implementation's state beyond what Billing answers. */
export interface MoneyInspector {
  /**
   * The money of these accounts and keys as of the call: taken before any other step can run (the
   * SQLite one reads synchronously), so a test can compare it with a model read at the same moment.
   */
  snapshot(accountIds: readonly string[], keyIds?: readonly string[]): Promise<MoneySnapshot>
  /** The account's ledger entries as written, oldest first. */
  ledger(accountId: string): Promise<LedgerEntry[]>
}

/** A fresh instance of an implementation in this process, with fixtures for what Billing does not create. */
export interface MoneyWorld {
  /** Replaced by `restart()`: read it at each use. */
  readonly billing: Billing
  readonly inspect: MoneyInspector
  /** An account with `balanceMicros` of credit (a top-up), created at the clock's now. */
  account(id: string, balanceMicros: number): Promise<void>
  /** A key of the account with a 30-day budget window, created at the clock's now. */
  key(id: string, accountId: string, budgetMicros: number | null): Promise<void>
  /**
   * Stops the instance as a process stop does (writes called for land) and starts a new one on the
   * same data, which does what a server does at start: release the holds left open. Stop and start
   * happen before this returns; the promise says how many holds the start released.
   */
  restart(): Promise<number>
  close(): Promise<void>
}

/** A whole token-hub (HTTP on a free port, mock upstreams) over a fresh instance. */
export interface MoneyHub extends Pick<TestHub, 'url' | 'account' | 'close'> {
  billing: Billing
  inspect: MoneyInspector
}

/** The data of a real `token-hub serve` process (its own process, killed at will). */
export interface ServerData {
  /** The config's `[storage]` table (after `prepare`). */
  readonly toml: string
  /** Makes the data store ready (a database to create); before `toml` is read. */
  prepare?(): Promise<void>
  /** A connection of our own to the data, as another process has it (after a kill -9 too). */
  open(): Promise<StoredMoney>
}

export interface StoredMoney extends MoneyInspector {
  /** The data store's own consistency check: 'ok' when sound. */
  integrity(): Promise<string>
  close(): Promise<void>
}

export interface MoneyImplementation {
  name: string
  /** Whether it can serve a whole token-hub (startHub, serverData); the Billing-level suites run either way. */
  serves: boolean
  /**
   * Whether open holds are written where a restarted instance finds them (its start then releases
   * them), or live in the process and go with it.
   */
  holdsOutliveProcess: boolean
  open(clock: Clock): Promise<MoneyWorld>
  startHub(options?: TestHubOptions): Promise<MoneyHub>
  /** Where a server keeps its data under `dir`. */
  serverData(dir: string): ServerData
}

/** Reads `db` (and, in the serving process, its hold book) synchronously: the snapshot is of the moment of the call. */
function sqliteInspector(db: () => Database, book: () => HoldBook | null): MoneyInspector {
  return {
    async snapshot(accountIds, keyIds = []) {
      const d = db()
      const b = book()
      const balance = d.query<{ balance_micros: number }, [string]>('SELECT balance_micros FROM accounts WHERE id = ?')
      const sum = d.query<{ s: number }, [string]>('SELECT COALESCE(SUM(amount_micros), 0) AS s FROM ledger WHERE account_id = ?')
      const spent = d.query<{ spent_micros: number }, [string]>('SELECT spent_micros FROM key_spend WHERE key_id = ?')
      const accounts: Record<string, AccountMoney> = {}
      for (const id of accountIds) {
        const row = balance.get(id)
        if (!row) throw new Error(`no account ${id}`)
        accounts[id] = {
          balanceMicros: row.balance_micros,
          ledgerSumMicros: sum.get(id)!.s,
          pendingMicros: b?.accountPending(id) ?? 0,
          heldMicros: b?.accountHeld(id) ?? 0,
        }
      }
      const keys: Record<string, KeyMoney> = {}
      for (const id of keyIds) {
        keys[id] = { spentMicros: spent.get(id)?.spent_micros ?? 0, pendingMicros: b?.keyPending(id) ?? 0, heldMicros: b?.keyHeld(id) ?? 0 }
      }
      return { accounts, keys, openHolds: b?.size ?? 0 }
    },
    async ledger(accountId) {
      type Row = Parameters<typeof ledgerEntryFromRow>[0]
      return db().query<Row, [string]>('SELECT * FROM ledger WHERE account_id = ? ORDER BY id').all(accountId).map(ledgerEntryFromRow)
    },
  }
}

async function createAccount(store: SqliteStore, clock: Clock, id: string, balanceMicros: number) {
  await store.accounts.create({ id, email: `${id}@t.local`, name: null, plan: 'standard', createdAt: clock.now() })
  if (balanceMicros) await store.ledger.append({ accountId: id, type: 'topup', amountMicros: balanceMicros, createdAt: clock.now() })
}

async function createKey(store: SqliteStore, clock: Clock, id: string, accountId: string, budgetMicros: number | null) {
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
}

// tmpfs when there is one: the property suite creates and reopens hundreds of databases, and on a
// disk those cost mostly fsyncs.
const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()

const sqlite: MoneyImplementation = {
  name: 'SQLite (holds in this process)',
  serves: true,
  holdsOutliveProcess: false,
  async open(clock) {
    const dir = mkdtempSync(join(scratch, 'th-money-'))
    const path = join(dir, 'money.db')
    let store = openStore(path)
    let billing = createBilling(store, clock)
    return {
      get billing() {
        return billing
      },
      inspect: sqliteInspector(
        () => store.db,
        () => store.holdBook,
      ),
      account: (id, balanceMicros) => createAccount(store, clock, id, balanceMicros),
      key: (id, accountId, budgetMicros) => createKey(store, clock, id, accountId, budgetMicros),
      restart() {
        // Closing commits the writes still queued; the new store, like `createApp`, releases what
        // was left open (nothing: the holds went with the old one).
        store.close()
        store = openStore(path)
        billing = createBilling(store, clock)
        return store.holds.releaseAll()
      },
      async close() {
        store.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  },
  async startHub(options) {
    const hub = await startHub(options)
    return {
      url: hub.url,
      account: hub.account,
      close: hub.close,
      billing: hub.hub.billing,
      inspect: sqliteInspector(
        () => hub.hub.store.db,
        () => hub.hub.store.holdBook,
      ),
    }
  },
  serverData(dir) {
    const path = join(dir, 'token-hub.db')
    return {
      toml: `[storage]\nsqlite_path = "${path}"\n`,
      async open() {
        const db = new Database(path)
        return {
          // Another process sees no holds and nothing pending: those live in the serving process.
          ...sqliteInspector(
            () => db,
            () => null,
          ),
          async integrity() {
            return db.query<{ integrity_check: string }, []>('PRAGMA integrity_check').get()!.integrity_check
          },
          async close() {
            db.close()
          },
        }
      },
    }
  },
}

/** Every implementation of the money module; no suite may name one. */
export const IMPLEMENTATIONS: MoneyImplementation[] = [sqlite, postgres]

/** The implementations a whole token-hub runs on (the HTTP-level money suites). */
export const SERVING_IMPLEMENTATIONS = IMPLEMENTATIONS.filter((impl) => impl.serves)
