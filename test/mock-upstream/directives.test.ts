// The mock's prompt directives ([[mock-reply …]], [[mock-tool …]]) in every wire format: what real agent CLIs are driven by.
import { describe, expect, test } from 'bun:test'
import { MOCK_ECHO_PIECES, mockDirective } from '../../src/mock-upstream/generator'
import { createMockUpstream } from '../../src/mock-upstream/server'

const mock = createMockUpstream()
const post = async (path: string, body: unknown) =>
  (await mock
    .fetch(
      new Request(`http://mock.invalid${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    )
    .then((r) => r.json())) as Record<string, unknown>

/** What a wire format's answer says, reduced to text or one tool call. */
type Turn = { text: string } | { tool: string; args: unknown }

interface Wire {
  name: string
  /** A request offering the tools `Read` and `Bash` (in that order), whose last user turn says `prompt`. */
  ask(prompt: string): Promise<Turn>
  /** The same conversation after the tool call `name(args)` returned `result`. */
  answer(prompt: string, name: string, args: unknown, result: string): Promise<Turn>
}

const SCHEMA = { type: 'object', properties: { file_path: { type: 'string' } } }

const WIRES: Wire[] = [
  {
    name: 'openai chat',
    async ask(prompt) {
      return chatTurn(await post('/v1/chat/completions', chatBody([{ role: 'user', content: prompt }])))
    },
    async answer(prompt, name, args, result) {
      const messages = [
        { role: 'user', content: prompt },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name, arguments: JSON.stringify(args) } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: result },
      ]
      return chatTurn(await post('/v1/chat/completions', chatBody(messages)))
    },
  },
  {
    name: 'anthropic',
    async ask(prompt) {
      return messagesTurn(await post('/v1/messages', messagesBody([{ role: 'user', content: [{ type: 'text', text: prompt }] }])))
    },
    async answer(prompt, name, args, result) {
      const messages = [
        { role: 'user', content: prompt },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name, input: args }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: result }] }] },
      ]
      return messagesTurn(await post('/v1/messages', messagesBody(messages)))
    },
  },
  {
    name: 'responses',
    async ask(prompt) {
      return responsesTurn(
        await post('/v1/responses', responsesBody([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] }])),
      )
    },
    async answer(prompt, name, args, result) {
      const input = [
        { role: 'user', content: prompt },
        { type: 'function_call', call_id: 'c1', name, arguments: JSON.stringify(args) },
        { type: 'function_call_output', call_id: 'c1', output: result },
      ]
      return responsesTurn(await post('/v1/responses', responsesBody(input)))
    },
  },
  {
    name: 'gemini',
    async ask(prompt) {
      return geminiTurn(await post('/v1beta/models/m:generateContent', geminiBody([{ role: 'user', parts: [{ text: prompt }] }])))
    },
    async answer(prompt, name, args, result) {
      const contents = [
        { role: 'user', parts: [{ text: prompt }] },
        { role: 'model', parts: [{ functionCall: { name, args } }] },
        { role: 'user', parts: [{ functionResponse: { name, response: { output: result } } }] },
      ]
      return geminiTurn(await post('/v1beta/models/m:generateContent', geminiBody(contents)))
    },
  },
]

function chatBody(messages: unknown[]) {
  const tools = ['Read', 'Bash'].map((name) => ({ type: 'function', function: { name, parameters: SCHEMA } }))
  return { model: 'm', messages, tools }
}
function chatTurn(body: Record<string, unknown>): Turn {
  const message = (
    body.choices as Array<{ message: { content: string | null; tool_calls?: Array<{ function: { name: string; arguments: string } }> } }>
  )[0]!.message
  const call = message.tool_calls?.[0]
  return call ? { tool: call.function.name, args: JSON.parse(call.function.arguments) } : { text: message.content ?? '' }
}
function messagesBody(messages: unknown[]) {
  return { model: 'm', max_tokens: 4096, messages, tools: ['Read', 'Bash'].map((name) => ({ name, input_schema: SCHEMA })) }
}
function messagesTurn(body: Record<string, unknown>): Turn {
  const block = (body.content as Array<{ type: string; text?: string; name?: string; input?: unknown }>)[0]!
  return block.type === 'tool_use' ? { tool: block.name!, args: block.input } : { text: block.text ?? '' }
}
function responsesBody(input: unknown[]) {
  return { model: 'm', input, tools: ['Read', 'Bash'].map((name) => ({ type: 'function', name, parameters: SCHEMA })) }
}
function responsesTurn(body: Record<string, unknown>): Turn {
  const item = (body.output as Array<{ type: string; name?: string; arguments?: string; content?: Array<{ text: string }> }>)[0]!
  return item.type === 'function_call' ? { tool: item.name!, args: JSON.parse(item.arguments!) } : { text: item.content![0]!.text }
}
function geminiBody(contents: unknown[]) {
  return { contents, tools: [{ functionDeclarations: ['Read', 'Bash'].map((name) => ({ name, parameters: SCHEMA })) }] }
}
function geminiTurn(body: Record<string, unknown>): Turn {
  const part = (
    body.candidates as Array<{ content: { parts: Array<{ text?: string; functionCall?: { name: string; args: unknown } }> } }>
  )[0]!.content.parts[0]!
  return part.functionCall ? { tool: part.functionCall.name, args: part.functionCall.args } : { text: part.text ?? '' }
}

describe('mock directives', () => {
  test('parsing: the last directive wins; a tool directive needs a JSON object', () => {
    expect(mockDirective('no directive')).toBeNull()
    expect(mockDirective('a [[mock-reply one]] b [[mock-reply two words]]')).toEqual({ kind: 'reply', text: 'two words' })
    expect(mockDirective('[[mock-tool Read {"file_path": "/a/b"}]]')).toEqual({ kind: 'tool', name: 'Read', args: '{"file_path": "/a/b"}' })
    expect(mockDirective('[[mock-tool Read [1]]]')).toBeNull()
    expect(mockDirective('[[mock-tool Read {broken]]')).toBeNull()
    expect(mockDirective('[[mock-tool Read]]')).toBeNull()
  })

  for (const wire of WIRES) {
    describe(wire.name, () => {
      test('[[mock-reply TEXT]] answers TEXT although tools are offered', async () => {
        expect(await wire.ask('Say it. [[mock-reply The gateway is up.]]')).toEqual({ text: 'The gateway is up.' })
      })

      test('[[mock-tool NAME {JSON}]] calls that tool (not the first offered) with those arguments', async () => {
        expect(await wire.ask('Look. [[mock-tool Bash {"command": "cat notes.txt"}]]')).toEqual({
          tool: 'Bash',
          args: { command: 'cat notes.txt' },
        })
      })

      test("the directed call's result is echoed as the answer", async () => {
        const prompt = 'Look. [[mock-tool Read {"file_path": "/tmp/x"}]]'
        expect(await wire.answer(prompt, 'Read', { file_path: '/tmp/x' }, 'the file says kumquat-42')).toMatchObject({
          text: expect.stringContaining('the file says kumquat-42'),
        })
      })

      test('without a directive the old behaviour holds: the first offered tool, then text of the vocabulary', async () => {
        expect(await wire.ask('Hello mock')).toMatchObject({ tool: 'Read' })
        const after = await wire.answer('Hello mock', 'Read', { query: 'Hello mock' }, 'the file says kumquat-42')
        expect('text' in after && !after.text.includes('kumquat')).toBe(true)
      })

      test('a directed conversation whose last user turn has no directive gets text, not the first tool', async () => {
        const after = await wire.answer('[[mock-reply ok]]', 'Read', { file_path: '/f' }, 'result')
        expect('text' in after).toBe(true)
      })

      test('a directive naming a tool that is not offered is not followed: the answer is text', async () => {
        expect('text' in (await wire.ask('[[mock-tool Write {"x": 1}]]'))).toBe(true)
      })
    })
  }

  test("a system message after the user's turn (Claude Code's mid-conversation system) does not hide that turn", async () => {
    const anthropic = await post(
      '/v1/messages',
      messagesBody([
        { role: 'user', content: '[[mock-tool Bash {"command": "ls"}]]' },
        { role: 'system', content: 'Be brief.' },
      ]),
    )
    expect(messagesTurn(anthropic)).toEqual({ tool: 'Bash', args: { command: 'ls' } })
    const chat = await post(
      '/v1/chat/completions',
      chatBody([
        { role: 'user', content: '[[mock-reply ok]]' },
        { role: 'system', content: 'Be brief.' },
      ]),
    )
    expect(chatTurn(chat)).toEqual({ text: 'ok' })
  })

  test('an echo is bounded and counts one token per word', async () => {
    const result = Array.from({ length: MOCK_ECHO_PIECES * 2 }, (_, i) => `w${i}`).join(' ')
    const body = await post('/v1/messages', {
      ...messagesBody([
        { role: 'user', content: '[[mock-tool Read {"file_path": "/f"}]]' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: { file_path: '/f' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: result }] },
      ]),
    })
    const text = (body.content as Array<{ text: string }>)[0]!.text
    expect(text.split(' ')).toHaveLength(MOCK_ECHO_PIECES)
    expect((body.usage as { output_tokens: number }).output_tokens).toBe(MOCK_ECHO_PIECES)
  })
})
