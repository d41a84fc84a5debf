// What the Postgres and Redis test helpers share: finding a binary (or failing loudly), a free loopback port, an unprivileged user, a private temp dir.
import { chownSync, existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The first of `candidates` that exists, else the name found on PATH. A test that needs the
 * binary fails with `install` in its message instead of being skipped: a suite that silently
 * runs nothing cannot fail.
 */
export function findBinary(name: string, candidates: readonly string[], install: string): string {
  for (const path of candidates) if (existsSync(path)) return path
  const onPath = Bun.which(name)
  if (onPath) return onPath
  throw new Error(`${name} not found (looked in ${candidates.join(', ')} and on PATH): ${install}`)
}

/** A TCP port nothing listens on at the moment of the call (the kernel's pick on 127.0.0.1). */
export function freePort(): number {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = probe.port
  probe.stop(true)
  return port
}

export interface ServiceUser {
  uid: number
  gid: number
  /** The command prefix that runs a program as this user, killed when the test process dies. */
  prefix: string[]
}

function idOf(user: string, flag: '-u' | '-g'): number | null {
  const out = Bun.spawnSync(['id', flag, user], { stdout: 'pipe', stderr: 'ignore' })
  return out.exitCode === 0 ? Number(out.stdout.toString().trim()) : null
}

/**
 * Who runs the database: initdb and postgres refuse to run as root, so as root they run as the
 * `postgres` user Debian's package creates (or, without it, a system user created here), through
 * `setpriv`, which execs in place: the child's pid is the server's own, so signals reach it.
 * Without root the prefix still is setpriv, for its parent-death signal.
 */
export function serviceUser(): ServiceUser {
  const uid = process.getuid?.() ?? 0
  const setpriv = findBinary('setpriv', ['/usr/bin/setpriv'], 'install util-linux')
  // The kernel kills the server when the test process ends, however it ends (bun test does not
  // run 'exit' handlers reliably; a killed run runs none): no server outlives its tests.
  const dies = ['--pdeathsig', 'KILL']
  if (uid !== 0) return { uid, gid: process.getgid?.() ?? 0, prefix: [setpriv, ...dies, '--'] }
  let name = 'postgres'
  if (idOf(name, '-u') === null) {
    name = 'token-hub-test'
    if (idOf(name, '-u') === null) Bun.spawnSync(['useradd', '--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name])
  }
  const userId = idOf(name, '-u')
  const groupId = idOf(name, '-g')
  if (userId === null || groupId === null)
    throw new Error(`running as root and could not find or create an unprivileged user for Postgres (${name})`)
  return { uid: userId, gid: groupId, prefix: [setpriv, `--reuid=${userId}`, `--regid=${groupId}`, '--clear-groups', ...dies, '--'] }
}

/** A fresh directory under the temp dir, owned by `user` (who must be able to write it). */
export function privateDir(prefix: string, user: ServiceUser): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  chownSync(dir, user.uid, user.gid)
  return dir
}
