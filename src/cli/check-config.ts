// `token-hub check-config FILE`: every problem with its TOML path; exit 1 if any.
import { loadConfig } from '../config/load'

export async function runCheckConfig(path: string | undefined): Promise<number> {
  if (!path) {
    process.stderr.write('usage: token-hub check-config FILE\n')
    return 1
  }
  const result = await loadConfig(path, {})
  if (!result.ok) {
    process.stderr.write(`${path}: ${result.problems.length} problem(s)\n`)
    for (const problem of result.problems) process.stderr.write(`  ${problem}\n`)
    return 1
  }
  const { config } = result
  process.stdout.write(
    `${path}: ok (${Object.keys(config.providers).length} providers, ${config.models.length} models, ${Object.keys(config.plans).length} plans)\n`,
  )
  return 0
}
