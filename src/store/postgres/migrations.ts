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
  // 3 (issue 18): everything else a served instance needs (dashboard users, sessions, invites,
  // top-ups, Stripe events, the request log in daily partitions), stable instance names, and the
  // hold and settlement functions (one round trip each)
  `
  ALTER TABLE instances ADD COLUMN name TEXT;

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    is_admin BOOLEAN NOT NULL DEFAULT false,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX users_account ON users(account_id);

  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);

  CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    account_id TEXT REFERENCES accounts(id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    is_admin BOOLEAN NOT NULL DEFAULT false,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
  );

  CREATE TABLE topups (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    user_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'failed', 'refunding', 'refunded')),
    currency TEXT NOT NULL CHECK (currency IN ('usd', 'cny')),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    quoted_micros BIGINT NOT NULL,
    cny_per_usd DOUBLE PRECISION,
    checkout_session_id TEXT UNIQUE,
    checkout_url TEXT,
    payment_intent_id TEXT,
    credited_micros BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    paid_at BIGINT,
    lot_expires_at BIGINT,
    lot_expired_at BIGINT,
    expired_micros BIGINT NOT NULL DEFAULT 0,
    refund_id TEXT,
    refund_micros BIGINT NOT NULL DEFAULT 0,
    refund_minor BIGINT NOT NULL DEFAULT 0,
    refund_attempt INTEGER NOT NULL DEFAULT 0,
    refunded_at BIGINT
  );
  CREATE INDEX topups_account ON topups(account_id, created_at);
  CREATE INDEX topups_lot_expiry ON topups(lot_expires_at) WHERE lot_expired_at IS NULL AND lot_expires_at IS NOT NULL;

  CREATE TABLE stripe_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    topup_id TEXT,
    outcome TEXT NOT NULL,
    received_at BIGINT NOT NULL
  );

  -- the operational log, one partition per UTC day (request-log.ts creates them ahead): retention
  -- drops whole days instead of deleting rows, so the table never bloats
  CREATE TABLE request_log (
    request_id TEXT NOT NULL,
    ts BIGINT NOT NULL,
    account_id TEXT,
    key_id TEXT,
    route TEXT NOT NULL,
    model TEXT,
    provider TEXT,
    status INTEGER NOT NULL,
    error_code TEXT,
    prompt_tokens BIGINT,
    completion_tokens BIGINT,
    cost_micros BIGINT NOT NULL DEFAULT 0,
    latency_ms DOUBLE PRECISION NOT NULL,
    ttfb_ms DOUBLE PRECISION,
    stream BOOLEAN NOT NULL DEFAULT false,
    client_ip TEXT,
    attempts TEXT,
    notes TEXT,
    PRIMARY KEY (request_id, ts)
  ) PARTITION BY RANGE (ts);
  CREATE INDEX request_log_ts ON request_log(ts);
  CREATE INDEX request_log_account_ts ON request_log(account_id, ts);
  CREATE INDEX request_log_key_ts ON request_log(key_id, ts);
  CREATE INDEX request_log_request ON request_log(request_id);

  -- what SQLite's migrations 8–10 added (issues 15, 17): the log's token classes, exact cost
  -- breakdown and error message; the usage aggregate; budget alerts; the ledger's non-charge index
  ALTER TABLE request_log ADD COLUMN cache_read_tokens BIGINT, ADD COLUMN cache_write_tokens BIGINT,
    ADD COLUMN cache_write_1h_tokens BIGINT, ADD COLUMN reasoning_tokens BIGINT, ADD COLUMN cost_breakdown TEXT,
    ADD COLUMN error_message TEXT;
  CREATE TABLE usage_daily (
    day BIGINT NOT NULL,
    account_id TEXT NOT NULL,
    key_id TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    requests BIGINT NOT NULL DEFAULT 0,
    cost_micros BIGINT NOT NULL DEFAULT 0,
    prompt_tokens BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    cache_read_tokens BIGINT NOT NULL DEFAULT 0,
    cache_write_tokens BIGINT NOT NULL DEFAULT 0,
    cache_write_1h_tokens BIGINT NOT NULL DEFAULT 0,
    reasoning_tokens BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, day, key_id, model)
  );
  CREATE INDEX usage_daily_day ON usage_daily(day);
  CREATE INDEX ledger_account_marks ON ledger(account_id, id) WHERE type != 'charge';
  CREATE TABLE alert_rules (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    key_id TEXT NOT NULL DEFAULT '',
    threshold BIGINT NOT NULL,
    PRIMARY KEY (account_id, key_id)
  );
  CREATE TABLE alert_state (
    subject TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    crossed_at BIGINT NOT NULL
  );
  -- The hold rule (money/holds.ts decideHold, money/key-budget.ts) and the reservation in one
  -- round trip: the account row locked, the facts read after the lock (each statement of a
  -- function sees what committed before it), the hold inserted only if it fits. The facts are
  -- returned as read before the insert, so the caller checks its own rule agrees.
  CREATE FUNCTION th_place_hold(p_id TEXT, p_account TEXT, p_key TEXT, p_request TEXT, p_amount BIGINT, p_created BIGINT, p_instance TEXT)
  RETURNS TABLE (account_found BOOLEAN, balance BIGINT, held BIGINT, key_found BOOLEAN, budget BIGINT, window_days INTEGER, key_created BIGINT,
                 spend_window BIGINT, spent BIGINT, key_held BIGINT, placed BOOLEAN)
  LANGUAGE plpgsql AS $$
  #variable_conflict use_column
  DECLARE
    v_balance BIGINT; v_held BIGINT; v_key_found BOOLEAN := false; v_budget BIGINT; v_days INTEGER; v_kcreated BIGINT;
    v_sw BIGINT; v_spent BIGINT; v_kheld BIGINT := 0; v_len BIGINT; v_start BIGINT; v_current BIGINT; v_placed BOOLEAN;
  BEGIN
    SELECT a.balance_micros INTO v_balance FROM accounts a WHERE a.id = p_account AND a.deleted_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
      RETURN QUERY SELECT false, NULL::BIGINT, NULL::BIGINT, false, NULL::BIGINT, NULL::INTEGER, NULL::BIGINT, NULL::BIGINT, NULL::BIGINT, NULL::BIGINT, false;
      RETURN;
    END IF;
    SELECT COALESCE(SUM(h.amount_micros), 0) INTO v_held FROM holds h WHERE h.account_id = p_account;
    IF p_key IS NOT NULL THEN
      SELECT k.budget_micros, k.budget_window_days, k.created_at INTO v_budget, v_days, v_kcreated FROM api_keys k WHERE k.id = p_key;
      v_key_found := FOUND;
      IF v_budget IS NOT NULL THEN
        SELECT ks.window_start, ks.spent_micros INTO v_sw, v_spent FROM key_spend ks WHERE ks.key_id = p_key;
        SELECT COALESCE(SUM(h.amount_micros), 0) INTO v_kheld FROM holds h WHERE h.key_id = p_key;
      END IF;
    END IF;
    v_placed := v_balance - v_held >= p_amount;
    IF v_placed AND v_budget IS NOT NULL THEN
      v_len := GREATEST(1, v_days)::BIGINT * 86400000;
      v_start := v_kcreated + GREATEST(0, FLOOR((p_created - v_kcreated)::NUMERIC / v_len))::BIGINT * v_len;
      v_current := CASE WHEN v_sw IS NOT NULL AND v_sw >= v_start THEN v_spent ELSE 0 END;
      v_placed := v_current + v_kheld + p_amount <= v_budget;
    END IF;
    IF v_placed THEN
      INSERT INTO holds (id, account_id, key_id, request_id, amount_micros, created_at, instance_id)
      VALUES (p_id, p_account, p_key, p_request, p_amount, p_created, p_instance);
    END IF;
    RETURN QUERY SELECT true, v_balance, v_held, v_key_found, v_budget, v_days, v_kcreated, v_sw, v_spent, v_kheld, v_placed;
  END $$;

  -- Settlement in one statement: whoever deletes the hold charges it (once); the balance, the key's
  -- spend in the window containing p_at (money/key-budget.ts chargeWindowAt) and the ledger entry
  -- change together. Nothing when the hold was already resolved; no entry for a zero cost.
  CREATE FUNCTION th_settle_hold(p_id TEXT, p_cost BIGINT, p_at BIGINT, p_remainder BIGINT)
  RETURNS TABLE (resolved BOOLEAN, account_id TEXT, key_id TEXT, request_id TEXT, held BIGINT, charged BIGINT, entry_id BIGINT, balance_after BIGINT, note TEXT)
  LANGUAGE plpgsql AS $$
  #variable_conflict use_column
  DECLARE
    v_hold holds%ROWTYPE; v_balance BIGINT; v_entry BIGINT; v_note TEXT; v_kcreated BIGINT; v_days INTEGER; v_len BIGINT; v_start BIGINT;
    v_cost BIGINT := p_cost; v_carried BIGINT;
  BEGIN
    DELETE FROM holds h WHERE h.id = p_id RETURNING * INTO v_hold;
    IF NOT FOUND THEN
      RETURN QUERY SELECT false, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::BIGINT, 0::BIGINT, NULL::BIGINT, NULL::BIGINT, NULL::TEXT;
      RETURN;
    END IF;
    IF p_remainder > 0 THEN
      -- The account's carry (migration 2), under its row lock: old + r < 2·10⁶, so it passed a
      -- micro-dollar exactly when what is left is below what was added.
      UPDATE accounts a SET charge_remainder_picos = (a.charge_remainder_picos + p_remainder) % 1000000
      WHERE a.id = v_hold.account_id RETURNING a.charge_remainder_picos INTO v_carried;
      IF v_carried < p_remainder THEN v_cost := v_cost + 1; END IF;
    END IF;
    IF v_cost = 0 THEN
      RETURN QUERY SELECT true, v_hold.account_id, v_hold.key_id, v_hold.request_id, v_hold.amount_micros, 0::BIGINT, NULL::BIGINT, NULL::BIGINT, NULL::TEXT;
      RETURN;
    END IF;
    UPDATE accounts a SET balance_micros = a.balance_micros - v_cost WHERE a.id = v_hold.account_id RETURNING a.balance_micros INTO v_balance;
    IF v_hold.key_id IS NOT NULL THEN
      SELECT k.created_at, k.budget_window_days INTO v_kcreated, v_days FROM api_keys k WHERE k.id = v_hold.key_id;
      IF FOUND THEN
        v_len := GREATEST(1, v_days)::BIGINT * 86400000;
        v_start := v_kcreated + GREATEST(0, FLOOR((p_at - v_kcreated)::NUMERIC / v_len))::BIGINT * v_len;
        INSERT INTO key_spend AS ks (key_id, window_start, spent_micros) VALUES (v_hold.key_id, v_start, v_cost)
        ON CONFLICT ON CONSTRAINT key_spend_pkey DO UPDATE SET
          spent_micros = CASE WHEN ks.window_start < excluded.window_start THEN excluded.spent_micros ELSE ks.spent_micros + excluded.spent_micros END,
          window_start = GREATEST(ks.window_start, excluded.window_start);
      END IF;
    END IF;
    IF v_cost > v_hold.amount_micros THEN
      v_note := format('overrun: cost %s µUSD exceeded the %s µUSD hold by %s', v_cost, v_hold.amount_micros, v_cost - v_hold.amount_micros);
    END IF;
    INSERT INTO ledger (account_id, type, amount_micros, balance_after_micros, request_id, key_id, note, created_at)
    VALUES (v_hold.account_id, 'charge', -v_cost, v_balance, v_hold.request_id, v_hold.key_id, v_note, p_at) RETURNING id INTO v_entry;
    RETURN QUERY SELECT true, v_hold.account_id, v_hold.key_id, v_hold.request_id, v_hold.amount_micros, v_cost, v_entry, v_balance, v_note;
  END $$;
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
