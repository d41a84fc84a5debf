// Reads config TOML, fills defaults, and reports every problem with its TOML path.
import { Value, type ValueError } from '@sinclair/typebox/value'
import { parseCidr } from '../access/ip'
import { Config } from './schema'
import { embeddedDefaultConfig } from './defaults'

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] }

/** `/models/3/provider` → `models[3].provider`: the path as a TOML user reads it. */
export function tomlPath(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  let out = ''
  for (const part of parts) {
    if (/^\d+$/.test(part)) out += `[${part}]`
    else if (/^[A-Za-z0-9_-]+$/.test(part)) out += out ? `.${part}` : part
    else out += `[${JSON.stringify(part)}]`
  }
  return out || '(root)'
}

/** Validates an already-parsed TOML document; defaults are filled in, the input is not mutated. */
export function validateConfig(raw: unknown): ConfigResult {
  const value = Value.Default(Config, structuredClone(raw ?? {}))
  const problems: string[] = []
  for (const error of Value.Errors(Config, value)) {
    const path = tomlPath(error.path)
    // TypeBox reports a union failure and then each branch; the first line is the useful one.
    if (problems.some((p) => p.startsWith(`${path}:`))) continue
    problems.push(`${path}: ${describeError(error)}`)
  }
  const config = value as Config
  // Cross references are checked even when the schema failed, so one run reports everything;
  // a part too malformed to cross-check has already been reported above.
  let crossProblems: string[] = []
  try {
    crossProblems = crossCheck(config)
  } catch {
    crossProblems = []
  }
  for (const problem of crossProblems) {
    const path = problem.slice(0, problem.indexOf(':'))
    if (!problems.some((p) => p.startsWith(`${path}:`))) problems.push(problem)
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config }
}

function describeError({ message, value, schema }: ValueError): string {
  if (message === 'Unexpected property') return 'unknown key'
  if (value === undefined) return 'required'
  // TypeBox says only "expected number" whatever the bound broken, and NaN/inf would print as null.
  if (schema.type === 'number' || schema.type === 'integer') return `must be ${numberRule(schema)} (got ${shown(value)})`
  return `${message.charAt(0).toLowerCase()}${message.slice(1)} (got ${shown(value)})`
}

const BOUNDS = [
  ['minimum', '≥'],
  ['exclusiveMinimum', '>'],
  ['maximum', '≤'],
  ['exclusiveMaximum', '<'],
] as const

/** A numeric key's whole rule: `a finite number ≥ 0`, `an integer ≥ 0 and ≤ 65535`. */
function numberRule(schema: Record<string, unknown>): string {
  const bounds = BOUNDS.filter(([key]) => typeof schema[key] === 'number').map(([key, sign]) => `${sign} ${schema[key]}`)
  const kind = schema.type === 'integer' ? 'an integer' : 'a finite number'
  return bounds.length > 0 ? `${kind} ${bounds.join(' and ')}` : kind
}

/** A value as the TOML that wrote it would: `nan`, `inf`, `-inf` (JSON has no spelling for them). */
function shown(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf'
  return JSON.stringify(value)
}

/** Provider types whose APIs have no embeddings endpoint (Anthropic's Messages API). */
const TYPES_WITHOUT_EMBEDDINGS: string[] = ['anthropic']

const PRICE_KEYS = [
  'input_usd_per_mtok',
  'output_usd_per_mtok',
  'cache_read_usd_per_mtok',
  'cache_write_usd_per_mtok',
  'cache_write_1h_usd_per_mtok',
] as const

/**
 * A price must be a whole number of micro-USD per million tokens (at most 6 decimals): costs are
 * computed exactly as tokens × that integer, in pico-USD, and a finer price would be rounded.
 */
function priceProblems(prices: Partial<Record<(typeof PRICE_KEYS)[number], unknown>>, path: string): string[] {
  const problems: string[] = []
  for (const key of PRICE_KEYS) {
    const value = prices[key]
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) continue // the schema reports it
    const micros = value * 1_000_000
    if (Math.abs(micros - Math.round(micros)) > 1e-6 * Math.max(1, micros) || !Number.isSafeInteger(Math.round(micros))) {
      problems.push(`${path}.${key}: at most 6 decimals (a whole number of micro-USD per million tokens) (got ${value})`)
    }
  }
  return problems
}

