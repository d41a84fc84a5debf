// The translation table: each feature, client format → upstream wire and upstream answer → client format.
import type { WireFormat } from '../../src/providers/types'

type Client = 'openai' | 'anthropic'
type Body = Record<string, unknown>

export interface RequestCase {
  name: string
  client: Client
  upstream: WireFormat
  body: Body
  /** The upstream model id (Gemini's signature rules depend on it). */
  upstreamModel?: string
  /** Matched with toMatchObject (arrays must match in length). */
  wire?: Body
  /** Extra assertions on the wire body. */
  check?: (wire: Body) => void
  /** The request is refused with 400 invalid_body naming this param. */
  refuse?: string
}

export interface ResponseCase {
  name: string
  upstream: WireFormat
  client: Client
  answer: Body
  expected?: Body
  /** The answer cannot be translated: the gateway answers with this error code. */
  fails?: string
}

const OA = (extra: Body = {}): Body => ({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], ...extra })
const AN = (extra: Body = {}): Body => ({ model: 'm', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }], ...extra })
const userText = (text: string) => ({ role: 'user', content: [{ type: 'text', text }] })
const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }
const OA_TOOL = { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: WEATHER_SCHEMA } }
const AN_TOOL = { name: 'get_weather', description: 'Weather now', input_schema: WEATHER_SCHEMA }
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='

const OA_TOOL_HISTORY = [
  { role: 'user', content: 'Weather in Paris?' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
  { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
  { role: 'user', content: 'Thanks' },
]
const AN_TOOL_HISTORY = (isError = false) => [
  { role: 'user', content: 'Weather in Paris?' },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
    ],
  },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C', ...(isError ? { is_error: true } : {}) }, { type: 'text', text: 'Thanks' }] },
]

