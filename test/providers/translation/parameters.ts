// Translation cases: stop sequences, sampling, max tokens, user ids, parallel calls, streams, refusals.
import { AN, AN_TOOL, OA, OA_TOOL } from './builders'
import type { RequestCase } from './types'

export const PARAMETER_CASES: RequestCase[] = [
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
    wire: {
      model: 'up-model',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'Hi' }],
    },
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
  {
    name: 'untranslatable: openai logprobs → gemini',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ logprobs: true }),
    refuse: 'logprobs',
  },
  {
    // json_object and json_schema are mapped (structured-output cases); a shape OpenAI does not define is not.
    name: 'untranslatable: openai response_format of an unknown type → anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({ response_format: { type: 'grammar', grammar: 'root ::= "x"' } }),
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
    // enabled/adaptive/disabled are mapped (reasoning cases); a thinking type Anthropic does not define is not.
    name: 'untranslatable: anthropic thinking of an unknown type → openai',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ thinking: { type: 'telepathic' } }),
    refuse: 'thinking',
  },
  {
    name: 'untranslatable: anthropic mcp_servers → openai',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ mcp_servers: [{ type: 'url', url: 'https://mcp.example.com', name: 'x' }] }),
    refuse: 'mcp_servers',
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
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Sum up' },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } },
          ],
        },
      ],
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
