// `token-hub migrate`: applies the configured store's migrations once (Postgres or SQLite); the SQLite-only commands refuse a Postgres config.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations'
import { MIGRATIONS } from '../../src/store/migrations'
import { sharedPostgres } from '../support/postgres'
import { runCli, serveConfig, sqliteStorage } from '../support/serve-process'

describe('token-hub migrate', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'th-migrate-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('on Postgres: every migration the first time, none the second; admin and backup refuse to touch a SQLite file instead', async () => {
    const url = await (await sharedPostgres()).createDatabase()
    const path = join(dir, 'pg.toml')
    writeFileSync(path, serveConfig(`[storage]\npostgres_url = "${url}"\n`))
    const first = await runCli('migrate', '--config', path)
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`${POSTGRES_MIGRATIONS.length} migration(s) applied`)
    expect(first.stdout).not.toContain('th@') // no credentials in the output
    const second = await runCli('migrate', '--config', path)
    expect(second.stdout).toContain('0 migration(s) applied')
    const admin = await runCli('admin', 'create-account', '--email', 'x@t.local', '--config', path)
    expect(admin.code).toBe(1)
    expect(admin.stderr).toContain('SQLite only')
    const backup = await runCli('backup', join(dir, 'b.db'), '--config', path)
    expect(backup.code).not.toBe(0)
    expect(backup.stderr).toContain('pg_dump')
  }, 60_000)

  test('on SQLite: the schema version after it is the number of migrations', async () => {
    const path = join(dir, 'sqlite.toml')
    writeFileSync(path, serveConfig(sqliteStorage(join(dir, 'db', 'th.db'))))
    const run = await runCli('migrate', '--config', path)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`(schema version ${MIGRATIONS.length})`)
  }, 30_000)
})
