// kill -9 of a real `token-hub serve` during a burst of settlements, 20 cycles, on each implementation: the money survives
// every time, and every answer a client saw complete (a 200, a stream's [DONE] or message_stop) was charged.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Subprocess } from 'bun'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SERVE_ADMIN_TOKEN, serveConfig, startServe } from '../../support/serve-process'
import { SERVING_IMPLEMENTATIONS, type ServerData } from './implementations'

const ADMIN = SERVE_ADMIN_TOKEN
const CYCLES = 20

describe.each(SERVING_IMPLEMENTATIONS)('crash safety: $name', (impl) => {
  let dir: string
  let configPath: string
  let data: ServerData
  let server: Subprocess<'ignore', 'pipe', 'pipe'> | null = null

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-crash-'))
    data = impl.serverData(dir)
    await data.prepare?.()
    configPath = join(dir, 'config.toml')
    writeFileSync(configPath, serveConfig(data.toml))
  })
  afterAll(() => {
    server?.kill(9)
    rmSync(dir, { recursive: true, force: true })
  })

  /** Starts `token-hub serve` and resolves with its base URL once it listens. */
  async function start(): Promise<string> {
    const started = await startServe(configPath)
    server = started.process
    return started.url
  }

  async function kill9(): Promise<void> {
    server!.kill(9)
    await server!.exited
    server = null
  }

  /** What the data says, read by a connection of our own. */
  async function inspect(accountId: string) {
    const stored = await data.open()
    try {
      const integrity = await stored.integrity()
      const account = (await stored.snapshot([accountId])).accounts[accountId]!
      const charged = new Set((await stored.ledger(accountId)).filter((e) => e.type === 'charge').map((e) => e.requestId))
      return { integrity, balance: account.balanceMicros, sum: account.ledgerSumMicros, charged }
    } finally {
      await stored.close()
    }
  }

  const admin = (base: string, method: string, path: string, body?: unknown) =>
    fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })

  test(`kill -9 during a burst of settlements, ${CYCLES} cycles: integrity ok, no open holds after restart, balance = Σ entries, no committed charge lost`, async () => {
    const started = performance.now()
    let base = await start()
    const account = (await (await admin(base, 'POST', '/admin/accounts', { email: 'crash@test.local' })).json()) as { id: string }
    await admin(base, 'POST', `/admin/accounts/${account.id}/credits`, { amount_usd: '100.00' })
    const { key } = (await (await admin(base, 'POST', `/admin/accounts/${account.id}/keys`, { expires_in_days: null })).json()) as {
      key: string
    }

    const committed = new Set<string>()
    // Requests the kill cut: their holds were open when the process died.
    let cutByKill = 0
    let streamsCompleted = 0
    let charges = 0
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      // A burst: plain answers (settled before they are sent) and streams of both formats, some
      // ending before the kill and some in flight at it.
      const burst = Array.from({ length: 40 }, async (_, i) => {
        const stream = i % 3 === 0
        const messages = stream && i % 2 === 0
        try {
          const response = await fetch(`${base}${messages ? '/v1/messages' : '/v1/chat/completions'}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              model: 'gpt-4o-mini',
              max_tokens: 64,
              messages: [{ role: 'user', content: `cycle ${cycle} request ${i}` }],
              ...(stream
                ? { stream: true, metadata: { mock_fault: `drip-${5 + (i % 4) * 5}` } }
                : { metadata: { mock_fault: `slow-${(i * 7) % 60}` } }),
            }),
          })
          const text = await response.text()
          // A plain 200 is only sent after its charge committed, and a stream's terminator only
          // after its charge: either must survive the kill.
          const complete = !stream
            ? response.status === 200
            : messages
              ? text.includes('event: message_stop')
              : text.trimEnd().endsWith('data: [DONE]')
          if (complete) {
            committed.add(response.headers.get('x-request-id')!)
            if (stream) streamsCompleted++
          }
        } catch {
          cutByKill++
        }
      })
      await Bun.sleep(30 + ((cycle * 37) % 90))
      await kill9()
      await Promise.all(burst)

      const crashed = await inspect(account.id)
      expect(crashed.integrity).toBe('ok')
      expect(crashed.balance).toBe(crashed.sum)
      for (const requestId of committed) expect(crashed.charged.has(requestId)).toBe(true)

      base = await start()
      const restarted = await inspect(account.id)
      expect(restarted.integrity).toBe('ok')
      expect(restarted.balance).toBe(restarted.sum)
      // The killed process's holds went with it (or its successor's start released them): nothing is held, all of the balance is available.
      const seen = (await (await admin(base, 'GET', `/admin/accounts/${account.id}`)).json()) as {
        held_usd: string
        balance_usd: string
        available_usd: string
      }
      expect(seen.held_usd).toBe('0.0000')
      expect(seen.available_usd).toBe(seen.balance_usd)
      charges = restarted.charged.size
    }
    await kill9()
    console.log(
      `kill -9: ${CYCLES} cycles in ${((performance.now() - started) / 1000).toFixed(1)} s; ${charges} charges committed, ` +
        `${committed.size} acknowledged before a kill (${streamsCompleted} of them complete streams) and all found; ` +
        `${cutByKill} requests cut by the kills, nothing held after restart`,
    )
    expect(streamsCompleted).toBeGreaterThan(0)
    expect(committed.size).toBeGreaterThan(0)
    expect(cutByKill).toBeGreaterThan(0) // the kills did land mid-burst
  }, 90_000)
})
