// Claude Code (the real CLI, headless `claude -p`) against token-hub and the mock: a one-line answer and a Read round trip, per model family.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startHub, type TestHub } from '../helpers'
import {
  agentHubConfig,
  CLAUDE_CODE_DEFAULT_MODEL,
  CLI_INSTALL_TIMEOUT_MS,
  CLI_RUN_TIMEOUT_MS,
  ensureAgentClis,
  makeSandbox,
  runClaude,
  type CliRun,
} from '../support/agent-clis'
import { callsOf } from '../support/agent-calls'
import { type HttpMock, serveMock } from '../support/mock-http'

let mock: HttpMock
let hub: TestHub

beforeAll(async () => {
  await ensureAgentClis()
  mock = serveMock()
  hub = await startHub({ config: agentHubConfig(mock.url) })
}, CLI_INSTALL_TIMEOUT_MS)

afterAll(async () => {
  await hub?.close()
  mock?.stop()
})

const explain = (run: CliRun) => `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`

/** The model families Claude Code is driven through: its own default (no --model), and a GPT model translated to Chat Completions. */
const FAMILIES = [
  { family: 'claude (default model, no flag)', flag: undefined, model: CLAUDE_CODE_DEFAULT_MODEL },
  { family: 'gpt (translated to Chat Completions)', flag: 'gpt-4.1', model: 'gpt-4.1' },
  { family: 'gpt on a Responses provider (translated)', flag: 'gpt-5.1', model: 'gpt-5.1' },
]

describe('Claude Code', () => {
  for (const { family, flag, model } of FAMILIES) {
    describe(family, () => {
      test(
        'a one-line answer comes back; the log and the ledger show the call',
        async () => {
          const sandbox = await makeSandbox()
          try {
            const { key, keyId, accountId } = await hub.account({ balanceUsd: '10.00' })
            const run = await runClaude({
              url: hub.url,
              key,
              prompt: 'Say that the gateway works. [[mock-reply The gateway works.]]',
              sandbox,
              model: flag,
            })
            expect(run.code, explain(run)).toBe(0)
            expect(run.stdout.trim()).toBe('The gateway works.')
            const calls = await callsOf(hub, accountId, keyId)
            expect(calls.rows.length).toBeGreaterThanOrEqual(1)
            for (const row of calls.rows) expect(row).toMatchObject({ route: '/v1/messages', model, status: 200 })
            expect(calls.chargedMicros).toBeGreaterThan(0)
            expect(calls.chargedMicros).toBe(calls.loggedMicros)
          } finally {
            await sandbox.remove()
          }
        },
        CLI_RUN_TIMEOUT_MS + 30_000,
      )

      test(
        'one tool round trip: Claude Code reads a file with its Read tool and the answer holds its content',
        async () => {
          const secret = `kumquat-${crypto.randomUUID().slice(0, 8)}`
          const sandbox = await makeSandbox({ 'notes.txt': `the secret word is ${secret}\n` })
          try {
            const { key, keyId, accountId } = await hub.account({ balanceUsd: '10.00' })
            const path = `${sandbox.work}/notes.txt`
            const run = await runClaude({
              url: hub.url,
              key,
              prompt: `What does notes.txt say? [[mock-tool Read {"file_path": "${path}"}]]`,
              sandbox,
              model: flag,
            })
            expect(run.code, explain(run)).toBe(0)
            expect(run.stdout).toContain(`the secret word is ${secret}`)
            // The call that asked for the tool and the call that carried its result, both billed.
            const calls = await callsOf(hub, accountId, keyId)
            expect(calls.rows.length).toBeGreaterThanOrEqual(2)
            for (const row of calls.rows) expect(row).toMatchObject({ route: '/v1/messages', model, status: 200 })
            expect(calls.chargedMicros).toBe(calls.loggedMicros)
          } finally {
            await sandbox.remove()
          }
        },
        CLI_RUN_TIMEOUT_MS + 30_000,
      )
    })
  }
})
