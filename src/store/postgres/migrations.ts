// Postgres schema migrations, applied in order under an advisory lock; schema_migrations records each one applied.
// Append only. Mirrors the SQLite schema (src/store/migrations.ts) where the tables are shared, plus
// what several instances need: open holds as rows with their owning instance, and instance leases.
import type { SQL } from 'bun'

export const POSTGRES_MIGRATIONS: string[] = [
  // 1: accounts, keys, ledger, key spend, open holds and the instances that own them, settings
  `
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT,
    plan TEXT NOT NULL,
    balance_micros BIGINT NOT NULL DEFAULT 0,
    disabled_models TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    deleted_at BIGINT
  );
  CREATE UNIQUE INDEX accounts_live_email ON accounts(email) WHERE deleted_at IS NULL;

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT,
    hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    models TEXT,
    ip_allowlist TEXT,
    rpm INTEGER,
    budget_micros BIGINT,
    budget_window_days INTEGER NOT NULL DEFAULT 30,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
  );
  CREATE INDEX api_keys_account ON api_keys(account_id);

  CREATE TABLE ledger (
    id BIGSERIAL PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    type TEXT NOT NULL CHECK (type IN ('topup', 'charge', 'refund', 'adjustment', 'expiry')),
    amount_micros BIGINT NOT NULL,
    balance_after_micros BIGINT NOT NULL,
    request_id TEXT,
    topup_id TEXT,
    key_id TEXT,
    note TEXT,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX ledger_account ON ledger(account_id, id);
  CREATE INDEX ledger_key_time ON ledger(key_id, created_at) WHERE key_id IS NOT NULL;
  CREATE INDEX ledger_account_time ON ledger(account_id, created_at);
  -- a request is charged at most once, whatever retries, races or instances
  CREATE UNIQUE INDEX ledger_one_charge_per_request ON ledger(request_id) WHERE type = 'charge';
  CREATE UNIQUE INDEX ledger_one_credit_per_topup ON ledger(topup_id) WHERE type = 'topup' AND topup_id IS NOT NULL;

  CREATE TABLE key_spend (
    key_id TEXT PRIMARY KEY REFERENCES api_keys(id),
    window_start BIGINT NOT NULL,
    spent_micros BIGINT NOT NULL DEFAULT 0
  );

  -- each running token-hub: its holds live while its lease does
  CREATE TABLE instances (
    id TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    lease_until BIGINT NOT NULL
  );

  -- money set aside for a request in flight on some instance: settled or released exactly once
  -- (the row is deleted by whoever resolves it), or swept once its instance's lease lapsed
  CREATE TABLE holds (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    key_id TEXT,
    request_id TEXT NOT NULL,
    amount_micros BIGINT NOT NULL CHECK (amount_micros >= 0),
    created_at BIGINT NOT NULL,
    instance_id TEXT NOT NULL
  );
  CREATE INDEX holds_account ON holds(account_id);
  CREATE INDEX holds_key ON holds(key_id) WHERE key_id IS NOT NULL;
  CREATE INDEX holds_instance ON holds(instance_id);

  -- bumped by every change that must reach other instances' caches (keys, accounts)
  CREATE TABLE change_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
  );
  INSERT INTO change_version (id, version) VALUES (1, 0);
  `,
  // 2 (issue 15): the pico-USD below the micro-dollar each account's charges have not yet reached
  // (as SQLite's migration 8), so the ledger stays within 1 µUSD of the exact sum of costs.
  `
  ALTER TABLE accounts ADD COLUMN charge_remainder_picos BIGINT NOT NULL DEFAULT 0
    CHECK (charge_remainder_picos >= 0 AND charge_remainder_picos < 1000000);
  `,
]

/** Applies every migration not yet recorded, each in its own transaction, one migrator at a time across instances. */
export async function migratePostgres(sql: SQL): Promise<number> {
  return sql.begin(async (tx) => {
    // Instances starting together take turns; the lock ends with the transaction.
    await tx`SELECT pg_advisory_xact_lock(7412019)`
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`
    const [row] = await tx`SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_migrations`
    const current = Number(row.v)
    let applied = 0
    for (let i = current; i < POSTGRES_MIGRATIONS.length; i++) {
      await tx.unsafe(POSTGRES_MIGRATIONS[i]!)
      await tx`INSERT INTO schema_migrations (version) VALUES (${i + 1})`
      applied++
    }
    return applied
  })
}
