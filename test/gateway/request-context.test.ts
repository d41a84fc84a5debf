// A request's record is final once: with its response, or for a stream once its bill is final.
import { expect, test } from 'bun:test'
import { RequestContext } from '../../src/gateway/request-context'

test('a plain answer is billed with its response; a stream only when settled', async () => {
  const plain = new RequestContext('req_a', '/v1/chat/completions', 0)
  expect(plain.billed).toBeNull()

  const stream = new RequestContext('req_b', '/v1/chat/completions', 0)
  stream.awaitSettlement()
  let billed = false
  void stream.billed!.then(() => {
    billed = true
  })
  await Promise.resolve()
  expect(billed).toBe(false)
  stream.settled()
  await stream.billed
  expect(billed).toBe(true)
})

test('the record is produced once, whoever asks twice', () => {
  const ctx = new RequestContext('req_c', '/v1/chat/completions', 0)
  const rows: unknown[] = []
  ctx.onFinish = (row) => rows.push(row)
  expect(ctx.finish()).not.toBeNull()
  expect(ctx.finish()).toBeNull()
  expect(rows).toHaveLength(1)
})
