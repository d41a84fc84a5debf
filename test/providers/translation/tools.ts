// Translation cases: tools, tool choice, tool calls and results in the history.
import { AN, AN_TOOL, AN_TOOL_HISTORY, OA, OA_TOOL, OA_TOOL_HISTORY, PNG, userText, WEATHER_SCHEMA } from './builders'
import type { Body, RequestCase } from './types'

export const TOOL_CASES: RequestCase[] = [
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
    wire: {
      tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather now', parametersJsonSchema: WEATHER_SCHEMA }] }],
    },
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
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '18°C' },
            { type: 'text', text: 'Thanks' },
          ],
        },
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
        {
          role: 'assistant',
          tool_calls: [{ id: 'call_other', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_other', content: '3' },
      ],
    }),
    wire: {
      contents: [
        { role: 'user' },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'get_weather' }, thoughtSignature: 'c2lnLWE=' },
            { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
          ],
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
    name: "vendor tool ids: sanitised to Anthropic's id pattern, consistently",
    client: 'openai',
    upstream: 'anthropic',
    body: OA({
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'functions.get_weather:0', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        },
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
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }],
            },
          ],
        },
      ],
    }),
    refuse: 'messages[1]',
  },
]
