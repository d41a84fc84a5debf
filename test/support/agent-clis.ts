// The real agent CLIs (Claude Code, Codex) from test/clients, installed on first use and run headless against a hub.
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './serve-process'

export const CLIENTS_DIR = join(ROOT, 'test/clients')
const BIN = join(CLIENTS_DIR, 'node_modules/.bin')
export const CLAUDE_BIN = join(BIN, 'claude')
export const CODEX_BIN = join(BIN, 'codex')

/** How long one headless run may take on a busy 2-core box: a bound, not a speed claim. */
export const CLI_RUN_TIMEOUT_MS = 240_000
/** How long `npm ci` of the ~650 MB client package may take. */
export const CLI_INSTALL_TIMEOUT_MS = 900_000

let installing: Promise<void> | null = null

/** The installed CLIs are the versions test/clients/package.json pins (a bump re-installs them). */
function installedAsPinned(): boolean {
  if (!existsSync(CLAUDE_BIN) || !existsSync(CODEX_BIN)) return false
  const pins = (JSON.parse(readFileSync(join(CLIENTS_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> })
    .dependencies
  return Object.entries(pins).every(([name, version]) => {
    const manifest = join(CLIENTS_DIR, 'node_modules', name, 'package.json')
    return existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version === version
  })
}

/**
 * Makes sure test/clients is installed at its pinned versions (`npm ci --prefix test/clients`, as
 * .ci/run does), once per process; fails with npm's own output when it cannot install.
 */
export function ensureAgentClis(): Promise<void> {
  if (installedAsPinned()) return Promise.resolve()
  installing ??= (async () => {
    const child = Bun.spawn(['npm', 'ci', '--prefix', CLIENTS_DIR, '--no-audit', '--no-fund'], {
      cwd: ROOT,
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
    if (code !== 0 || !installedAsPinned()) {
      throw new Error(
        `could not install the agent CLIs (npm ci --prefix test/clients exited ${code}); these tests need npm and the registry:\n${stdout}\n${stderr}`,
      )
    }
  })()
  return installing
}

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** A scratch directory: the CLI's HOME and a working directory holding the files a test reads. */
export interface Sandbox {
  home: string
  work: string
  remove(): Promise<void>
}

export async function makeSandbox(files: Record<string, string> = {}): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'token-hub-cli-'))
  const home = join(root, 'home')
  const work = join(root, 'work')
  await mkdir(home)
  await mkdir(work)
  for (const [name, text] of Object.entries(files)) await writeFile(join(work, name), text)
  return { home, work, remove: () => rm(root, { recursive: true, force: true }) }
}

async function run(argv: string[], cwd: string, env: Record<string, string>): Promise<CliRun> {
  // Only what the CLI needs: no credentials or endpoints of the machine leak into the run.
  const child = Bun.spawn(argv, {
    cwd,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', TERM: 'dumb', ...env },
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), CLI_RUN_TIMEOUT_MS)
  try {
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
    return { code, stdout, stderr }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * `claude -p PROMPT` against the hub: base URL and key from the environment, telemetry, the
 * updater and non-essential traffic off, a scratch HOME. No `--model` unless given, so the
 * CLI's own default model is what reaches the hub.
 */
export function runClaude(options: { url: string; key: string; prompt: string; sandbox: Sandbox; model?: string }): Promise<CliRun> {
  const argv = [CLAUDE_BIN, '-p', options.prompt, ...(options.model ? ['--model', options.model] : [])]
  return run(argv, options.sandbox.work, {
    HOME: options.sandbox.home,
    ANTHROPIC_BASE_URL: options.url,
    ANTHROPIC_AUTH_TOKEN: options.key,
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  })
}

/** The `config.toml` a Codex user writes for token-hub: a Responses provider keyed by an environment variable. */
export function codexConfig(url: string, model: string, autoCompactTokens?: number): string {
  return `model = "${model}"
model_provider = "token-hub"
${autoCompactTokens === undefined ? '' : `model_auto_compact_token_limit = ${autoCompactTokens}\n`}
[model_providers.token-hub]
name = "token-hub"
base_url = "${url}/v1"
env_key = "TOKEN_HUB_API_KEY"
wire_api = "responses"

[analytics]
enabled = false

[feedback]
enabled = false
`
}

/**
 * The other way a Codex user points it at a gateway: the built-in `openai` provider with
 * `openai_base_url` and the key in CODEX_API_KEY. That provider tries the Responses WebSocket first.
 */
export function codexBuiltinConfig(url: string, model: string, autoCompactTokens?: number): string {
  return `model = "${model}"
openai_base_url = "${url}/v1"
${autoCompactTokens === undefined ? '' : `model_auto_compact_token_limit = ${autoCompactTokens}\n`}
[analytics]
enabled = false

[feedback]
enabled = false
`
}

/**
 * `codex exec PROMPT` against the hub with a scratch CODEX_HOME holding `codexConfig` (or
 * `codexBuiltinConfig`): read-only sandbox, never asking for approval, outside a git repository.
 */
export async function runCodex(options: {
  url: string
  key: string
  prompt: string
  sandbox: Sandbox
  model: string
  provider?: 'token-hub' | 'builtin-openai'
  /** Compact once the context passes this many tokens. */
  autoCompactTokens?: number
}): Promise<CliRun> {
  const codexHome = join(options.sandbox.home, '.codex')
  const builtin = options.provider === 'builtin-openai'
  await mkdir(codexHome, { recursive: true })
  const config = builtin
    ? codexBuiltinConfig(options.url, options.model, options.autoCompactTokens)
    : codexConfig(options.url, options.model, options.autoCompactTokens)
  await writeFile(join(codexHome, 'config.toml'), config)
  const argv = [CODEX_BIN, 'exec', '--skip-git-repo-check', '--sandbox', 'read-only', '--color', 'never', options.prompt]
  return run(argv, options.sandbox.work, {
    HOME: options.sandbox.home,
    CODEX_HOME: codexHome,
    ...(builtin ? { CODEX_API_KEY: options.key } : { TOKEN_HUB_API_KEY: options.key }),
  })
}

/** Claude Code's default model in the pinned version (test/clients/package.json); the catalog below names no such id, a `claude-*` pattern serves it. */
export const CLAUDE_CODE_DEFAULT_MODEL = 'claude-opus-5-5'

const PRICE = { input_usd_per_mtok: 1, output_usd_per_mtok: 2, context_window: 1_000_000, max_output_tokens: 128_000 }

/**
 * A hub catalog over the HTTP mock for the agent CLIs: every Claude name by a pattern (Anthropic
 * provider, the client's name passed upstream, as a new user's default model is served), a GPT
 * model on an OpenAI provider serving the Responses API (relayed), and a GPT model on a
 * Chat-Completions-only provider (translated).
 */
export function agentHubConfig(mockUrl: string) {
  return {
    limits: { key_rpm: 100_000, account_rpm: 100_000 },
    providers: {
      anthropic: { type: 'anthropic', base_url: mockUrl, api_key: 'sk-ant-upstream' },
      'openai-responses': { type: 'openai', base_url: `${mockUrl}/v1`, api_key: 'sk-upstream-openai', responses_api: true },
      'openai-chat': { type: 'openai', base_url: `${mockUrl}/v1`, api_key: 'sk-upstream-openai', responses_api: false },
    },
    models: [
      { id: 'claude-*', provider: 'anthropic', ...PRICE },
      { id: 'gpt-5.1', provider: 'openai-responses', upstream_model: 'mock-gpt', ...PRICE },
      { id: 'gpt-4.1', provider: 'openai-chat', upstream_model: 'mock-gpt', ...PRICE },
    ],
    plans: { free: { models: ['*'] }, standard: { models: ['*'] } },
  }
}