export const REQUEST_CASES: RequestCase[] = [
  // ---- system prompts
  {
    name: 'system string: openai → anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] }),
    wire: { system: 'Be brief.', messages: [userText('Hi')] },
  },
  {
    name: 'system string: anthropic → openai',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ system: 'Be brief.' }),
    wire: { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] },
  },
  {
    name: 'system blocks: anthropic → openai (one system message each)',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ system: [{ type: 'text', text: 'You are terse.' }, { type: 'text', text: 'Use metric units.', cache_control: { type: 'ephemeral' } }] }),
    wire: {
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'system', content: 'Use metric units.' },
        { role: 'user', content: 'Hi' },
      ],
    },
  },
  {
    name: 'system blocks: openai system + developer → anthropic blocks',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        { role: 'user', content: 'Hi' },
      ],
    }),
    wire: { system: [{ type: 'text', text: 'You are terse.' }, { type: 'text', text: 'Use metric units.' }] },
  },
  {
    name: 'system string: openai → gemini systemInstruction',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] }),
    wire: { systemInstruction: { parts: [{ text: 'Be brief.' }] }, contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
  },
  {
    name: 'system blocks: anthropic → gemini systemInstruction parts',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({ system: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }] }),
    wire: { systemInstruction: { parts: [{ text: 'A' }, { text: 'B' }] } },
  },
  // ---- multi-turn
  {
    name: 'multi-turn: openai → anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'How are you?' }] }),
    wire: { messages: [userText('Hi'), { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] }, userText('How are you?')] },
  },
  {
    name: 'multi-turn: anthropic → openai',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] }, { role: 'user', content: 'How are you?' }] }),
    wire: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'How are you?' }] },
  },
  {
    name: 'multi-turn: openai → gemini (assistant becomes model)',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'How are you?' }] }),
    wire: {
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello!' }] },
        { role: 'user', parts: [{ text: 'How are you?' }] },
      ],
    },
  },
  {
    name: 'multi-turn: consecutive user turns merge for anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ messages: [{ role: 'user', content: 'First.' }, { role: 'user', content: 'Second.' }] }),
    wire: { messages: [{ role: 'user', content: [{ type: 'text', text: 'First.' }, { type: 'text', text: 'Second.' }] }] },
  },
  // ---- images
  {
    name: 'image data URL: openai → anthropic base64 source',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ messages: [{ role: 'user', content: [{ type: 'text', text: 'What is it?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }] }),
    wire: {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is it?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }],
    },
  },
  {
    name: 'image base64 source: anthropic → openai data URL',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }] }),
    wire: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }] },
  },
  {
    name: 'image http URL: openai → anthropic url source',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } }] }] }),
    wire: { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } }] }] },
  },
  {
    name: 'image url source: anthropic → openai image_url',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } }] }] }),
    wire: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] }] },
  },
  {
    name: 'image data URL: openai → gemini inlineData',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }] }),
    wire: { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: PNG } }] }] },
  },
  {
    name: 'image url source: anthropic → gemini fileData with its type',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/chart.png?v=2' } }] }] }),
    wire: { contents: [{ role: 'user', parts: [{ fileData: { fileUri: 'https://example.com/chart.png?v=2', mimeType: 'image/png' } }] }] },
  },
  // ---- tools and tool choice
  {
    name: 'tools: openai functions → anthropic input_schema',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ tools: [OA_TOOL] }),
    wire: { tools: [AN_TOOL] },
  },
  {
    name: 'tools: anthropic → openai functions',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ tools: [AN_TOOL] }),
    wire: { tools: [OA_TOOL] },
  },
  {
    name: 'tools: openai → gemini functionDeclarations (full JSON Schema)',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ tools: [OA_TOOL] }),
    wire: { tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather now', parametersJsonSchema: WEATHER_SCHEMA }] }] },
  },
  {
    name: 'tool_choice required: openai → anthropic any',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ tools: [OA_TOOL], tool_choice: 'required' }),
    wire: { tool_choice: { type: 'any' } },
  },
  {
    name: 'tool_choice named function: openai → anthropic tool',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ tools: [OA_TOOL], tool_choice: { type: 'function', function: { name: 'get_weather' } } }),
    wire: { tool_choice: { type: 'tool', name: 'get_weather' } },
  },
  {
    name: 'tool_choice none: openai → anthropic none',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ tools: [OA_TOOL], tool_choice: 'none' }),
    wire: { tool_choice: { type: 'none' } },
  },
  {
    name: 'tool_choice any: anthropic → openai required',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ tools: [AN_TOOL], tool_choice: { type: 'any' } }),
    wire: { tool_choice: 'required' },
  },
  {
    name: 'tool_choice tool: anthropic → openai function',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ tools: [AN_TOOL], tool_choice: { type: 'tool', name: 'get_weather' } }),
    wire: { tool_choice: { type: 'function', function: { name: 'get_weather' } } },
  },
  {
    name: 'tool_choice none: anthropic → openai none',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ tools: [AN_TOOL], tool_choice: { type: 'none' } }),
    wire: { tool_choice: 'none' },
  },
  {
    name: 'tool_choice tool: anthropic → gemini ANY with allowed names',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({ tools: [AN_TOOL], tool_choice: { type: 'tool', name: 'get_weather' } }),
    wire: { toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } } },
  },
  {
    name: 'tool_choice none: openai → gemini NONE',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ tools: [OA_TOOL], tool_choice: 'none' }),
    wire: { toolConfig: { functionCallingConfig: { mode: 'NONE' } } },
  },
  // ---- tool calls and results in the history
  {
    name: 'tool history: openai tool_calls/tool → anthropic tool_use/tool_result',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ tools: [OA_TOOL], messages: OA_TOOL_HISTORY }),
    wire: {
      messages: [
        userText('Weather in Paris?'),
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '18°C' }, { type: 'text', text: 'Thanks' }] },
      ],
    },
  },
  {
    name: 'tool history: anthropic tool_use/tool_result → openai tool_calls/tool',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ tools: [AN_TOOL], messages: AN_TOOL_HISTORY() }),
    wire: {
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
        { role: 'user', content: 'Thanks' },
      ],
    },
  },
  {
    name: 'tool error: anthropic is_error → openai tool message says so',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ tools: [AN_TOOL], messages: AN_TOOL_HISTORY(true) }),
    check: (wire) => {
      const tool = (wire.messages as Body[]).find((m) => m.role === 'tool')!
      if (tool.content !== 'Error: 18°C') throw new Error(`tool content: ${String(tool.content)}`)
    },
  },
  {
    name: 'tool history: openai → gemini functionCall/functionResponse by name',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ tools: [OA_TOOL], messages: OA_TOOL_HISTORY }),
    wire: {
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: '18°C' } } }, { text: 'Thanks' }] },
      ],
    },
    check: (wire) => {
      const model = (wire.contents as Array<{ parts: Body[] }>)[1]!
      if ('thoughtSignature' in model.parts[0]!) throw new Error('Gemini 2 models get no invented signature')
    },
  },
  {
    name: 'tool error: anthropic is_error → gemini functionResponse error',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({ tools: [AN_TOOL], messages: AN_TOOL_HISTORY(true) }),
    check: (wire) => {
      const last = (wire.contents as Array<{ parts: Body[] }>)[2]!
      const response = (last.parts[0]!.functionResponse as Body).response
      if (JSON.stringify(response) !== JSON.stringify({ error: '18°C' })) throw new Error(JSON.stringify(response))
    },
  },
  {
    name: 'thought signatures: carried in tool ids back to gemini 3, placeholder when absent',
    client: 'openai',
    upstream: 'gemini',
    upstreamModel: 'gemini-3-pro-preview',
    body: OA({
      tools: [OA_TOOL],
      messages: [
        { role: 'user', content: 'Paris and Rome?' },
        {
          role: 'assistant',
          tool_calls: [
            { id: 'call_r_0__ts__c2lnLWE', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_r_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_r_0__ts__c2lnLWE', content: '18' },
        { role: 'tool', tool_call_id: 'call_r_1', content: '24' },
        { role: 'assistant', tool_calls: [{ id: 'call_other', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'call_other', content: '3' },
      ],
    }),
    wire: {
      contents: [
        { role: 'user' },
        {
          role: 'model',
          parts: [{ functionCall: { name: 'get_weather' }, thoughtSignature: 'c2lnLWE=' }, { functionCall: { name: 'get_weather', args: { city: 'Rome' } } }],
        },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather' } }, { functionResponse: { name: 'get_weather' } }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather' }, thoughtSignature: 'skip_thought_signature_validator' }] },
        { role: 'user' },
      ],
    },
  },
  {
    name: 'tool result without its call: gemini cannot name it',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_missing', content: 'x' }] }] }),
    refuse: 'messages[0]',
  },
  {
    name: 'vendor tool ids: sanitised to Anthropic\'s id pattern, consistently',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', tool_calls: [{ id: 'functions.get_weather:0', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'functions.get_weather:0', content: 'ok' },
      ],
    }),
    wire: {
      messages: [
        userText('Hi'),
        { role: 'assistant', content: [{ type: 'tool_use', id: 'functions_get_weather_0' }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'functions_get_weather_0' }] },
      ],
    },
  },
  {
    name: 'tool result image: anthropic → openai is refused',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'shot', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }] },
      ],
    }),
    refuse: 'messages[1]',
  },
  // ---- stop sequences
  {
    name: 'stop string: openai → anthropic stop_sequences',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ stop: 'END' }),
    wire: { stop_sequences: ['END'] },
  },
  {
    name: 'stop_sequences: anthropic → openai stop',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ stop_sequences: ['END', '###'] }),
    wire: { stop: ['END', '###'] },
  },
  {
    name: 'stop_sequences: anthropic → gemini stopSequences',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({ stop_sequences: ['END'] }),
    wire: { generationConfig: { stopSequences: ['END'] } },
  },
  // ---- sampling
  {
    name: 'temperature/top_p: openai → anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ temperature: 0.3, top_p: 0.9 }),
    wire: { temperature: 0.3, top_p: 0.9 },
  },
  {
    name: 'temperature/top_p: anthropic → openai',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ temperature: 0.7, top_p: 0.5 }),
    wire: { temperature: 0.7, top_p: 0.5 },
  },
  {
    name: 'temperature/top_p/top_k: anthropic → gemini generationConfig',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({ temperature: 0.2, top_p: 0.8, top_k: 40 }),
    wire: { generationConfig: { temperature: 0.2, topP: 0.8, topK: 40, maxOutputTokens: 256 } },
  },
  {
    name: 'top_k: anthropic → openai is refused',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ top_k: 40 }),
    refuse: 'top_k',
  },
  {
    name: 'top_k: openai (vLLM style) → anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ top_k: 20 }),
    wire: { top_k: 20 },
  },
  // ---- max tokens
  {
    name: 'max_tokens absent: anthropic → anthropic gets the model default, other fields untouched',
    client: 'anthropic',
    upstream: 'anthropic',
    body: { model: 'm', messages: [{ role: 'user', content: 'Hi' }], thinking: { type: 'enabled', budget_tokens: 1024 } },
    wire: { model: 'up-model', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Hi' }] },
  },
  {
    name: 'max_completion_tokens: openai → anthropic max_tokens',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ max_completion_tokens: 300 }),
    wire: { max_tokens: 300 },
  },
  {
    name: 'max_tokens absent: openai → anthropic gets the model default',
    client: 'openai',
    upstream: 'anthropic',
    body: OA(),
    wire: { max_tokens: 4096 },
  },
  {
    name: 'max_tokens: anthropic → openai',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ max_tokens: 123 }),
    wire: { max_tokens: 123 },
  },
  {
    name: 'max_tokens absent: openai → gemini maxOutputTokens default',
    client: 'openai',
    upstream: 'gemini',
    body: OA(),
    wire: { generationConfig: { maxOutputTokens: 4096 } },
  },
  // ---- user id, parallel tool calls, streams
  {
    name: 'user: openai → anthropic metadata.user_id',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ user: 'user-42' }),
    wire: { metadata: { user_id: 'user-42' } },
  },
  {
    name: 'metadata.user_id: anthropic → openai user',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ metadata: { user_id: 'user-42' } }),
    wire: { user: 'user-42' },
  },
  {
    name: 'parallel_tool_calls false: openai → anthropic disable_parallel_tool_use',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ tools: [OA_TOOL], parallel_tool_calls: false }),
    wire: { tool_choice: { type: 'auto', disable_parallel_tool_use: true } },
  },
  {
    name: 'disable_parallel_tool_use: anthropic → openai parallel_tool_calls false',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ tools: [AN_TOOL], tool_choice: { type: 'any', disable_parallel_tool_use: true } }),
    wire: { tool_choice: 'required', parallel_tool_calls: false },
  },
  {
    name: 'parallel_tool_calls false: gemini cannot forbid parallel calls',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ tools: [OA_TOOL], parallel_tool_calls: false }),
    refuse: 'parallel_tool_calls',
  },
  {
    name: 'stream: anthropic → openai asks for usage',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ stream: true }),
    wire: { stream: true, stream_options: { include_usage: true } },
  },
  {
    name: 'stream: openai → anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ stream: true }),
    wire: { stream: true },
  },
  // ---- fields only one format can carry
  { name: 'untranslatable: openai n=2 → anthropic', client: 'openai', upstream: 'anthropic', body: OA({ n: 2 }), refuse: 'n' },
  { name: 'untranslatable: openai logprobs → gemini', client: 'openai', upstream: 'gemini', body: OA({ logprobs: true }), refuse: 'logprobs' },
  {
    name: 'untranslatable: openai response_format json → anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ response_format: { type: 'json_object' } }),
    refuse: 'response_format',
  },
  {
    name: 'untranslatable: openai audio part → anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] }),
    refuse: 'messages[0].content[0].type',
  },
  {
    name: 'untranslatable: anthropic thinking → openai',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ thinking: { type: 'enabled', budget_tokens: 1024 } }),
    refuse: 'thinking',
  },
  {
    name: 'untranslatable: anthropic server tool → gemini',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({ tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }] }),
    refuse: 'tools[0].type',
  },
  {
    name: 'untranslatable: anthropic document block → openai',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Sum up' }, { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }] }],
    }),
    refuse: 'messages[0].content[1].type',
  },
  {
    name: 'untranslatable: anthropic Files API image → openai',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'file_1' } }] }] }),
    refuse: 'messages[0].content[0].source.type',
  },
  {
    name: 'untranslatable fields still reach an upstream of their own format',
    client: 'openai',
    upstream: 'openai',
    body: OA({ n: 2, logprobs: true }),
    wire: { model: 'up-model', n: 2, logprobs: true },
  },
]

