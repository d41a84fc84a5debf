// What of Claude Code's request crosses to a translated model: adaptive thinking, output_config.effort, context_management, thinking blocks.
import { describe, expect, test } from 'bun:test'
import { parseAnthropicMessages } from '../../../src/formats/anthropic/request'
import { toOpenAIChatBody } from '../../../src/providers/openai-compatible/request'

const base = { model: 'gpt-x', max_tokens: 32000, messages: [{ role: 'user', content: 'Hi' }] }

describe("Claude Code's fields when the model is translated", () => {
  const table: Array<{ name: string; body: Record<string, unknown>; reasoning: unknown; untranslatable: string[] }> = [
    {
      name: 'adaptive thinking with output_config.effort: the effort crosses',
      body: { thinking: { type: 'adaptive', display: 'omitted' }, output_config: { effort: 'medium' } },
      // display: omitted asks for no thinking text back.
      reasoning: { effort: 'medium', summary: false },
      untranslatable: [],
    },
    {
      // The reasoning table (README): xhigh and max cross as they are; each target maps them to its most.
      name: 'effort max crosses as max',
      body: { output_config: { effort: 'max' } },
      reasoning: { effort: 'max' },
      untranslatable: [],
    },
    {
      name: 'adaptive thinking alone: the model decides, as by default (its thinking text wanted back)',
      body: { thinking: { type: 'adaptive' } },
      reasoning: { summary: true },
      untranslatable: [],
    },
    {
      name: 'context_management is a hint: dropped',
      body: { context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] } },
      reasoning: undefined,
      untranslatable: [],
    },
    {
      // Structured output crosses too now (issue 14): effort and format both map.
      name: 'output_config with an effort and a format crosses',
      body: { output_config: { effort: 'low', format: { type: 'json_schema', schema: {} } } },
      reasoning: { effort: 'low' },
      untranslatable: [],
    },
    {
      name: 'output_config with a key Anthropic has and no other format has cannot cross',
      body: { output_config: { effort: 'low', task_budget: { total: 1000 } } },
      reasoning: { effort: 'low' },
      untranslatable: ['output_config.task_budget'],
    },
    {
      name: 'an unknown effort cannot cross',
      body: { output_config: { effort: 'ludicrous' } },
      reasoning: undefined,
      untranslatable: ['output_config.effort'],
    },
    {
      // The reasoning table maps a budget to the effort it stands for, the budget kept for Gemini.
      name: 'thinking with a budget crosses as the effort it stands for',
      body: { thinking: { type: 'enabled', budget_tokens: 2048 } },
      reasoning: { effort: 'low', budgetTokens: 2048, summary: true },
      untranslatable: [],
    },
  ]
  for (const row of table) {
    test(row.name, () => {
      const request = parseAnthropicMessages({ ...base, ...row.body })
      expect(request.reasoning).toEqual(row.reasoning as never)
      expect(request.untranslatable).toEqual(row.untranslatable)
    })
  }

  test('the effort reaches an OpenAI-compatible upstream as reasoning_effort', () => {
    const request = parseAnthropicMessages({ ...base, thinking: { type: 'adaptive' }, output_config: { effort: 'high' } })
    expect(toOpenAIChatBody(request, 'mock-gpt')).toMatchObject({ reasoning_effort: 'high' })
  })

  test("an assistant's thinking blocks are carried to their issuer only (Claude's are left out for GPT), and bounded for the estimate", () => {
    const request = parseAnthropicMessages({
      ...base,
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'let me see', signature: 'c2ln' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'text', text: 'Hello.' },
          ],
        },
        { role: 'user', content: 'Again' },
      ],
    })
    expect(request.untranslatable).toEqual([])
    expect(request.messages[1]!.content).toEqual([
      { type: 'reasoning', text: 'let me see', signature: 'c2ln', issuer: 'anthropic' },
      { type: 'reasoning', text: '', redacted: 'opaque', issuer: 'anthropic' },
      { type: 'text', text: 'Hello.' },
    ])
    expect((request.opaque ?? []).map((o) => o.path)).toEqual(['messages[1].content[0]', 'messages[1].content[1]'])
    const sent = toOpenAIChatBody(request, 'mock-gpt') as { messages: Array<Record<string, unknown>> }
    expect(sent.messages[1]).toEqual({ role: 'assistant', content: 'Hello.' })
  })
})
