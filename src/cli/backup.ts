// `token-hub backup FILE` and `token-hub restore FILE`: a consistent copy of the configured database, and putting one back.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config/load'
import { backupDatabase, restoreDatabase } from '../store/backup'

const BACKUP_USAGE = 'usage: token-hub backup FILE [--force] [--config FILE]\n'
const RESTORE_USAGE = 'usage: token-hub restore FILE [--force] [--config FILE]   (only while no server has the database open)\n'

/** The database the config names; null (with the problems printed) when the config is invalid. */
async function configuredDatabase(configPath: string | undefined): Promise<string | null> {
  const loaded = await loadConfig(configPath)
  if (!loaded.ok) {
    process.stderr.write(`token-hub: invalid config (${loaded.source}):\n`)
    for (const problem of loaded.problems) process.stderr.write(`  ${problem}\n`)
    return null
  }
  if (loaded.config.storage.postgres_url || loaded.config.storage.postgres_url_env) {
    process.stderr.write('token-hub: backup and restore work on SQLite only; on Postgres use pg_dump / pg_restore.\n')
    return null
  }
  return loaded.config.storage.sqlite_path
}

function parse(args: string[]) {
  return parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' }, force: { type: 'boolean' } } })
}

/** A failure the store did not foresee (a disk error mid-way) is still one line, not a stack trace. */
function attempt<T extends { ok: boolean }>(run: () => T): T | { ok: false; reason: string } {
  try {
    return run()
  } catch (error) {
    return { ok: false, reason: (error as Error).message }
  }
}

export async function runBackup(args: string[]): Promise<number> {
  const { values, positionals } = parse(args)
  const [file] = positionals
  if (!file || positionals.length > 1) {
    process.stderr.write(BACKUP_USAGE)
    return 1
  }
  const database = await configuredDatabase(values.config)
  if (database === null) return 1
  const result = attempt(() => backupDatabase(database, file, { force: values.force }))
  if (!result.ok) {
    process.stderr.write(`backup failed: ${result.reason}\n`)
    return 1
  }
  // Absolute paths: a relative sqlite_path resolves against the current directory, easy to get wrong.
  process.stdout.write(
    `backup of ${resolve(database)} written to ${resolve(result.path)} (${result.bytes} bytes, schema ${result.schemaVersion}, integrity ok)\n`,
  )
  return 0
}

export async function runRestore(args: string[]): Promise<number> {
  const { values, positionals } = parse(args)
  const [file] = positionals
  if (!file || positionals.length > 1) {
    process.stderr.write(RESTORE_USAGE)
    return 1
  }
  const database = await configuredDatabase(values.config)
  if (database === null) return 1
  const result = attempt(() => restoreDatabase(file, database, { force: values.force }))
  if (!result.ok) {
    process.stderr.write(`restore failed: ${result.reason}\n`)
    return 1
  }
  process.stdout.write(
    `restored ${resolve(file)} into ${resolve(database)} (${result.tables} tables, ${result.rows} rows, schema ${result.schemaVersion}, integrity ok)\n`,
  )
  return 0
}
