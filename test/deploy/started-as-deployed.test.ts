// The compiled executable started exactly as deploy/Dockerfile and deploy/token-hub.service start it serves /healthz.
//
// No Docker engine or systemd manager runs here, so the test replays what they would do, reading
// every command line, path and variable from the files themselves: the Dockerfile's build step
// (the repo's build and the image's config) runs as written, its COPY, ENV, WORKDIR, USER,
// ENTRYPOINT + CMD and HEALTHCHECK are applied under a scratch root; the unit's ExecStart,
// WorkingDirectory / StateDirectory, Environment and User likewise. Absolute paths map into the
// scratch root. As root (CI), the server runs under an unprivileged uid, as the image's USER and
// the unit's User= would run it. What only systemd or Docker apply (the sandboxing options, the
// volume's mount) is checked statically in files.test.ts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Subprocess } from 'bun'
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import {
  commandLine,
  DEPLOY,
  directive,
  envOf,
  execForm,
  healthcheckOf,
  instructions,
  lastInstruction,
  parseDockerfile,
  parseUnit,
  ROOT,
  unitEnvironment,
} from '../support/deploy-files'

const [build, runtime] = (() => {
  const stages = parseDockerfile(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8'))
  return [stages[0]!, stages.at(-1)!]
})()
const unit = parseUnit(readFileSync(join(DEPLOY, 'token-hub.service'), 'utf8'))

/** Docker's PATH for a Debian image, and systemd's for a service. */
const DOCKER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
const SYSTEMD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin'
/** The uid:gid a root test run drops to; the Dockerfile's own USER where it names one. */
const STAND_IN_USER = { uid: 10001, gid: 10001 }

const scratch = mkdtempSync(join(tmpdir(), 'th-deployed-'))
// An unprivileged server must be able to walk to its files.
chmodSync(scratch, 0o755)
const asRoot = process.getuid?.() === 0 && Bun.which('setpriv') !== null
const running: Subprocess[] = []
afterAll(() => {
  for (const child of running) child.kill(9)
  rmSync(scratch, { recursive: true, force: true })
})

/** `path` inside the scratch root `root`. */
const under = (root: string, path: string) => join(root, path)
/** Maps every absolute path among `words` into `root`. */
const mapped = (root: string, words: string[]) => words.map((word) => (isAbsolute(word) ? under(root, word) : word))

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = probe.port!
  probe.stop(true)
  return port
}

/** Runs `argv` as the deployment would: its cwd, exactly its environment, and (as root) its unprivileged user. */
function launch(argv: string[], options: { cwd: string; env: Record<string, string>; user: { uid: number; gid: number } }) {
  const command = asRoot ? ['setpriv', `--reuid=${options.user.uid}`, `--regid=${options.user.gid}`, '--clear-groups', '--', ...argv] : argv
  return Bun.spawn(command, { cwd: options.cwd, env: options.env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
}

/** Starts the server and resolves with its port once it says it listens. */
async function serve(
  argv: string[],
  options: Parameters<typeof launch>[1],
): Promise<{ child: Subprocess<'ignore', 'pipe', 'pipe'>; port: number }> {
  const child = launch(argv, options)
  running.push(child)
  const reader = child.stdout.getReader()
  const decoder = new TextDecoder()
  let out = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    out += decoder.decode(value, { stream: true })
    const match = /listening on http:\/\/[^\s]+:(\d+) /.exec(out)
    if (match) {
      reader.releaseLock()
      return { child, port: Number(match[1]) }
    }
  }
  throw new Error(`${argv.join(' ')} did not start:\n${out}\n${await new Response(child.stderr).text()}`)
}

/** Gives the unprivileged user a directory of its own, as useradd + install -d or StateDirectory= would. */
function ownDirectory(path: string, user: { uid: number; gid: number }) {
  mkdirSync(dirname(path), { recursive: true })
  mkdirSync(path, { mode: 0o750 })
  if (asRoot) chownSync(path, user.uid, user.gid)
}

/** Sets `port` in a config text whose [server] section says `port = 8080`. */
function onPort(config: string, port: number): string {
  expect(config).toMatch(/^port = 8080$/m)
  return config.replace(/^port = 8080$/m, `port = ${port}`)
}

/** The build stage's working directory, with what `COPY . .` would put there (node_modules standing in for `npm ci`). */
const context = join(scratch, 'context')

beforeAll(() => {
  mkdirSync(context)
  for (const entry of ['package.json', 'package-lock.json', 'build.ts', 'tsconfig.json', 'config.example.toml', 'src', 'node_modules']) {
    symlinkSync(join(ROOT, entry), join(context, entry))
  }
  // The build stage's step that builds the executable and writes the image's config, as written.
  const step = instructions(build, 'RUN').find((i) => i.args.startsWith('npm run build'))!.args
  const result = Bun.spawnSync(['/bin/sh', '-c', step], { cwd: context, stdout: 'pipe', stderr: 'pipe', env: process.env })
  if (result.exitCode !== 0) throw new Error(`build step failed:\n${result.stdout}\n${result.stderr}`)
}, 120_000)

describe('as the Dockerfile runs it', () => {
  const root = join(scratch, 'image')

  test('ENTRYPOINT + CMD with the image ENV, in WORKDIR as USER: /healthz 200, the HEALTHCHECK passes, the database lands in the VOLUME, SIGTERM exits 0', async () => {
    const buildDir = lastInstruction(build, 'WORKDIR')!.args
    for (const copy of instructions(runtime, 'COPY')) {
      const [from, source, target] = copy.args.split(/\s+/)
      expect(from).toBe('--from=build')
      const destination = under(root, target!)
      mkdirSync(dirname(destination), { recursive: true })
      copyFileSync(join(context, relative(buildDir, source!)), destination)
    }
    const [uid, gid] = lastInstruction(runtime, 'USER')!.args.split(':').map(Number)
    const user = { uid: uid!, gid: gid ?? uid! }
    const workdir = lastInstruction(runtime, 'WORKDIR')!.args
    ownDirectory(under(root, workdir), user)
    const imageEnv = envOf(runtime)
    const env: Record<string, string> = {
      PATH: DOCKER_PATH,
      HOME: under(root, workdir),
      ...Object.fromEntries(Object.entries(imageEnv).map(([name, value]) => [name, isAbsolute(value) ? under(root, value) : value])),
    }
    // The image's own config, on a port of our own (the image's 8080 may be taken here).
    const configPath = env.TOKEN_HUB_CONFIG!
    const imageConfig = readFileSync(configPath, 'utf8')
    expect(imageConfig).toMatch(/^host = "0\.0\.0\.0"$/m)
    const port = await freePort()
    writeFileSync(configPath, onPort(imageConfig, port))

    const argv = mapped(root, [
      ...execForm(lastInstruction(runtime, 'ENTRYPOINT')!.args)!,
      ...execForm(lastInstruction(runtime, 'CMD')!.args)!,
    ])
    const options = { cwd: under(root, workdir), env, user }
    const { child, port: listening } = await serve(argv, options)
    expect(listening).toBe(port)
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)

    const probe = launch(mapped(root, healthcheckOf(runtime)!.command), options)
    expect(await probe.exited).toBe(0)

    // The database is where the config says, relative to WORKDIR, inside the declared volume.
    const sqlitePath = /^sqlite_path = "([^"]+)"$/m.exec(imageConfig)![1]!
    const database = resolve(under(root, workdir), sqlitePath)
    const volume = under(root, execForm(lastInstruction(runtime, 'VOLUME')!.args)![0]!)
    expect(relative(volume, database).startsWith('..')).toBe(false)
    expect(existsSync(database)).toBe(true)
    if (asRoot) expect(statSync(database).uid).toBe(user.uid)

    child.kill('SIGTERM')
    expect(await child.exited).toBe(0)
  }, 60_000)
})

