// Translation cases: structured output, reasoning, hints, stop sequences and prompt caching across formats.
import { expect } from 'bun:test'
import { JSON_MODE_INSTRUCTION } from '../../../src/providers/anthropic/request'
import { AN, AN_ANSWER, GE_ANSWER, OA, OA_ANSWER, OA_TOOL, oaChoice, WEATHER_SCHEMA } from './builders'
import type { Body, RequestCase, ResponseCase } from './types'

const FORMAT = { type: 'json_schema', json_schema: { name: 'weather', schema: WEATHER_SCHEMA, strict: true } }
/** About 1,500 tokens: above the 1,024-token minimum Claude caches. */
const LONG = 'You are a careful assistant who answers about the weather. '.repeat(100)
const CACHED = { type: 'ephemeral' }
const marks = (wire: Body) => JSON.stringify(wire).split('"cache_control"').length - 1

export const MAPPING_CASES: RequestCase[] = [
  // ---- structured output
  {
    name: 'response_format json_schema (strict): openai → anthropic output_config.format',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ response_format: FORMAT }),
    wire: { output_config: { format: { type: 'json_schema', schema: WEATHER_SCHEMA } } },
  },
  {
    name: 'response_format json_object: openai → anthropic, told in the system prompt (Claude has no JSON mode)',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ response_format: { type: 'json_object' } }),
    wire: { system: JSON_MODE_INSTRUCTION },
    check: (wire) => expect(wire.output_config).toBeUndefined(),
  },
  {
    name: 'response_format json_schema: openai → gemini responseMimeType + responseJsonSchema (const → enum, $schema dropped)',
    client: 'openai',
    upstream: 'gemini',
    body: OA({
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'pick',
          schema: {
            $schema: 'http://json-schema.org/draft-07/schema#',
            type: 'object',
            properties: { kind: { const: 'weather' }, days: { type: 'array', items: { type: 'integer', minimum: 1 } } },
            required: ['kind'],
            additionalProperties: false,
          },
        },
      },
    }),
    wire: {
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: {
          type: 'object',
          properties: { kind: { enum: ['weather'] }, days: { type: 'array', items: { type: 'integer', minimum: 1 } } },
          required: ['kind'],
          additionalProperties: false,
        },
      },
    },
    check: (wire) => expect(JSON.stringify(wire)).not.toContain('$schema'),
  },
  {
    name: 'response_format json_object: openai → gemini application/json without a schema',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ response_format: { type: 'json_object' } }),
    wire: { generationConfig: { responseMimeType: 'application/json' } },
    check: (wire) => expect((wire.generationConfig as Body).responseJsonSchema).toBeUndefined(),
  },
  {
    name: 'response_format with a keyword Gemini cannot enforce (pattern) → gemini is refused, naming it',
    client: 'openai',
    upstream: 'gemini',
    body: OA({
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'x', schema: { type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]{3}$' } } } },
      },
    }),
    refuse: 'response_format.json_schema.schema.properties.code.pattern',
  },
  {
    name: 'output_config.format with allOf → gemini is refused, naming it',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({ output_config: { format: { type: 'json_schema', schema: { allOf: [{ type: 'object' }] } } } }),
    refuse: 'output_config.format.schema.allOf',
  },
  {
    name: 'output_config.format: anthropic → openai response_format json_schema (named, strict)',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ output_config: { format: { type: 'json_schema', schema: WEATHER_SCHEMA } } }),
    wire: { response_format: { type: 'json_schema', json_schema: { name: 'response', schema: WEATHER_SCHEMA, strict: true } } },
  },
  {
    name: 'output_format (beta): anthropic → gemini responseJsonSchema',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({ output_format: { type: 'json_schema', schema: WEATHER_SCHEMA } }),
    wire: { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: WEATHER_SCHEMA } },
  },
  {
    name: 'response_format json_schema: openai → claude-3-5-sonnet (no structured outputs) gets a forced answer tool',
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-3-5-sonnet-20241022',
    body: OA({ response_format: FORMAT, reasoning_effort: 'low', max_tokens: 8000 }),
    wire: {
      tools: [{ name: 'json_answer', input_schema: WEATHER_SCHEMA }],
      tool_choice: { type: 'tool', name: 'json_answer' },
    },
    check: (wire) => {
      expect(wire.output_config).toBeUndefined()
      // Claude cannot think while a tool is forced on it.
      expect(wire.thinking).toBeUndefined()
    },
  },
  {
    name: "answer tool beside the client's tools: claude-sonnet-4 must call one of them (tool_choice any); a non-object schema is wrapped",
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-sonnet-4-20250514',
    body: OA({
      tools: [OA_TOOL],
      response_format: { type: 'json_schema', json_schema: { name: 'list', schema: { type: 'array', items: { type: 'string' } } } },
    }),
    wire: {
      tools: [
        { name: 'get_weather' },
        {
          name: 'json_answer',
          input_schema: { type: 'object', properties: { value: { type: 'array', items: { type: 'string' } } }, required: ['value'] },
        },
      ],
      tool_choice: { type: 'any' },
    },
  },
  // ---- reasoning (the table in the README)
  {
    name: 'reasoning_effort high: openai → claude-sonnet-4-5 thinking enabled, 24,576-token budget',
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-sonnet-4-5',
    body: OA({ reasoning_effort: 'high', max_completion_tokens: 32000 }),
    wire: { thinking: { type: 'enabled', budget_tokens: 24576 }, max_tokens: 32000 },
  },
  {
    name: 'reasoning_effort high: the budget stays below max_tokens',
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-sonnet-4-5',
    body: OA({ reasoning_effort: 'high', max_tokens: 4000 }),
    wire: { thinking: { type: 'enabled', budget_tokens: 3999 } },
  },
  {
    name: 'reasoning_effort medium: openai → claude-opus-4-6 adaptive thinking + output_config.effort',
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-opus-4-6',
    body: OA({ reasoning_effort: 'medium' }),
    wire: { thinking: { type: 'adaptive' }, output_config: { effort: 'medium' } },
  },
  {
    name: 'reasoning_effort minimal: openai → claude-opus-4-7 adaptive, effort low (Claude has no minimal)',
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-opus-4-7',
    body: OA({ reasoning_effort: 'minimal', response_format: FORMAT }),
    wire: { thinking: { type: 'adaptive' }, output_config: { effort: 'low', format: { type: 'json_schema', schema: WEATHER_SCHEMA } } },
  },
  {
    name: 'reasoning_effort none: openai → anthropic sends no thinking',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ reasoning_effort: 'none' }),
    check: (wire) => expect(wire.thinking).toBeUndefined(),
  },
  {
    name: 'reasoning_effort low: openai → gemini-2.5 thinkingBudget 2,048 with the thoughts back',
    client: 'openai',
    upstream: 'gemini',
    upstreamModel: 'gemini-2.5-flash',
    body: OA({ reasoning_effort: 'low' }),
    wire: { generationConfig: { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } } },
  },
  {
    name: 'reasoning_effort none: openai → gemini-2.5 thinkingBudget 0',
    client: 'openai',
    upstream: 'gemini',
    upstreamModel: 'gemini-2.5-flash',
    body: OA({ reasoning_effort: 'none' }),
    wire: { generationConfig: { thinkingConfig: { thinkingBudget: 0 } } },
  },
  {
    name: 'reasoning_effort high: openai → gemini-3 thinkingLevel HIGH',
    client: 'openai',
    upstream: 'gemini',
    upstreamModel: 'gemini-3-pro-preview',
    body: OA({ reasoning_effort: 'high' }),
    wire: { generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true } } },
  },
  {
    name: 'reasoning_effort medium: openai → gemini-3-flash thinkingLevel MEDIUM',
    client: 'openai',
    upstream: 'gemini',
    upstreamModel: 'gemini-3-flash',
    body: OA({ reasoning_effort: 'medium' }),
    wire: { generationConfig: { thinkingConfig: { thinkingLevel: 'MEDIUM', includeThoughts: true } } },
  },
  {
    name: 'thinking enabled (4,096): anthropic → openai reasoning_effort medium',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ max_tokens: 8000, thinking: { type: 'enabled', budget_tokens: 4096 } }),
    wire: { reasoning_effort: 'medium' },
  },
  {
    name: 'thinking enabled (31,999, Claude Code): anthropic → openai reasoning_effort high',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 31999 } }),
    wire: { reasoning_effort: 'high' },
  },
  {
    name: 'thinking adaptive + output_config.effort low: anthropic → openai reasoning_effort low',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' } }),
    wire: { reasoning_effort: 'low' },
  },
  {
    name: 'thinking enabled (10,000): anthropic → gemini-2.5 the same budget, thoughts back',
    client: 'anthropic',
    upstream: 'gemini',
    upstreamModel: 'gemini-2.5-flash',
    body: AN({ max_tokens: 20000, thinking: { type: 'enabled', budget_tokens: 10000 } }),
    wire: { generationConfig: { thinkingConfig: { thinkingBudget: 10000, includeThoughts: true } } },
  },
  {
    name: 'thinking disabled: anthropic → openai sends no reasoning_effort',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ thinking: { type: 'disabled' } }),
    check: (wire) => expect(wire.reasoning_effort).toBeUndefined(),
  },
  {
    name: "thinking history: anthropic → openai, the vendor's own reasoning back as reasoning_content, Claude's left behind",
    client: 'anthropic',
    upstream: 'openai',
    body: AN({
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Claude thought.', signature: 'EqQBCgIYAh' },
            { type: 'thinking', thinking: 'DeepSeek thought.', signature: 'th1_openai_' },
            { type: 'text', text: 'Hello.' },
          ],
        },
        { role: 'user', content: 'Again' },
      ],
    }),
    wire: {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.', reasoning_content: 'DeepSeek thought.' },
        { role: 'user', content: 'Again' },
      ],
    },
  },
  {
    name: 'thinking_blocks history: openai → anthropic, Claude gets its signed block back byte-exact and keeps thinking in the tool loop',
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-sonnet-4-5',
    body: OA({
      reasoning_effort: 'low',
      max_tokens: 8000,
      tools: [OA_TOOL],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'Need the tool.',
          thinking_blocks: [{ type: 'thinking', thinking: 'Need the tool.', signature: 'Sig+/==' }],
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      ],
    }),
    wire: {
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Need the tool.', signature: 'Sig+/==' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' }] },
      ],
    },
  },
  {
    name: 'a tool loop without signed thinking: openai → anthropic goes without thinking (Claude would refuse it)',
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-sonnet-4-5',
    body: OA({
      reasoning_effort: 'low',
      max_tokens: 8000,
      tools: [OA_TOOL],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      ],
    }),
    check: (wire) => expect(wire.thinking).toBeUndefined(),
  },
  // ---- hints: dropped, not refused (and noted in the log row)
  {
    name: 'hints: openai seed, service_tier, store, metadata, prompt_cache_key, verbosity → anthropic are dropped; safety_identifier is the user id',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({
      seed: 7,
      service_tier: 'flex',
      store: true,
      metadata: { team: 'blue' },
      prompt_cache_key: 'k1',
      prompt_cache_retention: '24h',
      verbosity: 'low',
      safety_identifier: 'user-9',
    }),
    wire: { metadata: { user_id: 'user-9' } },
    check: (wire) => {
      for (const field of ['seed', 'service_tier', 'store', 'prompt_cache_key', 'prompt_cache_retention', 'verbosity']) {
        expect(wire[field]).toBeUndefined()
      }
    },
  },
  {
    name: 'hints: openai seed and metadata → gemini are dropped',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ seed: 7, metadata: { a: 'b' } }),
    check: (wire) => expect(JSON.stringify(wire)).not.toContain('seed'),
  },
  {
    name: 'hints: anthropic context_management and service_tier → openai are dropped',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      service_tier: 'standard_only',
    }),
    check: (wire) => {
      expect(wire.context_management).toBeUndefined()
      expect(wire.service_tier).toBeUndefined()
    },
  },
  {
    name: 'audio output: openai → anthropic stays refused',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } }),
    refuse: 'audio',
  },
  {
    name: 'top_logprobs: openai → gemini stays refused',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ top_logprobs: 3 }),
    refuse: 'top_logprobs',
  },
  // ---- prompt caching for Claude reached through the OpenAI format
  {
    name: 'auto cache: openai → anthropic marks a long system prompt and the conversation end',
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-sonnet-4-5',
    body: OA({
      messages: [
        { role: 'system', content: LONG },
        { role: 'user', content: 'Hi' },
      ],
    }),
    wire: {
      system: [{ type: 'text', text: LONG, cache_control: CACHED }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: CACHED }] }],
    },
  },
  {
    name: 'auto cache: long tools are marked on the last tool',
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-sonnet-4-5',
    body: OA({ tools: [OA_TOOL, { ...OA_TOOL, function: { ...OA_TOOL.function, name: 'long', description: LONG } }] }),
    check: (wire) => {
      const tools = wire.tools as Body[]
      expect(tools[0]!.cache_control).toBeUndefined()
      expect(tools[1]!.cache_control).toEqual(CACHED)
    },
  },
  {
    name: 'auto cache: below the model minimum nothing is marked (claude-haiku-4-5 needs 4,096 tokens)',
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-haiku-4-5',
    body: OA({
      messages: [
        { role: 'system', content: LONG },
        { role: 'user', content: 'Hi' },
      ],
    }),
    check: (wire) => expect(marks(wire)).toBe(0),
  },
  {
    name: "auto cache: at most 4 breakpoints (tools, system, the previous user turn, the conversation's end)",
    client: 'openai',
    upstream: 'anthropic',
    upstreamModel: 'claude-sonnet-4-5',
    body: OA({
      tools: [{ ...OA_TOOL, function: { ...OA_TOOL.function, description: LONG } }],
      messages: [
        { role: 'system', content: LONG },
        { role: 'user', content: LONG },
        { role: 'assistant', content: 'Noted.' },
        { role: 'user', content: LONG },
        { role: 'assistant', content: 'Noted again.' },
        { role: 'user', content: 'Now answer.' },
      ],
    }),
    check: (wire) => {
      expect(marks(wire)).toBe(4)
      const messages = wire.messages as Array<{ content: Body[] }>
      // The system prompt is not a message: [user, assistant, user (previous turn), assistant, user (the end)].
      expect(messages[2]!.content[0]!.cache_control).toEqual(CACHED)
      expect(messages[4]!.content[0]!.cache_control).toEqual(CACHED)
      expect(messages[0]!.content[0]!.cache_control).toBeUndefined()
    },
  },
  {
    name: "auto cache: an Anthropic client's own body is relayed untouched (it marks its own breakpoints)",
    client: 'anthropic',
    upstream: 'anthropic',
    upstreamModel: 'claude-sonnet-4-5',
    body: AN({ system: LONG }),
    check: (wire) => expect(marks(wire)).toBe(0),
  },
  {
    name: 'prompt_cache_key: openai → gemini (no such field) is dropped',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ prompt_cache_key: 'k1' }),
    check: (wire) => expect(JSON.stringify(wire)).not.toContain('k1'),
  },
]

