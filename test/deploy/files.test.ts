// deploy/: the Dockerfile, compose.yaml and the systemd unit have what a safe deployment needs, and systemd's own checker accepts the unit.
import { afterAll, describe, expect, test } from 'bun:test'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { TIMEOUT_MS as HEALTHCHECK_TIMEOUT_MS } from '../../src/cli/healthcheck'
import { DRAIN_MS } from '../../src/cli/serve'
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
  seconds,
} from '../support/deploy-files'

const dockerfile = parseDockerfile(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8'))
const [build, runtime] = [dockerfile[0]!, dockerfile.at(-1)!]
const unitText = readFileSync(join(DEPLOY, 'token-hub.service'), 'utf8')
const unit = parseUnit(unitText)
const composeText = readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8')
// biome-ignore lint/suspicious/noExplicitAny: the YAML document, checked field by field below
const compose = Bun.YAML.parse(composeText) as any
const example = readFileSync(join(ROOT, 'config.example.toml'), 'utf8')
/** Every environment variable config.example.toml's `*_env` keys name. */
const secretVariables = [...example.matchAll(/^\s*[a-z_]+_env = "([A-Z0-9_]+)"/gm)].map((m) => m[1]!)

describe('Dockerfile', () => {
  test('two stages: the repo build (npm ci, npm run build) on Node, the executable alone on slim Debian', () => {
    expect(dockerfile.length).toBe(2)
    expect(build.name).toBe('build')
    expect(build.image).toMatch(/^node:\d+-\S*slim$/)
    const runs = instructions(build, 'RUN').map((i) => i.args)
    expect(runs.some((run) => run.startsWith('npm ci'))).toBe(true)
    expect(runs.some((run) => run.startsWith('npm run build'))).toBe(true)
    expect(runtime.image).toMatch(/^debian:[a-z]+-slim$/)
    // The runtime image copies only the executable and its config out of the build.
    const copies = instructions(runtime, 'COPY').map((i) => i.args.split(/\s+/))
    expect(copies.every((words) => words[0] === '--from=build')).toBe(true)
    expect(copies.map((words) => words[1])).toEqual(['/src/dist/token-hub', '/src/dist/config.toml'])
  })

  test('runs as a non-root user it creates, from the data volume, configured by TOKEN_HUB_CONFIG', () => {
    const user = lastInstruction(runtime, 'USER')!.args
    const [uid, gid] = user.split(':')
    expect(uid).toMatch(/^[1-9]\d*$/)
    const setup = instructions(runtime, 'RUN')
      .map((i) => i.args)
      .join(' ')
    expect(setup).toContain(`useradd --system --uid ${uid}`)
    expect(setup).toContain(`groupadd --system --gid ${gid}`)
    const workdir = lastInstruction(runtime, 'WORKDIR')!.args
    expect(execForm(lastInstruction(runtime, 'VOLUME')!.args)).toEqual([workdir])
    // The volume is the user's own.
    expect(setup).toContain(`install -d -o token-hub -g token-hub -m 0750 ${workdir}`)
    const env = envOf(runtime)
    const configCopy = instructions(runtime, 'COPY')
      .find((i) => i.args.endsWith('.toml'))!
      .args.split(/\s+/)
    expect(env.TOKEN_HUB_CONFIG).toBe(configCopy[2]!)
  })

  test('the image config is the example on all interfaces, with the database relative to the volume', () => {
    const buildRun = instructions(build, 'RUN').find((i) => i.args.startsWith('npm run build'))!.args
    expect(buildRun).toContain('config.example.toml > dist/config.toml')
    expect(buildRun).toContain('dist/token-hub check-config dist/config.toml')
    expect(example).toMatch(/^host = "127\.0\.0\.1"$/m)
    expect(example).toMatch(/^sqlite_path = "\.\/[^"]+"$/m)
    expect(example).toMatch(/^port = 8080$/m)
    expect(lastInstruction(runtime, 'EXPOSE')!.args).toBe('8080')
  })

  test('exec-form ENTRYPOINT (token-hub is PID 1 and gets SIGTERM), HEALTHCHECK through the binary itself', () => {
    expect(execForm(lastInstruction(runtime, 'ENTRYPOINT')!.args)).toEqual(['/usr/local/bin/token-hub'])
    expect(execForm(lastInstruction(runtime, 'CMD')!.args)).toEqual(['serve'])
    expect(lastInstruction(runtime, 'STOPSIGNAL')!.args).toBe('SIGTERM')
    const healthcheck = healthcheckOf(runtime)!
    expect(healthcheck.command).toEqual(['/usr/local/bin/token-hub', 'healthcheck'])
    // Docker must not give up on the probe before the probe gives up on the server.
    expect(seconds(healthcheck.options.timeout!)).toBeGreaterThan(HEALTHCHECK_TIMEOUT_MS / 1000)
  })

  test('.dockerignore keeps local databases, configs and node_modules out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
    for (const entry of ['.git', 'node_modules', 'dist', 'data', '*.db', '*.db-wal', 'config.toml', '.env'])
      expect(ignored).toContain(entry)
  })
})