const OA_ANSWER = (message: Body, finish: string, usage: Body = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }): Body => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-x',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
  usage,
})
const AN_ANSWER = (content: Body[], stop: string, usage: Body = { input_tokens: 10, output_tokens: 5 }): Body => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-x',
  content,
  stop_reason: stop,
  stop_sequence: null,
  usage,
})
const GE_ANSWER = (parts: Body[], finish: string, usage: Body = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 }): Body => ({
  candidates: [{ content: { role: 'model', parts }, finishReason: finish, index: 0 }],
  usageMetadata: usage,
  modelVersion: 'gemini-x',
  responseId: 'resp1',
})
const oaChoice = (message: Body, finish: string) => ({ choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }] })

export const RESPONSE_CASES: ResponseCase[] = [
  // ---- finish reasons
  { name: 'end_turn: anthropic → openai stop', upstream: 'anthropic', client: 'openai', answer: AN_ANSWER([{ type: 'text', text: 'Hi' }], 'end_turn'), expected: oaChoice({ content: 'Hi' }, 'stop') },
  { name: 'stop_sequence: anthropic → openai stop', upstream: 'anthropic', client: 'openai', answer: AN_ANSWER([{ type: 'text', text: 'Hi' }], 'stop_sequence'), expected: oaChoice({ content: 'Hi' }, 'stop') },
  { name: 'max_tokens: anthropic → openai length', upstream: 'anthropic', client: 'openai', answer: AN_ANSWER([{ type: 'text', text: 'Hi' }], 'max_tokens'), expected: oaChoice({ content: 'Hi' }, 'length') },
  { name: 'refusal: anthropic → openai content_filter', upstream: 'anthropic', client: 'openai', answer: AN_ANSWER([], 'refusal'), expected: oaChoice({}, 'content_filter') },
  { name: 'stop: openai → anthropic end_turn', upstream: 'openai', client: 'anthropic', answer: OA_ANSWER({ content: 'Hi' }, 'stop'), expected: { content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn' } },
  { name: 'length: openai → anthropic max_tokens', upstream: 'openai', client: 'anthropic', answer: OA_ANSWER({ content: 'Hi' }, 'length'), expected: { stop_reason: 'max_tokens' } },
  { name: 'content_filter: openai → anthropic refusal', upstream: 'openai', client: 'anthropic', answer: OA_ANSWER({ content: null }, 'content_filter'), expected: { content: [], stop_reason: 'refusal' } },
  { name: 'STOP: gemini → openai stop', upstream: 'gemini', client: 'openai', answer: GE_ANSWER([{ text: 'Hi' }], 'STOP'), expected: oaChoice({ content: 'Hi' }, 'stop') },
  { name: 'MAX_TOKENS: gemini → anthropic max_tokens', upstream: 'gemini', client: 'anthropic', answer: GE_ANSWER([{ text: 'Hi' }], 'MAX_TOKENS'), expected: { stop_reason: 'max_tokens' } },
  { name: 'SAFETY: gemini → openai content_filter', upstream: 'gemini', client: 'openai', answer: GE_ANSWER([], 'SAFETY'), expected: oaChoice({}, 'content_filter') },
  {
    name: 'blocked prompt: gemini promptFeedback → anthropic refusal',
    upstream: 'gemini',
    client: 'anthropic',
    answer: { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 } },
    expected: { content: [], stop_reason: 'refusal', usage: { input_tokens: 7, output_tokens: 0 } },
  },
  // ---- tool calls
  {
    name: 'tool_use: anthropic → openai tool_calls',
    upstream: 'anthropic',
    client: 'openai',
    answer: AN_ANSWER([{ type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Oslo' } }], 'tool_use'),
    expected: oaChoice({ content: null, tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] }, 'tool_calls'),
  },
  {
    name: 'tool_calls: openai → anthropic tool_use with its input',
    upstream: 'openai',
    client: 'anthropic',
    answer: OA_ANSWER({ content: 'Let me see.', tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] }, 'tool_calls'),
    expected: {
      content: [
        { type: 'text', text: 'Let me see.' },
        { type: 'tool_use', id: 'call_9', name: 'get_weather', input: { city: 'Oslo' } },
      ],
      stop_reason: 'tool_use',
    },
  },
  {
    name: 'functionCall: gemini → openai tool_calls (signature kept in the id)',
    upstream: 'gemini',
    client: 'openai',
    answer: GE_ANSWER([{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'c2lnLWE=' }], 'STOP'),
    expected: oaChoice(
      { content: null, tool_calls: [{ id: 'call_resp1_0__ts__c2lnLWE', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      'tool_calls',
    ),
  },
  {
    name: 'functionCall: gemini → anthropic tool_use',
    upstream: 'gemini',
    client: 'anthropic',
    answer: GE_ANSWER([{ text: 'Checking.' }, { functionCall: { id: 'fc-7', name: 'get_weather', args: { city: 'Oslo' } } }], 'STOP'),
    expected: {
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'fc-7', name: 'get_weather', input: { city: 'Oslo' } },
      ],
      stop_reason: 'tool_use',
    },
  },
  {
    name: 'broken tool arguments: openai → anthropic is an upstream error',
    upstream: 'openai',
    client: 'anthropic',
    answer: OA_ANSWER({ content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"city": ' } }] }, 'tool_calls'),
    fails: 'upstream_error',
  },
  // ---- usage, cached tokens included
  {
    name: 'usage with cache reads/writes: anthropic → openai prompt_tokens and cached_tokens',
    upstream: 'anthropic',
    client: 'openai',
    answer: AN_ANSWER([{ type: 'text', text: 'Hi' }], 'end_turn', { input_tokens: 6, cache_read_input_tokens: 41203, cache_creation_input_tokens: 100, output_tokens: 30 }),
    expected: { usage: { prompt_tokens: 41309, completion_tokens: 30, total_tokens: 41339, prompt_tokens_details: { cached_tokens: 41203 } } },
  },
  {
    name: 'usage with cached_tokens: openai → anthropic input_tokens without the cache',
    upstream: 'openai',
    client: 'anthropic',
    answer: OA_ANSWER({ content: 'Hi' }, 'stop', { prompt_tokens: 1536, completion_tokens: 9, total_tokens: 1545, prompt_tokens_details: { cached_tokens: 1024 } }),
    expected: { usage: { input_tokens: 512, output_tokens: 9, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0 } },
  },
  {
    name: 'usage with cache and thoughts: gemini → openai',
    upstream: 'gemini',
    client: 'openai',
    answer: GE_ANSWER([{ text: 'Hi' }], 'STOP', { promptTokenCount: 2150, cachedContentTokenCount: 2048, candidatesTokenCount: 17, thoughtsTokenCount: 44, totalTokenCount: 2211 }),
    expected: { usage: { prompt_tokens: 2150, completion_tokens: 61, total_tokens: 2211, prompt_tokens_details: { cached_tokens: 2048 } } },
  },
  {
    name: 'usage with cache: gemini → anthropic',
    upstream: 'gemini',
    client: 'anthropic',
    answer: GE_ANSWER([{ text: 'Hi' }], 'STOP', { promptTokenCount: 2150, cachedContentTokenCount: 2048, candidatesTokenCount: 17, totalTokenCount: 2167 }),
    expected: { usage: { input_tokens: 102, cache_read_input_tokens: 2048, output_tokens: 17 } },
  },
  // ---- content
  {
    name: 'thinking blocks: anthropic → openai keeps the answer text only',
    upstream: 'anthropic',
    client: 'openai',
    answer: AN_ANSWER([{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'Answer.' }], 'end_turn'),
    expected: oaChoice({ content: 'Answer.' }, 'stop'),
  },
  {
    name: 'thought summaries: gemini → anthropic keeps the answer text only',
    upstream: 'gemini',
    client: 'anthropic',
    answer: GE_ANSWER([{ text: 'pondering', thought: true }, { text: 'Answer.' }], 'STOP'),
    expected: { content: [{ type: 'text', text: 'Answer.' }] },
  },
  {
    name: 'same format: anthropic → anthropic relays the body, model renamed',
    upstream: 'anthropic',
    client: 'anthropic',
    answer: AN_ANSWER([{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'Answer.' }], 'end_turn'),
    expected: { model: 'client-model', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'Answer.' }] },
  },
]
