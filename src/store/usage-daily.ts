// The usage aggregate table: per UTC day × account × key × model sums, written with the log rows they sum.
import type { Database } from 'bun:sqlite'
import type { UsageBucket, UsageCounts } from '../usage/aggregate'

export type UsageGroupBy = 'model' | 'key' | 'account'

export interface UsageFilter {
  /** One account's usage; undefined = every account (admins). */
  accountId?: string
  /** UTC day starts (ms): days in [fromDay, toDay). */
  fromDay: number
  toDay: number
}

/** One group's sums on one day. `group` is the model id, key id or account id ('' for none); `label` names it for people. */
export interface UsageSums extends UsageCounts {
  day: number
  group: string
  label: string
}

export interface UsageStore {
  /** Sums per day and group, ordered by day then group. */
  byDay(filter: UsageFilter, groupBy: UsageGroupBy): Promise<UsageSums[]>
}

const SUMS = `SUM(u.requests) AS requests, SUM(u.cost_micros) AS costMicros, SUM(u.prompt_tokens) AS promptTokens,
  SUM(u.completion_tokens) AS completionTokens, SUM(u.cache_read_tokens) AS cacheReadTokens,
  SUM(u.cache_write_tokens) AS cacheWriteTokens, SUM(u.cache_write_1h_tokens) AS cacheWrite1hTokens,
  SUM(u.reasoning_tokens) AS reasoningTokens`

/** Each grouping's column, its label for people, and the join the label needs (the same SQL on SQLite and Postgres). */
export const USAGE_GROUPS: Record<UsageGroupBy, { column: string; label: string; join: string }> = {
  model: { column: 'u.model', label: 'u.model', join: '' },
  key: {
    column: 'u.key_id',
    label: "COALESCE(k.name || ' (' || k.prefix || ')', k.prefix, u.key_id)",
    join: 'LEFT JOIN api_keys k ON k.id = u.key_id',
  },
  account: { column: 'u.account_id', label: 'COALESCE(a.email, u.account_id)', join: 'LEFT JOIN accounts a ON a.id = u.account_id' },
}

/**
 * Adds buckets to the aggregate inside the caller's transaction (the request log's batch insert), so
 * the aggregate and the log rows commit or roll back together.
 */
export function usageAppender(db: Database) {
  const upsert = db.query(`
    INSERT INTO usage_daily (day, account_id, key_id, model, requests, cost_micros, prompt_tokens, completion_tokens,
      cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (account_id, day, key_id, model) DO UPDATE SET
      requests = requests + excluded.requests, cost_micros = cost_micros + excluded.cost_micros,
      prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens,
      cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
      cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
      cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens,
      reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens`)
  return (buckets: readonly UsageBucket[]) => {
    for (const b of buckets) {
      upsert.run(
        b.day,
        b.accountId,
        b.keyId,
        b.model,
        b.requests,
        b.costMicros,
        b.promptTokens,
        b.completionTokens,
        b.cacheReadTokens,
        b.cacheWriteTokens,
        b.cacheWrite1hTokens,
        b.reasoningTokens,
      )
    }
  }
}

export function sqliteUsageStore(db: Database): UsageStore {
  return {
    async byDay(filter, groupBy) {
      const g = USAGE_GROUPS[groupBy]
      const where =
        filter.accountId === undefined ? 'u.day >= $from AND u.day < $to' : 'u.account_id = $account AND u.day >= $from AND u.day < $to'
      const params: Record<string, string | number> = { from: filter.fromDay, to: filter.toDay }
      if (filter.accountId !== undefined) params.account = filter.accountId
      // db.query caches the statement per SQL text: three groupings × two scopes.
      return db
        .query<UsageSums, Record<string, string | number>>(
          `SELECT u.day AS day, ${g.column} AS "group", ${g.label} AS label, ${SUMS}
           FROM usage_daily u ${g.join} WHERE ${where} GROUP BY u.day, ${g.column} ORDER BY u.day, ${g.column}`,
        )
        .all(params)
    },
  }
}
