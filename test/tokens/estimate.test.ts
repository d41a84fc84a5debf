// The prompt estimate of every part type that reaches an upstream: at least what an upstream could bill for it.
import { describe, expect, test } from 'bun:test'
import { encode } from 'gpt-tokenizer/encoding/o200k_base'
import type { CatalogModel } from '../../src/catalog/catalog'
import { parseAnthropicMessages } from '../../src/formats/anthropic/request'
import { parseOpenAIChat } from '../../src/formats/openai/request'
import { planChatHold } from '../../src/money/hold-plan'
import { flatPrices } from '../../src/money/pricing'
import type { Provider } from '../../src/providers/types'
import { estimatePrompt, IMAGE_TOKENS } from '../../src/tokens/estimate'

/** 30,000 bytes of prose (o200k: ~6,700 tokens) and of base64 (what audio and PDFs are sent as). */
const PROSE = 'The ledger keeps each cent where it belongs, and the gateway answers with care. '.repeat(380).slice(0, 30_000)
const BASE64 = Buffer.alloc(22_500, 0x5a).toString('base64')
const bytes = (text: string) => Buffer.byteLength(text)

const openai = (content: unknown[], extra: Record<string, unknown> = {}) =>
  parseOpenAIChat({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'Look.' }, ...content] }], ...extra })
const anthropic = (content: unknown[], extra: Record<string, unknown> = {}) =>
  parseAnthropicMessages({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'Look.' }, ...content] }], ...extra })

/** What the part adds to the upper estimate. */
const addedBy = (request: ReturnType<typeof openai>, baseline: ReturnType<typeof openai>) =>
  estimatePrompt(request).high - estimatePrompt(baseline).high

const model: CatalogModel = {
  id: 'm',
  provider: {} as Provider,
  upstreamModel: 'm',
  kind: 'chat',
  prices: flatPrices(1, 2),
  contextWindow: 200_000,
  maxOutputTokens: 1_000,
  fallbacks: [],
  ownedBy: 't',
}

describe('content carried inline: at least one token per byte (no tokenizer makes a token of less than a byte)', () => {
  const cases: Array<[string, ReturnType<typeof openai>, ReturnType<typeof openai>, string]> = [
    ['OpenAI input_audio', openai([{ type: 'input_audio', input_audio: { data: BASE64, format: 'wav' } }]), openai([]), BASE64],
    ['OpenAI refusal part', openai([{ type: 'refusal', refusal: PROSE }]), openai([]), PROSE],
    ['OpenAI part of an unknown type', openai([{ type: 'future_part', payload: PROSE }]), openai([]), PROSE],
    [
      'OpenAI message fields besides content (legacy function_call)',
      parseOpenAIChat({ model: 'm', messages: [{ role: 'assistant', content: null, function_call: { name: 'f', arguments: PROSE } }] }),
      parseOpenAIChat({ model: 'm', messages: [{ role: 'assistant', content: null }] }),
      PROSE,
    ],
    [
      'OpenAI response_format schema',
      openai([], { response_format: { type: 'json_schema', json_schema: { name: 's', schema: { description: PROSE } } } }),
      openai([]),
      PROSE,
    ],
    ['OpenAI legacy functions', openai([], { functions: [{ name: 'f', description: PROSE, parameters: {} }] }), openai([]), PROSE],
    [
      'Anthropic plain-text document',
      anthropic([{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: PROSE }, title: 'T' }]),
      anthropic([]),
      PROSE,
    ],
    [
      'Anthropic content document',
      anthropic([{ type: 'document', source: { type: 'content', content: [{ type: 'text', text: PROSE }] } }]),
      anthropic([]),
      PROSE,
    ],
    [
      'Anthropic search result',
      anthropic([{ type: 'search_result', source: 'https://example.com', title: 't', content: [{ type: 'text', text: PROSE }] }]),
      anthropic([]),
      PROSE,
    ],
    ['Anthropic thinking block', anthropic([{ type: 'thinking', thinking: PROSE, signature: 'sig' }]), anthropic([]), PROSE],
    ['Anthropic redacted thinking', anthropic([{ type: 'redacted_thinking', data: BASE64 }]), anthropic([]), BASE64],
    ['Anthropic block of an unknown type', anthropic([{ type: 'future_block', payload: PROSE }]), anthropic([]), PROSE],
    [
      'Anthropic text block citations (their cited text)',
      anthropic([{ type: 'text', text: 'x', citations: [{ type: 'char_location', cited_text: PROSE, document_index: 0 }] }]),
      anthropic([{ type: 'text', text: 'x' }]),
      PROSE,
    ],
    [
      'Anthropic system block fields besides its text',
      anthropic([], { system: [{ type: 'text', text: 'x', citations: [{ cited_text: PROSE }], cache_control: { type: 'ephemeral' } }] }),
      anthropic([], { system: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral' } }] }),
      PROSE,
    ],
    [
      'Anthropic tool fields besides name, description and schema (input_examples)',
      anthropic([], { tools: [{ name: 'f', input_schema: {}, input_examples: [{ q: PROSE }] }] }),
      anthropic([], { tools: [{ name: 'f', input_schema: {} }] }),
      PROSE,
    ],
    [
      'Anthropic turn of a role token-hub does not know',
      parseAnthropicMessages({
        model: 'm',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'narrator', content: PROSE },
        ],
      }),
      parseAnthropicMessages({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
      PROSE,
    ],
    [
      'Anthropic search result inside a tool result',
      parseAnthropicMessages({
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't',
                content: [{ type: 'search_result', source: 's', title: 't', content: [{ type: 'text', text: PROSE }] }],
              },
            ],
          },
        ],
      }),
      parseAnthropicMessages({
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [] }] }],
      }),
      PROSE,
    ],
    [
      'Anthropic output schema',
      anthropic([], { output_format: { type: 'json_schema', schema: { description: PROSE } } }),
      anthropic([]),
      PROSE,
    ],
  ]
  for (const [name, request, baseline, content] of cases) {
    test(name, () => {
      expect(encode(content).length).toBeLessThanOrEqual(bytes(content))
      expect(addedBy(request, baseline)).toBeGreaterThanOrEqual(bytes(content))
    })
  }
})

