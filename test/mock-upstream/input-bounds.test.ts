// The mock upstream called directly: loop counts bounded, deep bodies refused, unmodeled content billed by its size.
import { describe, expect, test } from 'bun:test'
import { createMockUpstream } from '../../src/mock-upstream/server'

const mock = createMockUpstream()
const call = (path: string, body: unknown) =>
  mock.fetch(
    new Request(`http://mock.invalid${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  )

describe('embedding sizes', () => {
  test('dimensions outside 1–3072 are a 400 in each format, not a vector built element by element', async () => {
    for (const dimensions of [3073, 1e7, 1e308, 0, 2.5, '8']) {
      const openai = await call('/v1/embeddings', { model: 'm', input: 'x', dimensions })
      expect(openai.status).toBe(400)
      expect(((await openai.json()) as { error: { param: string } }).error.param).toBe('dimensions')
      const gemini = await call('/v1beta/models/m:embedContent', { content: { parts: [{ text: 'x' }] }, outputDimensionality: dimensions })
      expect(gemini.status).toBe(400)
      const batch = await call('/v1beta/models/m:batchEmbedContents', {
        requests: [{ content: { parts: [{ text: 'x' }] } }, { content: { parts: [{ text: 'y' }] }, outputDimensionality: dimensions }],
      })
      expect(batch.status).toBe(400)
    }
    const largest = (await (await call('/v1/embeddings', { model: 'm', input: 'x', dimensions: 3072 })).json()) as {
      data: Array<{ embedding: number[] }>
    }
    expect(largest.data[0]!.embedding).toHaveLength(3072)
  })
})

describe('nesting', () => {
  test('a body nested 10⁵ levels is a 400 in its format, before any handler walks it', async () => {
    let content = '"x"'
    for (let i = 0; i < 100_000; i++) content = `[{"type":"tool_result","tool_use_id":"t","content":${content}}]`
    const anthropic = await call('/v1/messages', `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":${content}}]}`)
    expect(anthropic.status).toBe(400)
    expect(((await anthropic.json()) as { type: string }).type).toBe('error')
    const openai = await call(
      '/v1/chat/completions',
      `{"model":"m","messages":[{"role":"user","content":${'['.repeat(1e5)}${']'.repeat(1e5)}}]}`,
    )
    expect(openai.status).toBe(400)
  })
})

describe('usage of content the mock does not read as text', () => {
  const promptTokens = async (path: string, body: Record<string, unknown>) => {
    const answer = (await (await call(path, body)).json()) as { usage: Record<string, number> }
    return path === '/v1/messages' ? answer.usage.input_tokens! + answer.usage.cache_read_input_tokens! : answer.usage.prompt_tokens!
  }
  const data = 'QUJD'.repeat(10_000) // 40,000 bytes: 10,000 mock tokens

  test('Anthropic documents, search results and unknown blocks are billed by their size', async () => {
    const blocks = [
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data } },
      { type: 'document', source: { type: 'content', content: [{ type: 'text', text: data }] } },
      { type: 'search_result', source: 's', title: 't', content: [{ type: 'text', text: data }] },
      { type: 'future_block', payload: data },
    ]
    for (const block of blocks) {
      const tokens = await promptTokens('/v1/messages', { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: [block] }] })
      expect(tokens).toBeGreaterThanOrEqual(10_000)
    }
  })

  test('OpenAI audio, files and unknown parts are billed by their size', async () => {
    const parts = [
      { type: 'input_audio', input_audio: { data, format: 'wav' } },
      { type: 'file', file: { file_data: `data:application/pdf;base64,${data}`, filename: 'a.pdf' } },
      { type: 'future_part', payload: data },
    ]
    for (const part of parts) {
      const tokens = await promptTokens('/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: [part] }] })
      expect(tokens).toBeGreaterThanOrEqual(10_000)
    }
  })
})
