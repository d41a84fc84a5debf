// The TypeBox schema of config.toml: the single source of truth for its keys, types and defaults.
import { Type, type Static } from '@sinclair/typebox'

const PositiveInt = (def: number, description: string) => Type.Integer({ minimum: 1, default: def, description })

export const ServerConfig = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
    public_url: Type.String({ default: 'http://localhost:8080' }),
    max_body_bytes: PositiveInt(10 * 1024 * 1024, 'request bodies above this answer 413'),
    trusted_proxies: Type.Array(Type.String(), { default: [] }),
    metrics_public: Type.Boolean({ default: false }),
  },
  { default: {}, additionalProperties: false },
)

export const StorageConfig = Type.Object(
  {
    sqlite_path: Type.String({ default: './data/token-hub.db' }),
    // Scale-out: a Postgres shared by N instances instead of the SQLite file
    postgres_url_env: Type.Optional(Type.String({ description: 'names the environment variable holding the Postgres URL' })),
    postgres_url: Type.Optional(Type.String({ description: 'tests only; prefer postgres_url_env' })),
    instance_name: Type.Optional(
      Type.String({
        minLength: 1,
        description: "a stable name per instance (Postgres): a restart under it releases the dead predecessor's holds at once",
      }),
    ),
    // absent = 30 s
    instance_lease_s: Type.Optional(
      Type.Integer({ minimum: 1, description: "an instance's holds outlive its last lease renewal this long (Postgres)" }),
    ),
  },
  { default: {}, additionalProperties: false },
)

export const AdminConfig = Type.Object(
  {
    token_env: Type.String({ default: 'TOKEN_HUB_ADMIN_TOKEN' }),
    token: Type.Optional(Type.String({ minLength: 16, description: 'tests only; prefer token_env' })),
  },
  { default: {}, additionalProperties: false },
)

export const LimitsConfig = Type.Object(
  {
    key_rpm: PositiveInt(60, 'per key'),
    account_rpm: PositiveInt(600, 'per account'),
    // Scale-out: windows shared by every instance through Redis instead of kept in each process
    redis_url_env: Type.Optional(Type.String({ description: 'names the environment variable holding the Redis URL' })),
    redis_url: Type.Optional(Type.String({ description: 'tests only; prefer redis_url_env' })),
    // absent = "fail_closed" (read through onRedisError), so configs without Redis carry no Redis key
    on_redis_error: Type.Optional(
      Type.Union([Type.Literal('fail_closed'), Type.Literal('local')], {
        description:
          'while Redis cannot be reached: refuse model calls (503, the default "fail_closed"), or count in this process ("local")',
      }),
    ),
  },
  { default: {}, additionalProperties: false },
)

export const KeysConfig = Type.Object(
  {
    prefix: Type.String({ default: 'sk-th_', pattern: '^[A-Za-z0-9_-]+$' }),
    default_expiry_days: Type.Union([Type.Integer({ minimum: 1 }), Type.Literal(0)], { default: 90 }),
  },
  { default: {}, additionalProperties: false },
)

export const LogsConfig = Type.Object(
  {
    retention_days: PositiveInt(7, 'operational log rows older than this are purged'),
    flush_interval_ms: PositiveInt(1000, 'log rows are written in batches at most this far apart'),
  },
  { default: {}, additionalProperties: false },
)

export const UpstreamConfig = Type.Object(
  {
    timeout_s: PositiveInt(120, 'non-streaming: whole response'),
    stream_timeout_s: PositiveInt(600, 'streaming: whole stream'),
    stream_idle_timeout_s: PositiveInt(60, 'streaming: longest gap between two upstream chunks'),
    max_response_bytes: PositiveInt(64 * 1024 * 1024, 'a larger upstream answer (a whole body, or a whole stream) is a 502'),
    max_stream_event_bytes: PositiveInt(8 * 1024 * 1024, 'a longer upstream stream line or event is a 502'),
  },
  { default: {}, additionalProperties: false },
)

export const ProviderType = Type.Union([Type.Literal('openai'), Type.Literal('anthropic'), Type.Literal('gemini'), Type.Literal('mock')])
export type ProviderType = Static<typeof ProviderType>

const AutoCache = Type.Boolean({
  description:
    "Anthropic-format upstreams: requests translated from another format get prompt-cache breakpoints (system, tools, recent turns; default true). A model's own setting wins.",
})