describe('content its bytes do not bound: held at the whole context window', () => {
  const cases: Array<[string, ReturnType<typeof openai>]> = [
    ['OpenAI file by data', openai([{ type: 'file', file: { filename: 'a.pdf', file_data: `data:application/pdf;base64,${BASE64}` } }])],
    ['OpenAI file by id', openai([{ type: 'file', file: { file_id: 'file-abc' } }])],
    ['OpenAI part of an unknown type naming a URL', openai([{ type: 'future_part', source: { url: 'https://example.com/a.pdf' } }])],
    [
      "OpenAI assistant's earlier audio",
      parseOpenAIChat({ model: 'm', messages: [{ role: 'assistant', content: null, audio: { id: 'audio_1' } }] }),
    ],
    ['OpenAI web search', openai([], { web_search_options: {} })],
    ['Anthropic PDF document', anthropic([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: BASE64 } }])],
    ['Anthropic document by URL', anthropic([{ type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } }])],
    ['Anthropic document by file id', anthropic([{ type: 'document', source: { type: 'file', file_id: 'file_1' } }])],
    ['Anthropic document of a later source type', anthropic([{ type: 'document', source: { type: 'future' } }])],
    ['Anthropic container upload', anthropic([{ type: 'container_upload', file_id: 'file_1' }])],
    ['Anthropic server tool', anthropic([], { tools: [{ type: 'web_search_20250305', name: 'web_search' }] })],
    ['Anthropic MCP servers', anthropic([], { mcp_servers: [{ type: 'url', url: 'https://mcp.example.com', name: 'x' }] })],
    ['Anthropic container', anthropic([], { container: 'container_1' })],
  ]
  for (const [name, request] of cases) {
    test(name, () => {
      expect(estimatePrompt(request).high).toBe(Number.POSITIVE_INFINITY)
      // The hold takes the whole window at the input price (the most one prompt is billed) plus the output ceiling.
      expect(planChatHold(request, [model]).holdMicros).toBe(200_000 * 1 + 1_000 * 2)
    })
  }
})

describe('images the shared messages drop: the image rule', () => {
  test('an Anthropic Files API image', () => {
    const request = anthropic([{ type: 'image', source: { type: 'file', file_id: 'file_1' } }])
    expect(addedBy(request, anthropic([]))).toBeGreaterThanOrEqual(IMAGE_TOKENS)
  })

  test('an image in an OpenAI tool message', () => {
    const messages = (content: unknown) => [
      { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c', content },
    ]
    const withImage = parseOpenAIChat({
      model: 'm',
      messages: messages([
        { type: 'text', text: 'x' },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
      ]),
    })
    const without = parseOpenAIChat({ model: 'm', messages: messages([{ type: 'text', text: 'x' }]) })
    expect(addedBy(withImage, without)).toBeGreaterThanOrEqual(IMAGE_TOKENS)
  })
})

test("offering tools costs the upstream's tool system prompt (Anthropic documents up to 530 tokens)", () => {
  const tool = { name: 'f', input_schema: { type: 'object' } }
  expect(
    addedBy(anthropic([], { tools: [tool] }), anthropic([])) - addedBy(anthropic([], { tools: [] }), anthropic([])),
  ).toBeGreaterThanOrEqual(530)
})
