// Readers for deploy/: the Dockerfile's instructions and the systemd unit's directives, as the tests check and replay them.
import { join } from 'node:path'

export const ROOT = join(import.meta.dir, '../..')
export const DEPLOY = join(ROOT, 'deploy')

export interface Instruction {
  keyword: string
  /** Everything after the keyword, continuation lines joined. */
  args: string
}

export interface Stage {
  image: string
  name: string | null
  instructions: Instruction[]
}

/** Splits a Dockerfile into stages of instructions; comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#'))) continue
    // A comment inside a continued instruction is dropped, as Docker does.
    if (line.startsWith('#')) continue
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `
      continue
    }
    const full = (pending + line).trim()
    pending = ''
    if (full === '') continue
    const [keyword = '', ...rest] = full.split(/\s+/)
    const instruction = { keyword: keyword.toUpperCase(), args: full.slice(keyword.length).trim() }
    if (instruction.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args)
      stages.push({ image: match?.[1] ?? instruction.args, name: match?.[2] ?? null, instructions: [] })
    } else {
      if (rest.length === 0) throw new Error(`${keyword} without arguments`)
      const stage = stages.at(-1)
      if (!stage) throw new Error(`${keyword} before any FROM`)
      stage.instructions.push(instruction)
    }
  }
  return stages
}

export const instructions = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword)
export const lastInstruction = (stage: Stage, keyword: string) => instructions(stage, keyword).at(-1)

/** The exec (JSON array) form of CMD / ENTRYPOINT / HEALTHCHECK CMD; null for the shell form. */
export function execForm(args: string): string[] | null {
  if (!args.startsWith('[')) return null
  const parsed: unknown = JSON.parse(args)
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) throw new Error(`not an exec form: ${args}`)
  return parsed
}

/** `ENV A=1 B="two words"` (and the legacy `ENV A 1`) as a record. */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {}
  for (const { args } of instructions(stage, 'ENV')) {
    if (!args.includes('=')) {
      const [name = '', ...value] = args.split(/\s+/)
      env[name] = value.join(' ')
      continue
    }
    for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
      const value = match[2]!
      env[match[1]!] = value.startsWith('"') ? (JSON.parse(value) as string) : value
    }
  }
  return env
}

/** HEALTHCHECK's options and its command (exec form). */
export function healthcheckOf(stage: Stage): { options: Record<string, string>; command: string[] } | null {
  const healthcheck = lastInstruction(stage, 'HEALTHCHECK')
  if (!healthcheck) return null
  const match = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(.+)$/.exec(healthcheck.args)
  if (!match) throw new Error(`HEALTHCHECK without CMD: ${healthcheck.args}`)
  const options = Object.fromEntries([...match[1]!.matchAll(/--([a-z-]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]))
  const command = execForm(match[2]!.trim())
  if (!command) throw new Error('HEALTHCHECK CMD is not in exec form')
  return { options, command }
}

/** Docker and systemd durations as seconds: `45s`, `1m30s`, `2min`, `500ms`, `45`. */
export function seconds(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value)
  const units: Record<string, number> = { ms: 0.001, s: 1, sec: 1, m: 60, min: 60, h: 3600 }
  let total = 0
  let rest = value.replace(/\s+/g, '')
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|min|sec|s|m|h)/.exec(rest)
    if (!match) throw new Error(`not a duration: ${value}`)
    total += Number(match[1]) * units[match[2]!]!
    rest = rest.slice(match[0].length)
  }
  return total
}

/** A unit file's directives: section → key → every value in order (a key may repeat). */
export type Unit = Record<string, Record<string, string[]>>

export function parseUnit(text: string): Unit {
  const unit: Unit = {}
  let section: Record<string, string[]> | null = null
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#') || line.startsWith(';'))) continue
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `
      continue
    }
    const full = pending + line
    pending = ''
    const header = /^\[(.+)\]$/.exec(full)
    if (header) {
      unit[header[1]!] ??= {}
      section = unit[header[1]!]!
      continue
    }
    const eq = full.indexOf('=')
    if (!section || eq < 0) throw new Error(`not a directive: ${full}`)
    const key = full.slice(0, eq).trim()
    section[key] = [...(section[key] ?? []), full.slice(eq + 1).trim()]
  }
  return unit
}

/** The value a unit's directive ends up with (the last assignment wins for single-valued keys). */
export const directive = (unit: Unit, section: string, key: string) => unit[section]?.[key]?.at(-1)

/**
 * A systemd command line split into words: double and single quotes group, `$VAR` / `${VAR}`
 * stand as one word (systemd substitutes them); prefixes such as `-` or `@` are not used here.
 */
export function commandLine(value: string): string[] {
  const words: string[] = []
  for (const match of value.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3]!)
  return words
}

/** `Environment=A=1 "B=two words"` lines as a record. */
export function unitEnvironment(unit: Unit): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of unit.Service?.Environment ?? []) {
    for (const word of commandLine(line)) {
      const eq = word.indexOf('=')
      if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1)
    }
  }
  return env
}
