// `token-hub backup FILE` and `token-hub restore FILE`: a consistent copy of the configured database, and putting one back.
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
  return loaded.config.storage.sqlite_path
}

function parse(args: string[]) {
  return parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' }, force: { type: 'boolean' } } })
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
  const result = backupDatabase(database, file, { force: values.force })
  if (!result.ok) {
    process.stderr.write(`backup failed: ${result.reason}\n`)
    return 1
  }
  process.stdout.write(
    `backup of ${database} written to ${result.path} (${result.bytes} bytes, schema ${result.schemaVersion}, integrity ok)\n`,
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
  const result = restoreDatabase(file, database, { force: values.force })
  if (!result.ok) {
    process.stderr.write(`restore failed: ${result.reason}\n`)
    return 1
  }
  process.stdout.write(
    `restored ${file} into ${database} (${result.tables} tables, ${result.rows} rows, schema ${result.schemaVersion}, integrity ok)\n`,
  )
  return 0
}
