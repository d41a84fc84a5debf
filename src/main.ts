#!/usr/bin/env bun
// The token-hub command: serve | migrate | mock-upstream | check-config | admin | backup | restore | healthcheck.
import { parseArgs } from 'node:util'
import { runAdmin } from './cli/admin'
import { runBackup, runRestore } from './cli/backup'
import { runCheckConfig } from './cli/check-config'
import { runHealthcheck } from './cli/healthcheck'
import { runMigrate } from './cli/migrate'
import { runMockUpstream } from './cli/mock-upstream'
import { runServe } from './cli/serve'
import { applyServeEnv } from './cli/runtime-env'

const USAGE = `token-hub — a self-hosted LLM API gateway

Usage:
  token-hub serve [--config FILE]              run the gateway (default: ./config.toml, else the embedded default)
  token-hub migrate [--config FILE]            apply the store's migrations (SQLite or Postgres); serve does it at start too
  token-hub mock-upstream [--port N] [--host H] run the mock OpenAI-compatible provider
  token-hub check-config FILE                  validate a config file; exit 1 on any problem
  token-hub admin <command> [...] [--config FILE]
                                               operator actions on the local database (run 'token-hub admin help')
  token-hub backup FILE [--force] [--config FILE]
                                               a consistent copy of the database, also while the server runs
  token-hub restore FILE [--force] [--config FILE]
                                               put a backup in place of the database (no server may have it open)
  token-hub healthcheck [--config FILE]        exit 0 when the configured server's /healthz answers 200
`

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } } })
      applyServeEnv()
      return runServe(values.config)
    }
    case 'migrate': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } } })
      return runMigrate(values.config)
    }
    case 'mock-upstream': {
      const { values } = parseArgs({ args: rest, options: { port: { type: 'string' }, host: { type: 'string' } } })
      return runMockUpstream({ port: values.port ? Number(values.port) : 9090, host: values.host ?? '127.0.0.1' })
    }
    case 'check-config':
      return runCheckConfig(rest[0])
    case 'admin':
      return runAdmin(rest)
    case 'backup':
      return runBackup(rest)
    case 'restore':
      return runRestore(rest)
    case 'healthcheck': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } } })
      return runHealthcheck(values.config)
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE)
      return command === undefined ? 1 : 0
    default:
      process.stderr.write(`unknown command '${command}'\n\n${USAGE}`)
      return 1
  }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2))
  // serve and mock-upstream keep running until a signal; everything else exits with its code.
  if (code !== -1) process.exit(code)
}