export const ProviderConfig = Type.Object(
  {
    type: ProviderType,
    base_url: Type.Optional(Type.String()),
    api_key_env: Type.Optional(Type.String()),
    api_key: Type.Optional(Type.String({ description: 'tests only; prefer api_key_env' })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    responses_api: Type.Optional(
      Type.Boolean({
        description:
          'type = "openai" (or an openai-wire mock): the upstream serves /v1/responses, so Responses requests are relayed as they came (default: true for api.openai.com)',
      }),
    ),
    wire: Type.Optional(
      Type.Union([Type.Literal('openai'), Type.Literal('anthropic'), Type.Literal('gemini')], {
        description: 'type = "mock" only: the wire format the in-process mock speaks (default openai)',
      }),
    ),
    auto_cache: Type.Optional(AutoCache),
    rpm: Type.Optional(Type.Integer({ minimum: 1, description: 'requests per minute this provider takes; a deployment at it is skipped' })),
    tpm: Type.Optional(Type.Integer({ minimum: 1, description: 'tokens per minute this provider takes; a deployment at it is skipped' })),
  },
  { additionalProperties: false },
)
export type ProviderConfig = Static<typeof ProviderConfig>

export const ModelKind = Type.Union([Type.Literal('chat'), Type.Literal('embedding')])

/** Most deployments one model may list (a deployment set is a 32-bit mask on the hot path). */
export const MAX_DEPLOYMENTS = 31

export const DeploymentConfig = Type.Object(
  {
    provider: Type.String({ minLength: 1 }),
    upstream_model: Type.Optional(Type.String({ minLength: 1 })),
    weight: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
  },
  { additionalProperties: false },
)
export type DeploymentConfig = Static<typeof DeploymentConfig>
const Price = (description: string) => Type.Number({ minimum: 0, description })

/** Class prices a long-context tier sets (USD per million tokens); unset cache prices follow the tier's input price. */
export const PriceTierConfig = Type.Object(
  {
    above_prompt_tokens: Type.Integer({ minimum: 0, description: 'the tier prices a whole request with more prompt tokens than this' }),
    input_usd_per_mtok: Price('uncached prompt tokens'),
    output_usd_per_mtok: Price('output tokens, reasoning included'),
    cache_read_usd_per_mtok: Type.Optional(Price('prompt tokens read from the cache (default: the tier input price)')),
    cache_write_usd_per_mtok: Type.Optional(Price('5-minute cache writes (default: the tier input price)')),
    cache_write_1h_usd_per_mtok: Type.Optional(Price('1-hour cache writes (default: the tier cache_write price)')),
  },
  { additionalProperties: false },
)
export type PriceTierConfig = Static<typeof PriceTierConfig>

export const ModelConfig = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'what clients send; a glob (`claude-*`, `*`) serves every matching name' }),
    provider: Type.Optional(Type.String({ minLength: 1 })),
    deployments: Type.Optional(Type.Array(DeploymentConfig, { minItems: 1, maxItems: MAX_DEPLOYMENTS })),
    aliases: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    upstream_model: Type.Optional(Type.String({ minLength: 1 })),
    kind: Type.Optional(ModelKind),
    input_usd_per_mtok: Type.Number({ minimum: 0 }),
    output_usd_per_mtok: Type.Number({ minimum: 0, default: 0 }),
    cache_read_usd_per_mtok: Type.Optional(Price('prompt tokens read from the cache (default: the input price)')),
    cache_write_usd_per_mtok: Type.Optional(Price('5-minute cache writes (default: the input price)')),
    cache_write_1h_usd_per_mtok: Type.Optional(Price('1-hour cache writes (default: the cache_write price)')),
    tiers: Type.Optional(Type.Array(PriceTierConfig, { description: 'long-context tiers, ascending by above_prompt_tokens' })),
    context_window: Type.Integer({ minimum: 1, default: 128000 }),
    max_output_tokens: Type.Integer({ minimum: 1, default: 4096 }),
    fallbacks: Type.Optional(Type.Array(Type.String())),
    owned_by: Type.Optional(Type.String()),
    auto_cache: Type.Optional(AutoCache),
  },
  { additionalProperties: false },
)
export type ModelConfig = Static<typeof ModelConfig>

export const RoutingConfig = Type.Object(
  {
    retries: Type.Integer({ minimum: 0, maximum: 30, default: 2, description: 'other deployments tried before the first byte' }),
    cooldown_s: Type.Number({
      exclusiveMinimum: 0,
      default: 30,
      description: 'a failed deployment is skipped this long (Retry-After wins)',
    }),
    max_cooldown_s: Type.Number({
      exclusiveMinimum: 0,
      default: 600,
      description: 'a cooldown doubles on each repeated failure up to this',
    }),
  },
  { default: {}, additionalProperties: false },
)

