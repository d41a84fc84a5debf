// The routing keys of config.toml: deployments, aliases, patterns, [routing] — every problem named by its path.
import { expect, test } from 'bun:test'
import { validateConfig } from '../../src/config/load'

const base = (models: unknown[], extra: Record<string, unknown> = {}) => ({
  providers: { a: { type: 'mock' }, b: { type: 'mock' } },
  models,
  ...extra,
})
const priced = { input_usd_per_mtok: 1 }
const problemsOf = (raw: unknown) => {
  const result = validateConfig(raw)
  return result.ok ? [] : result.problems
}

test('deployments, aliases, patterns and [routing] defaults validate', () => {
  const result = validateConfig(
    base(
      [
        {
          id: 'm',
          deployments: [
            { provider: 'a', weight: 2 },
            { provider: 'b', upstream_model: 'm-2' },
          ],
          aliases: ['m-old'],
          ...priced,
        },
        { id: 'claude-*', provider: 'a', ...priced },
      ],
      { plans: { standard: { models: ['m', 'claude-opus-4-8'] } }, billing: { default_plan: 'standard' } },
    ),
  )
  if (!result.ok) throw new Error(result.problems.join('\n'))
  expect(result.config.routing).toEqual({ retries: 2, cooldown_s: 30, max_cooldown_s: 600 })
  expect(result.config.models[0]!.deployments![1]!.weight).toBe(1)
})

test('every routing problem is reported at once, with its path', () => {
  const problems = problemsOf(
    base(
      [
        { id: 'm', provider: 'a', deployments: [{ provider: 'a' }], aliases: ['n'], ...priced },
        { id: 'n', aliases: ['m-*'], ...priced },
        { id: 'o', deployments: [{ provider: 'a' }, { provider: 'a' }, { provider: 'zz' }], aliases: ['p', 'p'], ...priced },
      ],
      { routing: { retries: -1, cooldown_s: 0 } },
    ),
  )
  expect(problems).toEqual(
    expect.arrayContaining([
      'routing.retries: must be an integer ≥ 0 and ≤ 30 (got -1)',
      'routing.cooldown_s: must be a finite number > 0 (got 0)',
      'models[0].deployments: give either provider or deployments, not both',
      'models[0].aliases[0]: "n" already names model "n"',
      'models[1].aliases[0]: an alias is one name, not a pattern ("m-*")',
      'models[1].provider: required (or a deployments list)',
      'models[2].deployments[1].provider: "a" is listed twice (one deployment per provider)',
      expect.stringMatching(/^models\[2\]\.deployments\[2\]\.provider: unknown provider "zz"/),
      'models[2].aliases[1]: "p" repeats the model\'s own id or alias',
    ]),
  )
})

test('a plan may name a name a pattern serves, not one nothing serves', () => {
  const problems = problemsOf(
    base([{ id: 'gpt-5*', provider: 'a', ...priced }], { plans: { standard: { models: ['gpt-5.1', 'claude-x'] } } }),
  )
  expect(problems).toEqual(['plans.standard.models[1]: unknown model "claude-x"'])
})
