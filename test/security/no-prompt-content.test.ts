// No prompt or completion text ever reaches the database file or its WAL.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chatBody, logRow, post, startHub, type TestHub } from '../helpers'

let hub: TestHub
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'th-content-'))
  hub = await startHub({ sqlitePath: join(dir, 'token-hub.db') })
})
afterAll(() => hub.close())

test('a unique marker sent as prompt is absent from the SQLite file and its WAL', async () => {
  const { key } = await hub.account()
  const marker = `MARKER-${crypto.randomUUID()}`
  const ids: string[] = []
  for (const body of [
    chatBody(`please remember ${marker}`),
    chatBody(`stream ${marker}`, { stream: true }),
    chatBody(marker, { model: 'no-such-model' }),
    { model: 'text-embedding-3-small', input: marker },
  ]) {
    const path = 'input' in body ? '/v1/embeddings' : '/v1/chat/completions'
    const response = await post(hub, path, key, body)
    ids.push(response.headers.get('x-request-id')!)
    await response.text()
  }
  // the rows exist, so the log was written; the text is still not there
  for (const id of ids) await logRow(hub, id)
  const files = readdirSync(dir).filter((f) => f.startsWith('token-hub.db'))
  expect(files).toContain('token-hub.db-wal')
  for (const file of files) {
    const bytes = readFileSync(join(dir, file))
    expect(bytes.includes(Buffer.from(marker))).toBe(false)
    expect(bytes.includes(Buffer.from(marker, 'utf16le'))).toBe(false)
  }
})
