// A real PostgreSQL server for tests: initdb in a temp dir, postgres on a free loopback port, torn down after.
import { SQL, type Subprocess } from 'bun'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { findBinary, freePort, privateDir, serviceUser, type ServiceUser } from './services'

const INSTALL = 'install the Debian package `postgresql` (apt-get install postgresql), as .ci/run does'
const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin']
const bin = (name: string) =>
  findBinary(
    name,
    BIN_DIRS.map((dir) => join(dir, name)),
    INSTALL,
  )

export interface TestPostgres {
  /** The server's own `postgres` database, as user `th` (trust auth on loopback only). */
  readonly url: string
  readonly port: number
  /** Creates a database (empty, or a copy of `template`, which must have no connections) and returns its URL. */
  createDatabase(template?: string): Promise<string>
  /** Stops the server (fast shutdown: clients are cut, committed data stays). */
  stop(): Promise<void>
  /** Starts it again on the same data and port. */
  start(): Promise<void>
  /** Stops it and removes its data. */
  close(): Promise<void>
}

let databases = 0

/**
 * Starts a throwaway cluster. Durability is traded for speed (fsync off): a test kills gateways,
 * not the machine. The server is killed at process exit too, should a test not close it.
 *
 * @example
 * const pg = await startPostgres()
 * const url = await pg.createDatabase()
 * afterAll(() => pg.close())
 */
export async function startPostgres(): Promise<TestPostgres> {
  const user: ServiceUser = serviceUser()
  const dir = privateDir('th-pg-', user)
  const data = join(dir, 'data')
  const init = Bun.spawnSync([...user.prefix, bin('initdb'), '-D', data, '-A', 'trust', '-U', 'th', '-E', 'UTF8', '--no-sync'], {
    stdout: 'pipe',
    stderr: 'pipe',
  })
  if (init.exitCode !== 0) throw new Error(`initdb failed (${init.exitCode}): ${init.stderr.toString()}`)
  const port = freePort()
  const url = `postgres://th@127.0.0.1:${port}/postgres`
  let server: Subprocess<'ignore', 'ignore', 'pipe'> | null = null

  const spawn = () =>
    Bun.spawn(
      [
        ...user.prefix,
        bin('postgres'),
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=300',
      ],
      { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' },
    )

  const waitReady = async (child: Subprocess<'ignore', 'ignore', 'pipe'>) => {
    const deadline = Date.now() + 30_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${await new Response(child.stderr).text()}`)
      const probe = new SQL(url, { max: 1, connectionTimeout: 2 })
      try {
        await probe`SELECT 1`
        return
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 30 s: ${String(error)}`)
      } finally {
        await probe.close().catch(() => {})
      }
      await Bun.sleep(50)
    }
  }

  const start = async () => {
    server = spawn()
    await waitReady(server)
  }
  const stop = async () => {
    if (!server) return
    const child = server
    server = null
    child.kill('SIGINT') // fast shutdown
    await child.exited
  }
  const onExit = () => {
    server?.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', onExit)

  await start()
  return {
    url,
    port,
    async createDatabase(template) {
      const name = `th_test_${process.pid}_${++databases}`
      const admin = new SQL(url, { max: 1 })
      try {
        await admin.unsafe(template ? `CREATE DATABASE ${name} TEMPLATE ${new URL(template).pathname.slice(1)}` : `CREATE DATABASE ${name}`)
      } finally {
        await admin.close()
      }
      return `postgres://th@127.0.0.1:${port}/${name}`
    },
    stop,
    start,
    async close() {
      await stop()
      process.off('exit', onExit)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

let shared: Promise<TestPostgres> | null = null

/** One cluster for the whole test process (each test takes its own database in it); gone at exit. */
export function sharedPostgres(): Promise<TestPostgres> {
  shared ??= startPostgres()
  return shared
}
