// Schema migrations, applied in order; the database's user_version is the count applied.
// Append only: never edit a migration that has shipped.

export const MIGRATIONS: string[] = [
  // 1: accounts, keys, ledger, holds, operational log, settings
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
    balance_micros INTEGER NOT NULL DEFAULT 0,
    -- Σ amount of the account's open holds, kept in step with the holds table
    held_micros INTEGER NOT NULL DEFAULT 0,
    disabled_models TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
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
    budget_micros INTEGER,
    budget_window_days INTEGER NOT NULL DEFAULT 30,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
  );
  CREATE INDEX api_keys_account ON api_keys(account_id);

  CREATE TABLE ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    type TEXT NOT NULL CHECK (type IN ('topup', 'charge', 'refund', 'adjustment', 'expiry')),
    amount_micros INTEGER NOT NULL,
    balance_after_micros INTEGER NOT NULL,
    request_id TEXT,
    topup_id TEXT,
    key_id TEXT,
    note TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX ledger_account ON ledger(account_id, id);
  CREATE INDEX ledger_key_time ON ledger(key_id, created_at) WHERE key_id IS NOT NULL;
  -- a request is charged at most once, whatever retries or races happen
  CREATE UNIQUE INDEX ledger_one_charge_per_request ON ledger(request_id) WHERE type = 'charge';

  -- money set aside for a request in flight: settled at real usage or released, exactly once
  CREATE TABLE holds (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    key_id TEXT,
    request_id TEXT NOT NULL,
    amount_micros INTEGER NOT NULL CHECK (amount_micros >= 0),
    created_at INTEGER NOT NULL
  );
  CREATE INDEX holds_account ON holds(account_id);
  CREATE INDEX holds_key ON holds(key_id);

  CREATE TABLE request_log (
    request_id TEXT PRIMARY KEY,
    ts INTEGER NOT NULL,
    account_id TEXT,
    key_id TEXT,
    route TEXT NOT NULL,
    model TEXT,
    provider TEXT,
    status INTEGER NOT NULL,
    error_code TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    cost_micros INTEGER NOT NULL DEFAULT 0,
    latency_ms REAL NOT NULL,
    ttfb_ms REAL,
    stream INTEGER NOT NULL DEFAULT 0,
    client_ip TEXT,
    attempts TEXT
  );
  CREATE INDEX request_log_ts ON request_log(ts);
  CREATE INDEX request_log_account_ts ON request_log(account_id, ts);
  `,
  // 2: per-key spend in the current budget window, kept in step with holds and charges so the
  // budget check is one conditional UPDATE (no SUM over the ledger on the hot path)
  `
  CREATE TABLE key_spend (
    key_id TEXT PRIMARY KEY REFERENCES api_keys(id),
    -- start (ms) of the window spent_micros belongs to; windows are anchored at the key's creation
    window_start INTEGER NOT NULL,
    spent_micros INTEGER NOT NULL DEFAULT 0,
    -- Σ amount of the key's open holds, whatever window they were placed in
    held_micros INTEGER NOT NULL DEFAULT 0
  );
  `,
  // 3 (issue 4): operators list a key's requests, newest first
  `
  CREATE INDEX request_log_key_ts ON request_log(key_id, ts);
  `,
]
