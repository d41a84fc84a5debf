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
  // 4 (issue 7): dashboard users and sessions, invites, Stripe top-ups (credit lots) and processed webhook events
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX users_account ON users(account_id);

  -- only the SHA-256 of a session id is kept: a copy of the database signs nobody in
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);

  CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    -- null: the invitee gets a new account of their own, as its owner
    account_id TEXT REFERENCES accounts(id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );

  -- one row per Stripe Checkout top-up; once paid it is a credit lot that expires 12 months later
  CREATE TABLE topups (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    user_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'failed', 'refunding', 'refunded')),
    currency TEXT NOT NULL CHECK (currency IN ('usd', 'cny')),
    -- what the customer pays, in the currency's minor unit (cents, fen)
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    -- USD credit quoted at creation; the credit posted is recomputed from Stripe's own amount
    quoted_micros INTEGER NOT NULL,
    cny_per_usd REAL,
    checkout_session_id TEXT UNIQUE,
    checkout_url TEXT,
    payment_intent_id TEXT,
    credited_micros INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    paid_at INTEGER,
    lot_expires_at INTEGER,
    lot_expired_at INTEGER,
    expired_micros INTEGER NOT NULL DEFAULT 0,
    refund_id TEXT,
    refund_micros INTEGER NOT NULL DEFAULT 0,
    refund_minor INTEGER NOT NULL DEFAULT 0,
    -- each refund attempt gets its own Stripe idempotency key (a refused one must not be replayed)
    refund_attempt INTEGER NOT NULL DEFAULT 0,
    refunded_at INTEGER
  );
  CREATE INDEX topups_account ON topups(account_id, created_at);
  CREATE INDEX topups_lot_expiry ON topups(lot_expires_at) WHERE lot_expired_at IS NULL AND lot_expires_at IS NOT NULL;

  -- every Stripe event id is acted on once, however often Stripe delivers it
  CREATE TABLE stripe_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    topup_id TEXT,
    outcome TEXT NOT NULL,
    received_at INTEGER NOT NULL
  );
  -- a top-up is credited once, whichever event or page saw the payment first
  CREATE UNIQUE INDEX ledger_one_credit_per_topup ON ledger(topup_id) WHERE type = 'topup' AND topup_id IS NOT NULL;
  CREATE INDEX ledger_account_time ON ledger(account_id, created_at);
  CREATE INDEX request_log_account_key_ts ON request_log(account_id, key_id, ts);
  `,
  // 5 (issue 6): holds are only ever found by id (settle, release) or scanned whole (the sweeper,
  // a restart); the table holds requests in flight only. Its two secondary indexes cost two more
  // B-tree writes (and WAL pages) per hold placed and per hold resolved, on every request.
  `
  DROP INDEX IF EXISTS holds_account;
  DROP INDEX IF EXISTS holds_key;
  `,
  // 6 (issue 11): holds live in memory (money/hold-book.ts) since issue 6; the table and the two
  // running totals it kept in step were only ever cleared at start. Nothing in flight survives a
  // restart, so dropping them loses nothing.
  `
  DROP TABLE IF EXISTS holds;
  ALTER TABLE accounts DROP COLUMN held_micros;
  ALTER TABLE key_spend DROP COLUMN held_micros;
  `,
  // 7 (issue 13): a request can differ from what the client asked without failing (hosted tools
  // left out of a translated Responses request); the row says how, as a JSON array of notes.
  `
  ALTER TABLE request_log ADD COLUMN notes TEXT;
  `,
  // 8 (issue 15): billing per token class. Each account carries the pico-USD (1e-12) below the
  // micro-dollar its charges have not yet reached, so the ledger stays within 1 µUSD of the exact
  // sum of costs; each log row keeps its tokens per class and its exact cost per class (JSON).
  `
  ALTER TABLE accounts ADD COLUMN charge_remainder_picos INTEGER NOT NULL DEFAULT 0
    CHECK (charge_remainder_picos >= 0 AND charge_remainder_picos < 1000000);
  ALTER TABLE request_log ADD COLUMN cache_read_tokens INTEGER;
  ALTER TABLE request_log ADD COLUMN cache_write_tokens INTEGER;
  ALTER TABLE request_log ADD COLUMN cache_write_1h_tokens INTEGER;
  ALTER TABLE request_log ADD COLUMN reasoning_tokens INTEGER;
  ALTER TABLE request_log ADD COLUMN cost_breakdown TEXT;
  `,
  // 9 (issue 17): usage per UTC day × account × key × model, kept in step with the request log in
  // the log's own write transaction, so the Usage page sums a few thousand rows instead of millions;
  // the gateway's own error text on failed rows; budget-alert thresholds and their crossing state.
  `
  ALTER TABLE request_log ADD COLUMN error_message TEXT;
  CREATE TABLE usage_daily (
    day INTEGER NOT NULL,
    account_id TEXT NOT NULL,
    -- '' for rows without a key or model: NULL would make every row its own group
    key_id TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    requests INTEGER NOT NULL DEFAULT 0,
    cost_micros INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, day, key_id, model)
  ) WITHOUT ROWID;
  CREATE INDEX usage_daily_day ON usage_daily(day);
  INSERT INTO usage_daily (day, account_id, key_id, model, requests, cost_micros, prompt_tokens, completion_tokens,
      cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens)
    SELECT (ts / 86400000) * 86400000, account_id, COALESCE(key_id, ''), COALESCE(model, ''), COUNT(*), SUM(cost_micros),
      COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cache_read_tokens), 0),
      COALESCE(SUM(cache_write_tokens), 0), COALESCE(SUM(cache_write_1h_tokens), 0), COALESCE(SUM(reasoning_tokens), 0)
    FROM request_log
    WHERE account_id IS NOT NULL
      AND route IN ('/v1/chat/completions', '/v1/messages', '/v1/responses', '/v1/completions', '/v1/embeddings')
    GROUP BY 1, 2, 3, 4;

  -- the statement's and the credit lots' non-charge entries without walking past every charge;
  -- partial, so a charge (the hot path's write) never touches it
  CREATE INDEX ledger_account_marks ON ledger(account_id, id) WHERE type != 'charge';

  -- an account's threshold (key_id '': balance below threshold micro-USD) or a key's (percent of its window budget)
  CREATE TABLE alert_rules (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    key_id TEXT NOT NULL DEFAULT '',
    threshold INTEGER NOT NULL,
    PRIMARY KEY (account_id, key_id)
  );
  -- a subject ('balance:<account>', 'key:<key>:<window start>') past its threshold: one alert per crossing
  CREATE TABLE alert_state (
    subject TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    crossed_at INTEGER NOT NULL
  );
  `,
]