describe('compose.yaml', () => {
  const service = compose.services['token-hub']

  test('builds the Dockerfile from the repository root and keeps the database in a named volume', () => {
    expect(resolve(DEPLOY, service.build.context)).toBe(resolve(ROOT))
    expect(existsSync(resolve(DEPLOY, service.build.context, service.build.dockerfile))).toBe(true)
    const workdir = lastInstruction(runtime, 'WORKDIR')!.args
    const [volume, target] = (service.volumes as string[])[0]!.split(':')
    expect(target).toBe(workdir)
    expect(Object.keys(compose.volumes)).toContain(volume!)
    expect(service.ports).toEqual([`${lastInstruction(runtime, 'EXPOSE')!.args}:8080`])
    expect(service.restart).toBe('unless-stopped')
    expect(seconds(service.stop_grace_period)).toBeGreaterThan(DRAIN_MS / 1000)
  })

  test('passes every secret variable the example config names, and requires the admin token', () => {
    expect(Object.keys(service.environment).sort()).toEqual([...secretVariables].sort())
    expect(service.environment.TOKEN_HUB_ADMIN_TOKEN).toMatch(/^\$\{TOKEN_HUB_ADMIN_TOKEN:\?/)
  })

  test('the commented Caddy option is valid compose once uncommented: TLS in front, started when token-hub is healthy', () => {
    // Uncomment exactly the lines of the Caddy option: from "# caddy:" to the end of its comment
    // block, and "# caddy-data:".
    const lines = composeText.split('\n')
    const start = lines.indexOf('  # caddy:')
    expect(start).toBeGreaterThan(0)
    let end = start
    while (lines[end + 1]?.startsWith('  #   ')) end++
    const enabled = lines
      .map((line, i) => ((i >= start && i <= end) || line === '  # caddy-data:' ? line.replace('  # ', '  ') : line))
      .join('\n')
    // biome-ignore lint/suspicious/noExplicitAny: the YAML document
    const withCaddy = Bun.YAML.parse(enabled) as any
    const caddy = withCaddy.services.caddy
    expect(caddy.image).toMatch(/^caddy:/)
    expect(caddy.ports).toEqual(['80:80', '443:443'])
    expect(caddy.command).toContain('reverse-proxy')
    expect(caddy.command).toContain('--to token-hub:8080')
    expect(caddy.depends_on['token-hub'].condition).toBe('service_healthy')
    expect(Object.keys(withCaddy.volumes)).toContain('caddy-data')
  })
})

describe('token-hub.service', () => {
  const service = (key: string) => directive(unit, 'Service', key)

  test('a dedicated user, its state directory as working directory, restarts on failure, stops within the drain', () => {
    expect(service('User')).toBe('token-hub')
    expect(service('Group')).toBe('token-hub')
    expect(service('StateDirectory')).toBe('token-hub')
    expect(service('WorkingDirectory')).toBe('/var/lib/token-hub')
    expect(service('Restart')).toBe('on-failure')
    expect(seconds(service('TimeoutStopSec')!)).toBeGreaterThan(DRAIN_MS / 1000)
    const start = commandLine(service('ExecStart')!)
    expect(isAbsolute(start[0]!)).toBe(true)
    expect(start.slice(1)).toEqual(['serve', '--config', '/etc/token-hub/config.toml'])
    expect(directive(unit, 'Install', 'WantedBy')).toBe('multi-user.target')
  })

  test('hardened: no new privileges, read-only system, no home, private /tmp, only the state directory writable', () => {
    expect(service('NoNewPrivileges')).toBe('yes')
    expect(service('ProtectSystem')).toBe('strict')
    expect(service('ProtectHome')).toBe('yes')
    expect(service('PrivateTmp')).toBe('yes')
    expect(service('ReadWritePaths')).toBe('/var/lib/token-hub')
    expect(service('CapabilityBoundingSet')).toBe('')
    // The JavaScript engine's JIT needs writable+executable memory: this one would stop the service.
    expect(service('MemoryDenyWriteExecute')).toBeUndefined()
  })

  const analyze = Bun.which('systemd-analyze')
  const scratch = mkdtempSync(join(tmpdir(), 'th-unit-'))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  test.skipIf(!analyze)('systemd-analyze verify: no complaint about the unit', () => {
    // An alternate root holding the unit, an executable where each Exec* line points, and the
    // host's own units (verify resolves After=, WantedBy= against them).
    const root = join(scratch, 'root')
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true })
    mkdirSync(join(root, 'usr/lib/systemd'), { recursive: true })
    symlinkSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'))
    writeFileSync(join(root, 'etc/systemd/system/token-hub.service'), unitText)
    for (const key of Object.keys(unit.Service!).filter((key) => key.startsWith('Exec'))) {
      const program = commandLine(service(key)!)[0]!.replace(/^[-@:+!]+/, '')
      mkdirSync(join(root, program, '..'), { recursive: true })
      const host = Bun.which(program)
      if (host && program !== '/usr/local/bin/token-hub') copyFileSync(host, join(root, program))
      else writeFileSync(join(root, program), '#!/bin/sh\n')
      chmodSync(join(root, program), 0o755)
    }
    const result = Bun.spawnSync([analyze!, 'verify', `--root=${root}`, 'token-hub.service'], { stdout: 'pipe', stderr: 'pipe' })
    const complaints = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes('token-hub.service'))
    expect(complaints).toEqual([])
    expect(result.exitCode).toBe(0)
  })

  test.skipIf(!analyze)('systemd-analyze security: overall exposure below 2.0 ("OK" or better)', () => {
    const path = join(scratch, 'token-hub.service')
    writeFileSync(path, unitText)
    const result = Bun.spawnSync([analyze!, 'security', '--offline=yes', path], { stdout: 'pipe', stderr: 'pipe' })
    const overall = /Overall exposure level for token-hub\.service: (\d+\.\d+)/.exec(result.stdout.toString())
    expect(overall).not.toBeNull()
    expect(Number(overall![1])).toBeLessThan(2)
  })
})
