// Config loading: the example and the embedded default validate; every problem names its TOML path.
import { describe, expect, test } from 'bun:test'
import { environmentProblems, parseConfigText, tomlPath, validateConfig } from '../../src/config/load'
import { embeddedDefaultConfig } from '../../src/config/defaults'

const minimal = `
[providers.openai]
type = "openai"
base_url = "https://api.openai.com/v1"
api_key_env = "OPENAI_API_KEY"

[[models]]
id = "gpt-4o-mini"
provider = "openai"
input_usd_per_mtok = 0.15
output_usd_per_mtok = 0.60
`

describe('config', () => {
  test('config.example.toml is valid and routes the whole seed catalog', async () => {
    const result = parseConfigText(await Bun.file('config.example.toml').text(), 'config.example.toml')
    if (!result.ok) throw new Error(result.problems.join('\n'))
    const ids = result.config.models.map((m) => m.id)
    for (const id of [
      'claude-3-5-sonnet',
      'claude-3-5-haiku',
      'gpt-4o',
      'gpt-4o-mini',
      'text-embedding-3-small',
      'gemini-2.0-flash',
      'deepseek-v3',
      'deepseek-r1',
      'kimi-128k',
      'qwen-2.5-72b',
      'glm-4.5',
    ]) {
      expect(ids).toContain(id)
    }
    for (const provider of Object.values(result.config.providers)) {
      expect(provider.api_key).toBeUndefined()
      expect(provider.api_key_env).toMatch(/^[A-Z_]+$/)
    }
    expect(result.config.plans.free!.models).toEqual(['gpt-4o-mini'])
  })

  test('the embedded default routes every catalog model to the mock and seeds a demo', () => {
    const result = validateConfig(embeddedDefaultConfig())
    if (!result.ok) throw new Error(result.problems.join('\n'))
    expect(new Set(Object.values(result.config.providers).map((p) => p.type))).toEqual(new Set(['mock']))
    const providerOf = (id: string) => result.config.models.find((m) => m.id === id)!.provider!
    expect(result.config.providers[providerOf('claude-3-5-haiku')]!.wire).toBe('anthropic')
    expect(result.config.providers[providerOf('gemini-2.0-flash')]!.wire).toBe('gemini')
    expect(result.config.providers[providerOf('gpt-4o-mini')]!.wire).toBe('openai')
    expect(result.config.models.length).toBeGreaterThanOrEqual(11)
    expect(result.config.demo.seed).toBe(true)
  })

  test('defaults are filled in', () => {
    const result = parseConfigText(minimal, 'test')
    if (!result.ok) throw new Error(result.problems.join('\n'))
    expect(result.config.server).toMatchObject({ host: '127.0.0.1', port: 8080 })
    expect(result.config.limits).toEqual({ key_rpm: 60, account_rpm: 600 })
    expect(result.config.keys).toEqual({ prefix: 'sk-th_', default_expiry_days: 90 })
    expect(result.config.logs.retention_days).toBe(7)
    expect(result.config.upstream).toMatchObject({ timeout_s: 120, stream_timeout_s: 600 })
    expect(result.config.models[0]).toMatchObject({ context_window: 128000, max_output_tokens: 4096 })
  })

  test('an unknown provider is reported with its TOML path', () => {
    const text = minimal.replace('provider = "openai"', 'provider = "opneai"')
    const result = parseConfigText(text, 'test')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems).toContain('models[0].provider: unknown provider "opneai" (known: openai)')
  })

  test('every problem is reported, each with its path', () => {
    const text = `${minimal}
[server]
port = "eighty"
colour = "blue"

[[models]]
id = "x"
provider = "openai"
input_usd_per_mtok = -1
`
    const result = parseConfigText(text, 'test')
    expect(result.ok).toBe(false)
    if (result.ok) return
    const paths = result.problems.map((p) => p.split(':')[0])
    expect(paths).toContain('server.port')
    expect(paths).toContain('server.colour')
    expect(paths).toContain('models[1].input_usd_per_mtok')
  })

  test('cross references: fallbacks, plans, duplicate ids, base_url', () => {
    const text = `${minimal}
[[models]]
id = "gpt-4o-mini"
provider = "openai"
input_usd_per_mtok = 1
fallbacks = ["nope"]

[providers.other]
type = "anthropic"

[plans.free]
models = ["ghost"]
`
    const result = parseConfigText(text, 'test')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems).toContain('models[1].id: duplicate model id "gpt-4o-mini"')
    expect(result.problems).toContain('models[1].fallbacks[0]: unknown model "nope"')
    expect(result.problems).toContain('plans.free.models[0]: unknown model "ghost"')
    expect(result.problems).toContain('providers.other.base_url: required for type "anthropic"')
  })

  test('TOML syntax errors are one problem naming the file', () => {
    const result = parseConfigText('[server\nport = 1', 'broken.toml')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.problems[0]).toStartWith('broken.toml: TOML syntax error')
  })

  test('tomlPath turns JSON pointers into TOML paths', () => {
    expect(tomlPath('/models/3/provider')).toBe('models[3].provider')
    expect(tomlPath('/providers/openai/base_url')).toBe('providers.openai.base_url')
    expect(tomlPath('')).toBe('(root)')
  })

  test('an admin token from the environment must be at least 32 characters; the variable is the one admin.token_env names', () => {
    const result = validateConfig({ admin: { token_env: 'MY_ADMIN' } })
    if (!result.ok) throw new Error(result.problems.join('\n'))
    const { config } = result
    expect(environmentProblems(config, { MY_ADMIN: 'a'.repeat(31) })).toEqual([
      'admin.token_env: MY_ADMIN holds a 31-character admin token; it must be at least 32 characters (e.g. `openssl rand -hex 32`)',
    ])
    expect(environmentProblems(config, { MY_ADMIN: 'a'.repeat(32) })).toEqual([])
    // Unset (or empty): a token is generated, nothing to refuse; another variable is not looked at.
    expect(environmentProblems(config, {})).toEqual([])
    expect(environmentProblems(config, { MY_ADMIN: '' })).toEqual([])
    expect(environmentProblems(config, { TOKEN_HUB_ADMIN_TOKEN: 'short' })).toEqual([])
  })

  test('createApp refuses a short admin token from its environment too', async () => {
    const { createApp } = await import('../../src/app')
    const { openStore } = await import('../../src/store')
    const result = validateConfig({ storage: { sqlite_path: ':memory:' } })
    if (!result.ok) throw new Error(result.problems.join('\n'))
    const store = openStore(':memory:')
    try {
      await expect(createApp({ config: result.config, store, env: { TOKEN_HUB_ADMIN_TOKEN: 'x'.repeat(20) } })).rejects.toThrow(
        'admin.token_env: TOKEN_HUB_ADMIN_TOKEN holds a 20-character admin token',
      )
    } finally {
      store.close()
    }
  })

  test('a price that is not a finite number ≥ 0 (nan, inf, -inf, negative, a string) is a problem naming its path and value', () => {
    const text = `
[providers.mock]
type = "mock"
[[models]]
id = "a"
provider = "mock"
input_usd_per_mtok = nan
output_usd_per_mtok = inf
[[models]]
id = "b"
provider = "mock"
input_usd_per_mtok = -inf
output_usd_per_mtok = -0.01
[[models]]
id = "c"
provider = "mock"
input_usd_per_mtok = "0.15"
output_usd_per_mtok = 0
`
    const result = parseConfigText(text, 'test')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems).toEqual([
      'models[0].input_usd_per_mtok: must be a finite number ≥ 0 (got nan)',
      'models[0].output_usd_per_mtok: must be a finite number ≥ 0 (got inf)',
      'models[1].input_usd_per_mtok: must be a finite number ≥ 0 (got -inf)',
      'models[1].output_usd_per_mtok: must be a finite number ≥ 0 (got -0.01)',
      'models[2].input_usd_per_mtok: must be a finite number ≥ 0 (got "0.15")',
    ])
  })

  test('every numeric key states its rule the same way: integers, exclusive and upper bounds', () => {
    const result = validateConfig({
      server: { port: 70000 },
      limits: { key_rpm: 1.5 },
      billing: { cny_per_usd: Number.NaN },
      stripe: { min_topup_usd: 0 },
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems).toEqual([
      'server.port: must be an integer ≥ 0 and ≤ 65535 (got 70000)',
      'limits.key_rpm: must be an integer ≥ 1 (got 1.5)',
      'billing.cny_per_usd: must be a finite number > 0 (got nan)',
      'stripe.min_topup_usd: must be a finite number > 0 (got 0)',
    ])
  })
})
