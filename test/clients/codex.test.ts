// Codex (the real CLI, headless `codex exec`) against token-hub and the mock: a one-line answer and a shell round trip, per model family.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startHub, type TestHub } from '../helpers'
import { callsOf } from '../support/agent-calls'
import {
  agentHubConfig,
  CLAUDE_CODE_DEFAULT_MODEL,
  CLI_INSTALL_TIMEOUT_MS,
  CLI_RUN_TIMEOUT_MS,
  ensureAgentClis,
  makeSandbox,
  runCodex,
  type CliRun,
} from '../support/agent-clis'
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

/** Codex prints the final answer alone on stdout (its progress goes to stderr). */
const FAMILIES = [
  { family: 'gpt on a Responses provider (relayed)', model: 'gpt-5.1' },
  { family: 'gpt on a Chat Completions provider (translated)', model: 'gpt-4.1' },
  { family: 'claude on an Anthropic provider (translated)', model: CLAUDE_CODE_DEFAULT_MODEL },
]

describe('Codex', () => {
  for (const { family, model } of FAMILIES) {
    describe(family, () => {
      test(
        'a one-line answer comes back; the log and the ledger show the call',
        async () => {
          const sandbox = await makeSandbox()
          try {
            const { key, keyId, accountId } = await hub.account({ balanceUsd: '10.00' })
            const run = await runCodex({
              url: hub.url,
              key,
              model,
              sandbox,
              prompt: 'Say that the gateway works. [[mock-reply The gateway works.]]',
            })
            expect(run.code, explain(run)).toBe(0)
            expect(run.stdout.trim()).toBe('The gateway works.')
            const calls = await callsOf(hub, accountId, keyId)
            expect(calls.rows.length).toBeGreaterThanOrEqual(1)
            for (const row of calls.rows) expect(row).toMatchObject({ route: '/v1/responses', model, status: 200, stream: true })
            expect(calls.chargedMicros).toBeGreaterThan(0)
            expect(calls.chargedMicros).toBe(calls.loggedMicros)
          } finally {
            await sandbox.remove()
          }
        },
        CLI_RUN_TIMEOUT_MS + 30_000,
      )

      test(
        'one tool round trip: Codex runs `cat` through its shell tool and the answer holds the file',
        async () => {
          const secret = `kumquat-${crypto.randomUUID().slice(0, 8)}`
          const sandbox = await makeSandbox({ 'notes.txt': `the secret word is ${secret}\n` })
          try {
            const { key, keyId, accountId } = await hub.account({ balanceUsd: '10.00' })
            const run = await runCodex({
              url: hub.url,
              key,
              model,
              sandbox,
              prompt: 'What does notes.txt say? [[mock-tool exec_command {"cmd": "cat notes.txt"}]]',
            })
            expect(run.code, explain(run)).toBe(0)
            expect(run.stdout).toContain(`the secret word is ${secret}`)
            const calls = await callsOf(hub, accountId, keyId)
            expect(calls.rows.length).toBeGreaterThanOrEqual(2)
            for (const row of calls.rows) expect(row).toMatchObject({ route: '/v1/responses', model, status: 200 })
            expect(calls.chargedMicros).toBe(calls.loggedMicros)
          } finally {
            await sandbox.remove()
          }
        },
        CLI_RUN_TIMEOUT_MS + 30_000,
      )
    })
  }

  test(
    'the built-in openai provider (openai_base_url) tries a WebSocket first; the 426 sends it to HTTP without retrying',
    async () => {
      const sandbox = await makeSandbox()
      try {
        const { key, keyId, accountId } = await hub.account({ balanceUsd: '10.00' })
        const run = await runCodex({
          url: hub.url,
          key,
          model: 'gpt-5.1',
          sandbox,
          provider: 'builtin-openai',
          prompt: 'Say that the gateway works. [[mock-reply The gateway works.]]',
        })
        expect(run.code, explain(run)).toBe(0)
        expect(run.stdout.trim()).toBe('The gateway works.')
        // A 404 there makes Codex reconnect five times before it falls back.
        expect(run.stderr).not.toContain('Reconnecting')
        const calls = await callsOf(hub, accountId, keyId)
        expect(calls.rows.length).toBeGreaterThanOrEqual(1)
        for (const row of calls.rows) expect(row).toMatchObject({ route: '/v1/responses', model: 'gpt-5.1', status: 200 })
      } finally {
        await sandbox.remove()
      }
    },
    CLI_RUN_TIMEOUT_MS + 30_000,
  )

  for (const { family, model } of FAMILIES) {
    test(
      `local compaction (token-hub provider, a full context after a tool call), ${family}: Codex compacts through /responses and finishes`,
      async () => {
        const sandbox = await makeSandbox({ 'notes.txt': 'the secret word is kumquat\n' })
        try {
          const { key, keyId, accountId } = await hub.account({ balanceUsd: '10.00' })
          const run = await runCodex({
            url: hub.url,
            key,
            model,
            sandbox,
            autoCompactTokens: 2000,
            prompt: 'What does notes.txt say? [[mock-tool exec_command {"cmd": "cat notes.txt"}]]',
          })
          expect(run.code, explain(run)).toBe(0)
          expect(run.stderr).toContain('context compacted')
          const calls = await callsOf(hub, accountId, keyId)
          expect(calls.rows.length).toBeGreaterThanOrEqual(3)
          for (const row of calls.rows) expect(row).toMatchObject({ route: '/v1/responses', model, status: 200 })
        } finally {
          await sandbox.remove()
        }
      },
      CLI_RUN_TIMEOUT_MS + 30_000,
    )

    test(
      `remote compaction (built-in provider, a full context after a tool call), ${family}: Codex compacts and finishes`,
      async () => {
        const sandbox = await makeSandbox({ 'notes.txt': 'the secret word is kumquat\n' })
        try {
          const { key, keyId, accountId } = await hub.account({ balanceUsd: '10.00' })
          const run = await runCodex({
            url: hub.url,
            key,
            model,
            sandbox,
            provider: 'builtin-openai',
            // Codex's own prompt is thousands of tokens: the first tool call fills this context.
            autoCompactTokens: 2000,
            prompt: 'What does notes.txt say? [[mock-tool exec_command {"cmd": "cat notes.txt"}]]',
          })
          expect(run.code, explain(run)).toBe(0)
          expect(run.stderr).toContain('context compacted')
          expect(run.stderr).not.toContain('remote compact task')
          // The turn with the tool call, the compaction, and the turn after it.
          const calls = await callsOf(hub, accountId, keyId)
          expect(calls.rows.length).toBeGreaterThanOrEqual(3)
          for (const row of calls.rows) expect(row).toMatchObject({ route: '/v1/responses', model, status: 200 })
        } finally {
          await sandbox.remove()
        }
      },
      CLI_RUN_TIMEOUT_MS + 30_000,
    )
  }
})