export const PlanConfig = Type.Object({ models: Type.Array(Type.String(), { default: ['*'] }) }, { additionalProperties: false })

export const BillingConfig = Type.Object(
  {
    default_plan: Type.String({ default: 'standard' }),
    cny_per_usd: Type.Number({ exclusiveMinimum: 0, default: 7.2 }),
    expiry_check_minutes: PositiveInt(10, 'how often expired top-up credit is written off'),
  },
  { default: {}, additionalProperties: false },
)

export const AuthConfig = Type.Object(
  {
    signup: Type.Union([Type.Literal('open'), Type.Literal('invite'), Type.Literal('closed')], { default: 'invite' }),
    session_ttl_hours: PositiveInt(168, 'a session ends this long after sign-in'),
    session_idle_hours: PositiveInt(24, 'a session unused this long ends'),
    invite_ttl_hours: PositiveInt(72, 'invite links stop working after this'),
    min_password_length: Type.Integer({ minimum: 8, maximum: 128, default: 10 }),
    login_max_failures: PositiveInt(5, 'failed sign-ins per email (4x per client IP, wrong admin tokens too) before a lockout'),
    login_lockout_minutes: PositiveInt(15, 'how long failures are remembered and a lockout lasts'),
  },
  { default: {}, additionalProperties: false },
)

export const StripeConfig = Type.Object(
  {
    secret_key_env: Type.String({ default: 'STRIPE_SECRET_KEY' }),
    webhook_secret_env: Type.String({ default: 'STRIPE_WEBHOOK_SECRET' }),
    api_host: Type.Optional(Type.String({ minLength: 1, description: 'tests: a local fake Stripe' })),
    api_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    api_protocol: Type.Union([Type.Literal('https'), Type.Literal('http')], { default: 'https' }),
    min_topup_usd: Type.Number({ exclusiveMinimum: 0, default: 5 }),
    max_topup_usd: Type.Number({ exclusiveMinimum: 0, default: 10000 }),
    product_name: Type.String({ minLength: 1, default: 'token-hub API credit' }),
  },
  { default: {}, additionalProperties: false },
)

export const DemoConfig = Type.Object(
  {
    seed: Type.Boolean({
      default: false,
      description: 'on first start with an empty database, create a demo account with credit and print a key',
    }),
    credit_usd: Type.String({ default: '10.00' }),
  },
  { default: {}, additionalProperties: false },
)

export const AlertsConfig = Type.Object(
  {
    webhook_url: Type.Optional(
      Type.String({ pattern: '^https?://', description: 'budget alerts are POSTed here as JSON, once per crossing; unset = banner only' }),
    ),
    balance_below_usd: Type.Number({ minimum: 0, default: 0, description: 'default balance threshold of every account; 0 = none' }),
    key_budget_percent: Type.Integer({
      minimum: 0,
      maximum: 100,
      default: 80,
      description: 'default alert of every key with a budget, at this percent of its window budget; 0 = none',
    }),
    check_seconds: PositiveInt(30, 'how often balances and key budgets are compared with their thresholds'),
    max_attempts: PositiveInt(6, 'webhook deliveries tried at most this often (backoff doubling from retry_base_ms)'),
    retry_base_ms: PositiveInt(1000, 'the first retry waits this long; each next one twice as long (at most 5 minutes)'),
    timeout_ms: PositiveInt(5000, 'one webhook delivery attempt gives up after this'),
  },
  { default: {}, additionalProperties: false },
)

export const Config = Type.Object(
  {
    server: ServerConfig,
    storage: StorageConfig,
    admin: AdminConfig,
    limits: LimitsConfig,
    keys: KeysConfig,
    logs: LogsConfig,
    upstream: UpstreamConfig,
    billing: BillingConfig,
    auth: AuthConfig,
    stripe: StripeConfig,
    demo: DemoConfig,
    routing: RoutingConfig,
    alerts: AlertsConfig,
    providers: Type.Record(Type.String(), ProviderConfig, { default: {} }),
    models: Type.Array(ModelConfig, { default: [] }),
    plans: Type.Record(Type.String(), PlanConfig, { default: { standard: { models: ['*'] } } }),
  },
  { additionalProperties: false },
)
export type Config = Static<typeof Config>