describe('as the systemd unit runs it', () => {
  const root = join(scratch, 'unit')
  const service = (key: string) => directive(unit, 'Service', key)

  test('ExecStart in WorkingDirectory (the StateDirectory) with the unit environment as User=: /healthz 200, the database in the state directory, SIGTERM exits 0', async () => {
    const argv = mapped(root, commandLine(service('ExecStart')!))
    // The binary the Dockerfile's build step compiled, installed where ExecStart points.
    mkdirSync(dirname(argv[0]!), { recursive: true })
    copyFileSync(join(context, 'dist/token-hub'), argv[0]!)
    const stateDirectory = `/var/lib/${service('StateDirectory')}`
    expect(service('WorkingDirectory')).toBe(stateDirectory)
    ownDirectory(under(root, stateDirectory), STAND_IN_USER)
    // The config the README installs: config.example.toml as it is, on a port of our own.
    const configPath = argv[argv.indexOf('--config') + 1]!
    mkdirSync(dirname(configPath), { recursive: true })
    const port = await freePort()
    writeFileSync(configPath, onPort(readFileSync(join(ROOT, 'config.example.toml'), 'utf8'), port))
    // The secrets file is optional ('-'), as it must be for a first start.
    for (const file of unit.Service!.EnvironmentFile ?? []) expect(file.startsWith('-')).toBe(true)

    const env = {
      PATH: SYSTEMD_PATH,
      HOME: under(root, stateDirectory),
      USER: service('User')!,
      LOGNAME: service('User')!,
      ...unitEnvironment(unit),
    }
    const options = { cwd: under(root, service('WorkingDirectory')!), env, user: STAND_IN_USER }
    const { child, port: listening } = await serve(argv, options)
    expect(listening).toBe(port)
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)

    const reload = service('ExecReload')
    if (reload) {
      // What `systemctl reload` runs must leave the server serving.
      const words = commandLine(reload).map((word) => word.replace(/^\$\{?MAINPID\}?$/, String(child.pid)))
      expect(Bun.spawnSync(words).exitCode).toBe(0)
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)
    }

    const database = resolve(under(root, stateDirectory), /^sqlite_path = "([^"]+)"$/m.exec(readFileSync(configPath, 'utf8'))![1]!)
    expect(relative(under(root, stateDirectory), database).startsWith('..')).toBe(false)
    expect(existsSync(database)).toBe(true)
    if (asRoot) expect(statSync(database).uid).toBe(STAND_IN_USER.uid)

    child.kill('SIGTERM')
    expect(await child.exited).toBe(0)
  }, 60_000)
})