/** Rules the schema cannot say: references between sections, duplicates, required secrets. */
function crossCheck(config: Config): string[] {
  const problems: string[] = []
  const providers = Object.keys(config.providers)
  const seen = new Set<string>()
  config.models.forEach((model, i) => {
    if (seen.has(model.id)) problems.push(`models[${i}].id: duplicate model id "${model.id}"`)
    seen.add(model.id)
    if (!config.providers[model.provider]) {
      problems.push(
        `models[${i}].provider: unknown provider "${model.provider}"` +
          (providers.length ? ` (known: ${providers.join(', ')})` : ' (no [providers.*] defined)'),
      )
    }
  })
  config.models.forEach((model, i) => {
    problems.push(...priceProblems(model, `models[${i}]`))
    const thresholds = new Set<number>()
    model.tiers?.forEach((tier, j) => {
      problems.push(...priceProblems(tier, `models[${i}].tiers[${j}]`))
      if (thresholds.has(tier.above_prompt_tokens)) {
        problems.push(`models[${i}].tiers[${j}].above_prompt_tokens: another tier of this model starts at ${tier.above_prompt_tokens}`)
      }
      thresholds.add(tier.above_prompt_tokens)
      if (tier.above_prompt_tokens >= model.context_window) {
        problems.push(
          `models[${i}].tiers[${j}].above_prompt_tokens: ${tier.above_prompt_tokens} is not below the context window (${model.context_window}): the tier could never apply`,
        )
      }
    })
  })
  config.models.forEach((model, i) => {
    const type = config.providers[model.provider]?.type
    if (model.kind === 'embedding' && type && TYPES_WITHOUT_EMBEDDINGS.includes(type)) {
      problems.push(`models[${i}].kind: provider "${model.provider}" (type ${type}) serves no embeddings`)
    }
    model.fallbacks?.forEach((fallback, j) => {
      if (!seen.has(fallback)) problems.push(`models[${i}].fallbacks[${j}]: unknown model "${fallback}"`)
      if (fallback === model.id) problems.push(`models[${i}].fallbacks[${j}]: a model cannot fall back to itself`)
    })
  })
  for (const [name, plan] of Object.entries(config.plans)) {
    plan.models.forEach((id, j) => {
      if (id !== '*' && !seen.has(id)) problems.push(`plans.${name}.models[${j}]: unknown model "${id}"`)
    })
  }
  if (!config.plans[config.billing.default_plan]) {
    problems.push(`billing.default_plan: unknown plan "${config.billing.default_plan}"`)
  }
  for (const [name, provider] of Object.entries(config.providers)) {
    if (provider.type !== 'mock' && !provider.base_url) {
      problems.push(`providers.${name}.base_url: required for type "${provider.type}"`)
    }
    if (provider.wire && provider.type !== 'mock') {
      problems.push(`providers.${name}.wire: only for type "mock" (the other types speak their own format)`)
    }
    if (provider.base_url && !/^https?:\/\//.test(provider.base_url)) {
      problems.push(`providers.${name}.base_url: must start with http:// or https://`)
    }
  }
  config.server.trusted_proxies.forEach((entry, i) => {
    if (!parseCidr(entry)) problems.push(`server.trusted_proxies[${i}]: "${entry}" is not an IP address or CIDR range`)
  })
  return problems
}

/** Shorter admin tokens are within reach of guessing, throttle or not; 32 random characters are not. */
export const MIN_ADMIN_TOKEN_LENGTH = 32

/**
 * Settings the config names but the environment holds, reported like the config's own problems
 * (the path of the key naming the variable). Never quotes a secret.
 */
export function environmentProblems(config: Config, env: Record<string, string | undefined>): string[] {
  const problems: string[] = []
  const name = config.admin.token_env
  const token = env[name]
  // Unset or empty means "generate one", as resolveAdminToken does.
  if (token && token.length < MIN_ADMIN_TOKEN_LENGTH) {
    problems.push(
      `admin.token_env: ${name} holds a ${token.length}-character admin token; it must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`,
    )
  }
  return problems
}

/** Parses TOML text; syntax errors are reported as one problem. */
export function parseConfigText(text: string, source: string): ConfigResult {
  let raw: unknown
  try {
    raw = Bun.TOML.parse(text)
  } catch (error) {
    return { ok: false, problems: [`${source}: TOML syntax error: ${(error as Error).message}`] }
  }
  return validateConfig(raw)
}

/**
 * Picks the config the way the contract says: `--config FILE`, else `TOKEN_HUB_CONFIG`, else
 * `./config.toml` when present, else the embedded default; then checks what `env` holds for it.
 */
export async function loadConfig(
  explicitPath?: string,
  env: Record<string, string | undefined> = process.env,
): Promise<ConfigResult & { source: string }> {
  const path = explicitPath ?? env.TOKEN_HUB_CONFIG ?? ((await Bun.file('./config.toml').exists()) ? './config.toml' : undefined)
  if (!path) return { ...withEnvironment(validateConfig(embeddedDefaultConfig()), env), source: 'embedded default' }
  const file = Bun.file(path)
  if (!(await file.exists())) return { ok: false, problems: [`${path}: file not found`], source: path }
  return { ...withEnvironment(parseConfigText(await file.text(), path), env), source: path }
}

function withEnvironment(result: ConfigResult, env: Record<string, string | undefined>): ConfigResult {
  if (!result.ok) return result
  const problems = environmentProblems(result.config, env)
  return problems.length > 0 ? { ok: false, problems } : result
}
