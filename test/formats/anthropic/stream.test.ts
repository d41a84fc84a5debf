// The Anthropic stream encoder: Anthropic's exact event sequence from shared chunks, raw relays, errors.
import { describe, expect, test } from 'bun:test'
import { GatewayError } from '../../../src/errors'
import { anthropicStreamEncoder } from '../../../src/formats/anthropic/stream'
import { parseAnthropicMessages } from '../../../src/formats/anthropic/request'
import type { ChatChunk, StreamFrame } from '../../../src/providers/types'

const request = parseAnthropicMessages({ model: 'claude-client', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })
const encoder = () => anthropicStreamEncoder({ clientModel: 'claude-client', request, requestId: 'req_1' })

/** Parses encoder output into `[event, data]` pairs, checking each event's name equals its data's type. */
function events(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      const [eventLine, dataLine, ...rest] = block.split('\n')
      expect(rest).toEqual([])
      const event = eventLine!.replace(/^event: /, '')
      const data = JSON.parse(dataLine!.replace(/^data: /, '')) as Record<string, unknown>
      expect(data.type).toBe(event)
      return { event, data }
    })
}

const run = (frames: ChatChunk[][]) => {
  const e = encoder()
  return events(frames.map((chunks) => e.frame({ chunks })).join('') + e.end())
}

describe('anthropic stream encoder', () => {
  test('text then a tool call: message_start, content_block_start, ping, deltas, stops, message_delta, message_stop', () => {
    const out = run([
      [{ type: 'start', id: 'x', model: 'up' }],
      [{ type: 'text', text: 'Let me ' }],
      [{ type: 'text', text: 'check.' }],
      [{ type: 'tool_call_start', index: 0, id: 'call_1', name: 'get_weather' }],
      [{ type: 'tool_call_delta', index: 0, arguments: '{"city":' }],
      [{ type: 'tool_call_delta', index: 0, arguments: '"Oslo"}' }],
      [
        { type: 'finish', reason: 'tool_calls' },
        { type: 'usage', usage: { inputTokens: 1100, outputTokens: 12, cacheReadTokens: 1024 } },
      ],
    ])
    expect(out.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    expect(out[0]!.data.message).toMatchObject({ id: 'msg_req_1', type: 'message', role: 'assistant', model: 'claude-client', content: [] })
    expect(out[1]!.data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })
    expect(out[3]!.data).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } })
    expect(out[6]!.data).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'call_1', name: 'get_weather', input: {} },
    })
    expect(out[7]!.data).toEqual({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } })
    expect(out[9]!.data).toEqual({ type: 'content_block_stop', index: 1 })
    expect(out[10]!.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 76, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024 },
    })
  })

  test('parallel tool calls become consecutive tool_use blocks, deltas routed by tool index', () => {
    const out = run([
      [{ type: 'tool_call_start', index: 0, id: 'a', name: 'f' }],
      [{ type: 'tool_call_delta', index: 0, arguments: '{}' }],
      [{ type: 'tool_call_start', index: 1, id: 'b', name: 'g' }],
      [{ type: 'tool_call_delta', index: 1, arguments: '{"x":1}' }],
      [{ type: 'finish', reason: 'tool_calls' }],
    ])
    const blocks = out.filter((e) => e.event === 'content_block_start').map((e) => e.data.index)
    expect(blocks).toEqual([0, 1])
    const deltas = out
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => [e.data.index, (e.data.delta as { partial_json: string }).partial_json])
    expect(deltas).toEqual([
      [0, '{}'],
      [1, '{"x":1}'],
    ])
  })

  test('finish reasons map to Anthropic stop reasons', () => {
    const reasons = (['stop', 'length', 'tool_calls', 'content_filter'] as const).map((reason) => {
      const out = run([[{ type: 'text', text: 'x' }], [{ type: 'finish', reason }]])
      return (out.find((e) => e.event === 'message_delta')!.data.delta as { stop_reason: string }).stop_reason
    })
    expect(reasons).toEqual(['end_turn', 'max_tokens', 'tool_use', 'refusal'])
  })

  test('an empty answer still opens and closes the message', () => {
    expect(run([[{ type: 'finish', reason: 'stop' }]]).map((e) => e.event)).toEqual(['message_start', 'message_delta', 'message_stop'])
  })

  test('an Anthropic upstream is relayed event by event, only message_start renamed, nothing added at the end', () => {
    const e = encoder()
    const upstream: StreamFrame[] = [
      {
        chunks: [{ type: 'start', id: 'msg_up', model: 'claude-up' }],
        raw: {
          format: 'anthropic',
          event: 'message_start',
          data: '{"type":"message_start","message":{"id":"msg_up","model":"claude-up","content":[]}}',
        },
      },
      { chunks: [], raw: { format: 'anthropic', event: 'ping', data: '{"type": "ping"}' } },
      {
        chunks: [{ type: 'text', text: 'model' }],
        raw: {
          format: 'anthropic',
          event: 'content_block_delta',
          data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"model"}}',
        },
      },
      { chunks: [], raw: { format: 'anthropic', event: 'message_stop', data: '{"type":"message_stop"}' } },
    ]
    const text = upstream.map((f) => e.frame(f)).join('') + e.end()
    expect(text).toBe(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_up","model":"claude-client","content":[]}}\n\n' +
        'event: ping\ndata: {"type": "ping"}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"model"}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    )
  })

  test("a failure after the start is an `error` event in Anthropic's shape", () => {
    const e = encoder()
    e.frame({ chunks: [{ type: 'text', text: 'x' }] })
    const out = events(e.error(new GatewayError('upstream_timeout', "Upstream provider 'p' sent nothing for 1 s mid-stream")))
    expect(out).toEqual([
      {
        event: 'error',
        data: {
          type: 'error',
          error: { type: 'upstream_timeout', code: 'upstream_timeout', message: "Upstream provider 'p' sent nothing for 1 s mid-stream" },
        },
      },
    ])
  })
})
