// SIGHUP on a real `token-hub serve`: a valid config file is swapped in, an invalid one refused with its problems on stderr.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SERVE_ADMIN_TOKEN, serveConfig, sqliteStorage, startServe } from '../support/serve-process'

const model = (id: string) => `[[models]]
id = "${id}"
provider = "mock"
input_usd_per_mtok = 1
output_usd_per_mtok = 1
`

let dir: string
let configPath: string
let served: Awaited<ReturnType<typeof startServe>>
let key: string
let stderr = ''

const admin = (method: string, path: string, body?: unknown) =>
  fetch(served.url + path, {
    method,
    headers: { authorization: `Bearer ${SERVE_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
const ask = (id: string) =>
  fetch(`${served.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: id, messages: [{ role: 'user', content: 'Hi' }] }),
  })

/** Polls until `check` holds (a signal is handled asynchronously), at most 10 s. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached; stderr so far:\n${stderr}`)
    await Bun.sleep(20)
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'th-sighup-'))
  configPath = join(dir, 'config.toml')
  writeFileSync(configPath, serveConfig(sqliteStorage(join(dir, 'hub.db')), model('before')))
  served = await startServe(configPath)
  void (async () => {
    const decoder = new TextDecoder()
    const reader = served.process.stderr.getReader()
    for (let read = await reader.read(); !read.done; read = await reader.read()) stderr += decoder.decode(read.value, { stream: true })
  })()
  const account = (await (await admin('POST', '/admin/accounts', { email: 'sighup@test.local' })).json()) as { id: string }
  await admin('POST', `/admin/accounts/${account.id}/credits`, { amount_usd: '5.00' })
  key = ((await (await admin('POST', `/admin/accounts/${account.id}/keys`, {})).json()) as { key: string }).key
})
afterAll(async () => {
  served.process.kill('SIGTERM')
  await served.process.exited
  rmSync(dir, { recursive: true, force: true })
})

test('SIGHUP swaps in a valid file: the new model answers, the removed one is a 404; the key still works', async () => {
  expect((await ask('before')).status).toBe(200)
  writeFileSync(configPath, serveConfig(sqliteStorage(join(dir, 'hub.db')), model('after')))
  served.process.kill('SIGHUP')
  await eventually(async () => (await ask('after')).status === 200)
  expect((await ask('before')).status).toBe(404)
})

test('SIGHUP with an invalid file: every problem on stderr, the old config kept', async () => {
  writeFileSync(configPath, serveConfig(sqliteStorage(join(dir, 'hub.db')), `${model('after')}${model('after')}[routing]\nretries = -1\n`))
  served.process.kill('SIGHUP')
  await eventually(async () => stderr.includes('config refused'))
  expect(stderr).toContain('duplicate model id "after"')
  expect(stderr).toContain('routing.retries')
  expect((await ask('after')).status).toBe(200)
})
