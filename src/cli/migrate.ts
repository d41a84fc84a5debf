// `token-hub migrate [--config FILE]`: applies the configured store's migrations (SQLite or Postgres) and exits.
import { loadConfig } from '../config/load'
import { migrate } from '../store/db'
import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { describeStorage, postgresUrlOf } from '../store/open'
import { openPostgres } from '../store/postgres/connect'
import { migratePostgres } from '../store/postgres/migrations'

export async function runMigrate(configPath: string | undefined): Promise<number> {
  const loaded = await loadConfig(configPath)
  if (!loaded.ok) {
    console.error(`token-hub: invalid config (${loaded.source}):`)
    for (const problem of loaded.problems) console.error(`  ${problem}`)
    return 1
  }
  const { config } = loaded
  const url = postgresUrlOf(config, process.env)
  if (url !== null) {
    const sql = openPostgres(url, { max: 1 })
    try {
      const applied = await migratePostgres(sql)
      console.log(`${describeStorage(config, process.env)}: ${applied} migration(s) applied`)
    } finally {
      await sql.close()
    }
    return 0
  }
  const path = config.storage.sqlite_path
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path, { create: true, strict: true })
  try {
    db.exec('PRAGMA busy_timeout = 5000')
    const before = (db.query('PRAGMA user_version').get() as { user_version: number }).user_version
    migrate(db)
    const after = (db.query('PRAGMA user_version').get() as { user_version: number }).user_version
    console.log(`${path}: ${after - before} migration(s) applied (schema version ${after})`)
  } finally {
    db.close()
  }
  return 0
}
