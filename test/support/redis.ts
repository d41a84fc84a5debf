// A real Redis server for tests: redis-server on a free loopback port in a temp dir, nothing persisted, torn down after.
import { RedisClient, type Subprocess } from 'bun'
import { rmSync } from 'node:fs'
import { findBinary, freePort, privateDir, serviceUser } from './services'

const INSTALL = 'install the Debian package `redis-server` (apt-get install redis-server), as .ci/run does'

export interface TestRedis {
  readonly url: string
  readonly port: number
  /** Stops the server (its data goes with it: nothing is persisted). */
  stop(): Promise<void>
  /** Starts it again, empty, on the same port. */
  start(): Promise<void>
  close(): Promise<void>
}

/**
 * Starts a throwaway redis-server (as the same unprivileged user as Postgres when we are root, so
 * neither server runs as root). Killed at process exit too.
 */
export async function startRedis(): Promise<TestRedis> {
  const binary = findBinary('redis-server', ['/usr/bin/redis-server', '/usr/local/bin/redis-server'], INSTALL)
  const user = serviceUser()
  const dir = privateDir('th-redis-', user)
  const port = freePort()
  const url = `redis://127.0.0.1:${port}`
  let server: Subprocess<'ignore', 'pipe', 'pipe'> | null = null

  const start = async () => {
    const child = Bun.spawn(
      [
        ...user.prefix,
        binary,
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' },
    )
    server = child
    const deadline = Date.now() + 20_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${await new Response(child.stdout).text()}`)
      const probe = new RedisClient(url, { autoReconnect: false, connectionTimeout: 1000 })
      try {
        if ((await probe.send('PING', [])) === 'PONG') return
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`redis-server did not answer within 20 s: ${String(error)}`)
      } finally {
        probe.close()
      }
      await Bun.sleep(30)
    }
  }
  const stop = async () => {
    if (!server) return
    const child = server
    server = null
    child.kill('SIGKILL')
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
    stop,
    start,
    async close() {
      await stop()
      process.off('exit', onExit)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
