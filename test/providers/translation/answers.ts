// Translation cases: upstream answers → client bodies (finish reasons, tool calls, usage, content).
import { AN_ANSWER, GE_ANSWER, OA_ANSWER, oaChoice } from './builders'
import type { ResponseCase } from './types'

export const ANSWER_CASES: ResponseCase[] = [
  // ---- finish reasons
  {
    name: 'end_turn: anthropic → openai stop',
    upstream: 'anthropic',
    client: 'openai',
    answer: AN_ANSWER([{ type: 'text', text: 'Hi' }], 'end_turn'),
    expected: oaChoice({ content: 'Hi' }, 'stop'),
  },
  {
    name: 'stop_sequence: anthropic → openai stop',
    upstream: 'anthropic',
    client: 'openai',
    answer: AN_ANSWER([{ type: 'text', text: 'Hi' }], 'stop_sequence'),
    expected: oaChoice({ content: 'Hi' }, 'stop'),
  },
  {
    name: 'max_tokens: anthropic → openai length',
    upstream: 'anthropic',
    client: 'openai',
    answer: AN_ANSWER([{ type: 'text', text: 'Hi' }], 'max_tokens'),
    expected: oaChoice({ content: 'Hi' }, 'length'),
  },
  {
    name: 'refusal: anthropic → openai content_filter',
    upstream: 'anthropic',
    client: 'openai',
    answer: AN_ANSWER([], 'refusal'),
    expected: oaChoice({}, 'content_filter'),
  },
  {
    name: 'stop: openai → anthropic end_turn',
    upstream: 'openai',
    client: 'anthropic',
    answer: OA_ANSWER({ content: 'Hi' }, 'stop'),
    expected: { content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn' },
  },
  {
    name: 'length: openai → anthropic max_tokens',
    upstream: 'openai',
    client: 'anthropic',
    answer: OA_ANSWER({ content: 'Hi' }, 'length'),
    expected: { stop_reason: 'max_tokens' },
  },
  {
    name: 'content_filter: openai → anthropic refusal',
    upstream: 'openai',
    client: 'anthropic',
    answer: OA_ANSWER({ content: null }, 'content_filter'),
    expected: { content: [], stop_reason: 'refusal' },
  },
  {
    name: 'STOP: gemini → openai stop',
    upstream: 'gemini',
    client: 'openai',
    answer: GE_ANSWER([{ text: 'Hi' }], 'STOP'),
    expected: oaChoice({ content: 'Hi' }, 'stop'),
  },
  {
    name: 'MAX_TOKENS: gemini → anthropic max_tokens',
    upstream: 'gemini',
    client: 'anthropic',
    answer: GE_ANSWER([{ text: 'Hi' }], 'MAX_TOKENS'),
    expected: { stop_reason: 'max_tokens' },
  },
  {
    name: 'SAFETY: gemini → openai content_filter',
    upstream: 'gemini',
    client: 'openai',
    answer: GE_ANSWER([], 'SAFETY'),
    expected: oaChoice({}, 'content_filter'),
  },
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
    expected: oaChoice(
      { content: null, tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      'tool_calls',
    ),
  },
  {
    name: 'tool_calls: openai → anthropic tool_use with its input',
    upstream: 'openai',
    client: 'anthropic',
    answer: OA_ANSWER(
      {
        content: 'Let me see.',
        tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
      },
      'tool_calls',
    ),
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
      {
        content: null,
        tool_calls: [
          { id: 'call_resp1_0__ts__c2lnLWE', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
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
    answer: OA_ANSWER(
      { content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"city": ' } }] },
      'tool_calls',
    ),
    fails: 'upstream_error',
  },
  // ---- usage, cached tokens included
  {
    name: 'usage with cache reads/writes: anthropic → openai prompt_tokens and cached_tokens',
    upstream: 'anthropic',
    client: 'openai',
    answer: AN_ANSWER([{ type: 'text', text: 'Hi' }], 'end_turn', {
      input_tokens: 6,
      cache_read_input_tokens: 41203,
      cache_creation_input_tokens: 100,
      output_tokens: 30,
    }),
    expected: {
      usage: { prompt_tokens: 41309, completion_tokens: 30, total_tokens: 41339, prompt_tokens_details: { cached_tokens: 41203 } },
    },
  },
  {
    name: 'usage with cached_tokens: openai → anthropic input_tokens without the cache',
    upstream: 'openai',
    client: 'anthropic',
    answer: OA_ANSWER({ content: 'Hi' }, 'stop', {
      prompt_tokens: 1536,
      completion_tokens: 9,
      total_tokens: 1545,
      prompt_tokens_details: { cached_tokens: 1024 },
    }),
    expected: { usage: { input_tokens: 512, output_tokens: 9, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0 } },
  },
  {
    name: 'usage with cache and thoughts: gemini → openai',
    upstream: 'gemini',
    client: 'openai',
    answer: GE_ANSWER([{ text: 'Hi' }], 'STOP', {
      promptTokenCount: 2150,
      cachedContentTokenCount: 2048,
      candidatesTokenCount: 17,
      thoughtsTokenCount: 44,
      totalTokenCount: 2211,
    }),
    expected: { usage: { prompt_tokens: 2150, completion_tokens: 61, total_tokens: 2211, prompt_tokens_details: { cached_tokens: 2048 } } },
  },
  {
    name: 'usage with cache: gemini → anthropic',
    upstream: 'gemini',
    client: 'anthropic',
    answer: GE_ANSWER([{ text: 'Hi' }], 'STOP', {
      promptTokenCount: 2150,
      cachedContentTokenCount: 2048,
      candidatesTokenCount: 17,
      totalTokenCount: 2167,
    }),
    expected: { usage: { input_tokens: 102, cache_read_input_tokens: 2048, output_tokens: 17 } },
  },
  // ---- content
  {
    name: 'thinking blocks: anthropic → openai keeps the answer text only',
    upstream: 'anthropic',
    client: 'openai',
    answer: AN_ANSWER(
      [
        { type: 'thinking', thinking: 'hmm', signature: 'sig' },
        { type: 'text', text: 'Answer.' },
      ],
      'end_turn',
    ),
    expected: oaChoice({ content: 'Answer.' }, 'stop'),
  },
  {
    // Reasoning now crosses formats: the thought summary is a thinking block whose signature names Gemini.
    name: 'thought summaries: gemini → anthropic thinking block, then the answer',
    upstream: 'gemini',
    client: 'anthropic',
    answer: GE_ANSWER([{ text: 'pondering', thought: true }, { text: 'Answer.' }], 'STOP'),
    expected: {
      content: [
        { type: 'thinking', thinking: 'pondering', signature: 'th1_gemini_' },
        { type: 'text', text: 'Answer.' },
      ],
    },
  },
  {
    name: 'same format: anthropic → anthropic relays the body, model renamed',
    upstream: 'anthropic',
    client: 'anthropic',
    answer: AN_ANSWER(
      [
        { type: 'thinking', thinking: 'hmm', signature: 'sig' },
        { type: 'text', text: 'Answer.' },
      ],
      'end_turn',
    ),
    expected: {
      model: 'client-model',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig' },
        { type: 'text', text: 'Answer.' },
      ],
    },
  },
]
