// Small builders of request bodies and upstream answers the translation cases share.
import type { Body } from './types'

export const OA = (extra: Body = {}): Body => ({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], ...extra })
export const AN = (extra: Body = {}): Body => ({ model: 'm', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }], ...extra })
export const userText = (text: string) => ({ role: 'user', content: [{ type: 'text', text }] })
export const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }
export const OA_TOOL = { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: WEATHER_SCHEMA } }
export const AN_TOOL = { name: 'get_weather', description: 'Weather now', input_schema: WEATHER_SCHEMA }
export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='

export const OA_TOOL_HISTORY = [
  { role: 'user', content: 'Weather in Paris?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
  },
  { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
  { role: 'user', content: 'Thanks' },
]
export const AN_TOOL_HISTORY = (isError = false) => [
  { role: 'user', content: 'Weather in Paris?' },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
    ],
  },
  {
    role: 'user',
    content: [
      { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C', ...(isError ? { is_error: true } : {}) },
      { type: 'text', text: 'Thanks' },
    ],
  },
]

export const OA_ANSWER = (
  message: Body,
  finish: string,
  usage: Body = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
): Body => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-x',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
  usage,
})
export const AN_ANSWER = (content: Body[], stop: string, usage: Body = { input_tokens: 10, output_tokens: 5 }): Body => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-x',
  content,
  stop_reason: stop,
  stop_sequence: null,
  usage,
})
export const GE_ANSWER = (
  parts: Body[],
  finish: string,
  usage: Body = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
): Body => ({
  candidates: [{ content: { role: 'model', parts }, finishReason: finish, index: 0 }],
  usageMetadata: usage,
  modelVersion: 'gemini-x',
  responseId: 'resp1',
})
export const oaChoice = (message: Body, finish: string) => ({
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
})
