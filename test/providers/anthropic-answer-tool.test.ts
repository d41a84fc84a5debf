// The answer tool (structured output for Claude models without output_config.format) unwrapped back into text, whole and streamed.
import { describe, expect, test } from 'bun:test'
import { takesOutputFormat, unwrapAnswer, unwrapAnswerStream } from '../../src/providers/anthropic/answer-tool'
import type { ChatChunk, ChatResponse, FrameBatch } from '../../src/providers/types'

const answer = (content: ChatResponse['content'], finishReason: ChatResponse['finishReason'] = 'tool_calls'): ChatResponse => ({
  id: 'msg_1',
  model: 'claude-3-5-sonnet',
  created: 1,
  content,
  finishReason,
  usage: { inputTokens: 10, outputTokens: 5 },
  raw: { format: 'anthropic', body: {} },
})

async function unwrapStream(frames: ChatChunk[][], wrapped: boolean): Promise<ChatChunk[]> {
  async function* batches(): AsyncGenerator<FrameBatch> {
    for (const chunks of frames) yield [{ chunks, raw: { format: 'anthropic', data: '{}' } }]
  }
  const out: ChatChunk[] = []
  for await (const batch of unwrapAnswerStream(batches(), wrapped)) {
    for (const frame of batch) {
      expect(frame.raw).toBeUndefined()
      out.push(...frame.chunks)
    }
  }
  return out
}

describe('the answer tool', () => {
  test('models with and without structured outputs', () => {
    for (const model of ['claude-sonnet-4-5', 'claude-opus-4-1-20250805', 'claude-haiku-4-5', 'claude-opus-4-6', 'mock-anthropic'])
      expect(takesOutputFormat(model)).toBe(true)
    for (const model of ['claude-3-5-sonnet-20241022', 'claude-3-haiku-20240307', 'claude-sonnet-4-20250514', 'claude-opus-4-0'])
      expect(takesOutputFormat(model)).toBe(false)
  })

  test("a whole answer: the call's input is the message text, tool_calls becomes stop, the raw body is not relayed", () => {
    const out = unwrapAnswer(answer([{ type: 'tool_call', id: 'toolu_1', name: 'json_answer', arguments: '{"city":"Paris"}' }]), false)
    expect(out.content).toEqual([{ type: 'text', text: '{"city":"Paris"}' }])
    expect(out.finishReason).toBe('stop')
    expect(out.raw).toBeUndefined()
  })

  test('a wrapped schema gives its value; a real tool call beside it stays a tool call', () => {
    const out = unwrapAnswer(
      answer([
        { type: 'tool_call', id: 'toolu_1', name: 'json_answer', arguments: '{"value":["a","b"]}' },
        { type: 'tool_call', id: 'toolu_2', name: 'get_weather', arguments: '{}' },
      ]),
      true,
    )
    expect(out.content[0]).toEqual({ type: 'text', text: '["a","b"]' })
    expect(out.finishReason).toBe('tool_calls')
  })

  test('an answer without the tool (max_tokens hit before it) is left as it came', () => {
    const original = answer([{ type: 'text', text: 'partial' }], 'length')
    expect(unwrapAnswer(original, false)).toBe(original)
  })

  test('streamed: argument deltas are text deltas, other tools renumbered, stop at the end', async () => {
    const out = await unwrapStream(
      [
        [{ type: 'start', id: 'msg_1', model: 'claude' }],
        [{ type: 'tool_call_start', index: 0, id: 'toolu_1', name: 'json_answer' }],
        [{ type: 'tool_call_delta', index: 0, arguments: '{"city":' }],
        [{ type: 'tool_call_delta', index: 0, arguments: '"Paris"}' }],
        [
          { type: 'finish', reason: 'tool_calls' },
          { type: 'usage', usage: { inputTokens: 1, outputTokens: 2 } },
        ],
      ],
      false,
    )
    expect(out).toEqual([
      { type: 'start', id: 'msg_1', model: 'claude' },
      { type: 'text', text: '{"city":' },
      { type: 'text', text: '"Paris"}' },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { inputTokens: 1, outputTokens: 2 } },
    ])
  })

  test('streamed with a wrapped schema: the value comes whole at the end; a real call keeps tool_calls', async () => {
    const out = await unwrapStream(
      [
        [{ type: 'tool_call_start', index: 0, id: 'toolu_1', name: 'json_answer' }],
        [{ type: 'tool_call_delta', index: 0, arguments: '{"value":' }],
        [{ type: 'tool_call_delta', index: 0, arguments: '[1,2]}' }],
        [{ type: 'tool_call_start', index: 1, id: 'toolu_2', name: 'get_weather' }],
        [{ type: 'finish', reason: 'tool_calls' }],
      ],
      true,
    )
    expect(out).toEqual([
      { type: 'tool_call_start', index: 0, id: 'toolu_2', name: 'get_weather' },
      { type: 'text', text: '[1,2]' },
      { type: 'finish', reason: 'tool_calls' },
    ])
  })
})
