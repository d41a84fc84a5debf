// Live reload: an invalid config is refused with every problem and the old kept; a valid one swaps in under load, nothing lost or doubled.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../src/config/load'
import { ADMIN_TOKEN, chatBody, post, startHub, type TestHub } from '../helpers'

/** The whole config file (a reload re-reads everything): `priced` at `price` USD/Mtok input, output free. */
function configText(price: number, extra = '') {
  return `
[server]
port = 0
[storage]
sqlite_path = ":memory:"
[admin]
token = "${ADMIN_TOKEN}"
[logs]
flush_interval_ms = 50
[limits]
key_rpm = 1000000
account_rpm = 1000000
[routing]
retries = 2
[providers.mock]
type = "mock"
[[models]]
id = "priced"
provider = "mock"
upstream_model = "mock-gpt"
input_usd_per_mtok = ${price}
output_usd_per_mtok = 0
context_window = 128000
max_output_tokens = 64
${extra}
[plans.standard]
models = ["*"]
[plans.free]
models = ["priced"]
`
}

const INVALID = `${configText(1)}
[[models]]
id = "broken"
provider = "opneai"
input_usd_per_mtok = -1
`

const KEPT = `
[[models]]
id = "kept-for-now"
provider = "mock"
input_usd_per_mtok = 1
`

let dir: string
let path: string
let hub: TestHub
let key: string
let accountId: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'th-reload-'))
  path = join(dir, 'config.toml')
  writeFileSync(path, configText(1, KEPT))
  const loaded = await loadConfig(path, {})
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'))
  hub = await startHub({
    config: loaded.config as unknown as Record<string, unknown>,
    deps: { readConfig: () => loadConfig(path, {}) },
  })
  ;({ key, accountId } = await hub.account({ balanceUsd: '1000.00' }))
})
afterAll(async () => {
  await hub.close()
  rmSync(dir, { recursive: true, force: true })
})

const reload = () => hub.admin('POST', '/admin/config/reload')

async function chargesOf(): Promise<Map<string, number[]>> {
  const byRequest = new Map<string, number[]>()
  let before: number | null | undefined
  do {
    const query = before ? `?limit=500&before=${before}` : '?limit=500'
    const page = (await (await hub.admin('GET', `/admin/accounts/${accountId}/ledger${query}`)).json()) as {
      data: Array<{ type: string; request_id: string | null; amount_micros: number }>
      next_before: number | null
    }
    for (const e of page.data) {
      if (e.type !== 'charge' || !e.request_id) continue
      byRequest.set(e.request_id, [...(byRequest.get(e.request_id) ?? []), -e.amount_micros])
    }
    before = page.next_before
  } while (before)
  return byRequest
}

describe('config reload', () => {
  test('an invalid config is refused with every problem listed; the old one is kept', async () => {
    writeFileSync(path, INVALID)
    const refused = await reload()
    expect(refused.status).toBe(422)
    const body = (await refused.json()) as { error: { code: string; problems: string[] } }
    expect(body.error.code).toBe('invalid_config')
    expect(body.error.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('models[1].input_usd_per_mtok'),
        expect.stringContaining('unknown provider "opneai"'),
      ]),
    )
    const still = await post(hub, '/v1/chat/completions', key, chatBody('Hi', { model: 'kept-for-now' }))
    expect(still.status).toBe(200)
  })

  test('a valid one swaps in: new prices for new requests, a removed model answers 404', async () => {
    const before = await post(hub, '/v1/chat/completions', key, chatBody('Hi', { model: 'priced' }))
    const unitCost = Number(before.headers.get('x-token-hub-cost-usd'))
    writeFileSync(path, configText(3))
    const done = await reload()
    expect(done.status).toBe(200)
    expect(((await done.json()) as { restart_needed: string[] }).restart_needed).toEqual([])
    const after = await post(hub, '/v1/chat/completions', key, chatBody('Hi', { model: 'priced' }))
    expect(Number(after.headers.get('x-token-hub-cost-usd'))).toBeCloseTo(unitCost * 3, 10)
    const gone = await post(hub, '/v1/chat/completions', key, chatBody('Hi', { model: 'kept-for-now' }))
    expect(gone.status).toBe(404)
    writeFileSync(path, configText(1))
    expect((await reload()).status).toBe(200)
  })

  test('5,000 requests (a quarter streamed) during 10 reloads alternating valid and invalid: 0 failed, one charge each, new prices after each reload', async () => {
    const TOTAL = 5000
    const CONCURRENCY = 50
    // Price per epoch: the initial config is 1, the k-th valid reload sets k + 1.
    let epoch = 0
    let completed = 0
    const results: Array<{ id: string; status: number; ok: boolean; startEpoch: number; endEpoch: number }> = []
    let next = 0
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++
        const stream = i % 4 === 0
        const startEpoch = epoch
        const response = await post(
          hub,
          '/v1/chat/completions',
          key,
          chatBody('Hello there', {
            model: 'priced',
            max_tokens: 16,
            ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
          }),
        )
        const text = await response.text()
        const ok = response.status === 200 && (!stream || text.trimEnd().endsWith('data: [DONE]'))
        results.push({ id: response.headers.get('x-request-id')!, status: response.status, ok, startEpoch, endEpoch: epoch })
        completed++
      }
    }
    const reloads: number[] = []
    const reloader = async () => {
      for (let k = 0; k < 10; k++) {
        while (completed < ((k + 1) * TOTAL) / 12) await Bun.sleep(1)
        const valid = k % 2 === 0
        writeFileSync(path, valid ? configText(epoch + 2) : INVALID)
        const response = await reload()
        reloads.push(response.status)
        if (valid && response.status === 200) epoch++
      }
    }
    await Promise.all([...Array.from({ length: CONCURRENCY }, worker), reloader()])
    expect(reloads).toEqual([200, 422, 200, 422, 200, 422, 200, 422, 200, 422])
    expect(results.filter((r) => !r.ok)).toEqual([])
    expect(results).toHaveLength(TOTAL)

    await hub.hub.log.flush()
    const charges = await chargesOf()
    // The unit: one request's cost at price 1 (the same prompt every time, so the same usage).
    const unit = Math.min(...results.filter((r) => r.endEpoch === 0).map((r) => charges.get(r.id)![0]!))
    for (const r of results) {
      const entries = charges.get(r.id)
      expect(entries).toHaveLength(1)
      const price = entries![0]! / unit
      // Admitted between the reload it saw finished and (at the latest) the one finishing after it ended.
      expect(Number.isInteger(Math.round(price * 1e6) / 1e6)).toBe(true)
      expect(price).toBeGreaterThanOrEqual(r.startEpoch + 1)
      expect(price).toBeLessThanOrEqual(Math.min(r.endEpoch + 1, 5) + 1)
    }
    const prices = new Set(results.map((r) => charges.get(r.id)![0]! / unit))
    expect([...prices].sort()).toEqual([1, 2, 3, 4, 5, 6])
    const account = (await (await hub.admin('GET', `/admin/accounts/${accountId}`)).json()) as { held_usd: string }
    expect(account.held_usd).toBe('0.0000')
  }, 240_000)
})