const REASONING_USAGE = { input_tokens: 10, output_tokens: 50, output_tokens_details: { thinking_tokens: 40 } }

export const MAPPING_ANSWER_CASES: ResponseCase[] = [
  // ---- reasoning out
  {
    name: 'thinking: anthropic → openai reasoning_content + thinking_blocks (signature byte-exact), reasoning tokens in usage',
    upstream: 'anthropic',
    client: 'openai',
    answer: AN_ANSWER(
      [
        { type: 'thinking', thinking: 'hmm', signature: 'EqQB+/=' },
        { type: 'redacted_thinking', data: 'opaque==' },
        { type: 'text', text: 'Answer.' },
      ],
      'end_turn',
      REASONING_USAGE,
    ),
    expected: {
      ...oaChoice(
        {
          content: 'Answer.',
          reasoning_content: 'hmm',
          thinking_blocks: [
            { type: 'thinking', thinking: 'hmm', signature: 'EqQB+/=' },
            { type: 'redacted_thinking', data: 'opaque==' },
          ],
        },
        'stop',
      ),
      usage: { completion_tokens: 50, completion_tokens_details: { reasoning_tokens: 40 } },
    },
  },
  {
    name: 'reasoning_content (DeepSeek-style): openai → anthropic thinking block signed for its issuer',
    upstream: 'openai',
    client: 'anthropic',
    answer: OA_ANSWER({ content: 'Answer.', reasoning_content: 'Let me think.' }, 'stop', {
      prompt_tokens: 10,
      completion_tokens: 30,
      total_tokens: 40,
      completion_tokens_details: { reasoning_tokens: 20 },
    }),
    expected: {
      content: [
        { type: 'thinking', thinking: 'Let me think.', signature: 'th1_openai_' },
        { type: 'text', text: 'Answer.' },
      ],
      usage: { output_tokens: 30, output_tokens_details: { thinking_tokens: 20 } },
    },
  },
  {
    name: 'reasoning (vLLM field name): openai → anthropic thinking block',
    upstream: 'openai',
    client: 'anthropic',
    answer: OA_ANSWER({ content: 'Answer.', reasoning: 'Pondering.' }, 'stop'),
    expected: {
      content: [
        { type: 'thinking', thinking: 'Pondering.' },
        { type: 'text', text: 'Answer.' },
      ],
    },
  },
  {
    name: 'thought parts with a signature: gemini → openai reasoning_content (the signature stays with Gemini)',
    upstream: 'gemini',
    client: 'openai',
    answer: GE_ANSWER([{ text: 'pondering', thought: true, thoughtSignature: 'c2lnbg==' }, { text: 'Answer.' }], 'STOP'),
    expected: oaChoice({ content: 'Answer.', reasoning_content: 'pondering' }, 'stop'),
  },
  {
    name: 'thought parts with a signature: gemini → anthropic, the signature carried inside the issuer-named one',
    upstream: 'gemini',
    client: 'anthropic',
    answer: GE_ANSWER([{ text: 'pondering', thought: true, thoughtSignature: 'c2lnbg==' }, { text: 'Answer.' }], 'STOP'),
    expected: { content: [{ type: 'thinking', thinking: 'pondering', signature: 'th1_gemini_c2lnbg==' }, { type: 'text' }] },
  },
  // ---- stop sequences
  {
    name: 'stop_sequence: anthropic → openai finish_reason stop',
    upstream: 'anthropic',
    client: 'openai',
    answer: { ...AN_ANSWER([{ type: 'text', text: 'Count: 1, 2' }], 'stop_sequence'), stop_sequence: '3' },
    expected: oaChoice({ content: 'Count: 1, 2' }, 'stop'),
  },
  {
    name: 'stop_reason (vLLM names the matched stop string): openai → anthropic stop_reason stop_sequence + stop_sequence',
    upstream: 'openai',
    client: 'anthropic',
    answer: {
      ...OA_ANSWER({ content: 'Count: 1, 2' }, 'stop'),
      choices: [{ index: 0, message: { role: 'assistant', content: 'Count: 1, 2' }, finish_reason: 'stop', stop_reason: '3' }],
    },
    expected: { stop_reason: 'stop_sequence', stop_sequence: '3' },
  },
  {
    name: 'stop without a named sequence: openai → anthropic end_turn, stop_sequence null',
    upstream: 'openai',
    client: 'anthropic',
    answer: OA_ANSWER({ content: 'Done.' }, 'stop'),
    expected: { stop_reason: 'end_turn', stop_sequence: null },
  },
]
