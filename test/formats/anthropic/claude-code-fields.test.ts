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
      reasoning: { effort: 'medium' },
      untranslatable: [],
    },
    {
      name: 'effort max is the highest effort elsewhere',
      body: { output_config: { effort: 'max' } },
      reasoning: { effort: 'high' },
      untranslatable: [],
    },
    {
      name: 'adaptive thinking alone: the model decides, as by default',
      body: { thinking: { type: 'adaptive' } },
      reasoning: undefined,
      untranslatable: [],
    },
    {
      name: 'context_management is a hint: dropped',
      body: { context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] } },
      reasoning: undefined,
      untranslatable: [],
    },
    {
      name: 'output_config with more than an effort still cannot cross',
      body: { output_config: { effort: 'low', format: { type: 'json_schema', schema: {} } } },
      reasoning: undefined,
      untranslatable: ['output_config'],
    },
    {
      name: 'an unknown effort cannot cross',
      body: { output_config: { effort: 'ludicrous' } },
      reasoning: undefined,
      untranslatable: ['output_config'],
    },
    {
      name: 'thinking with a budget is still refused (no depth to map it to)',
      body: { thinking: { type: 'enabled', budget_tokens: 2048 } },
      reasoning: undefined,
      untranslatable: ['thinking'],
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

  test("an assistant's thinking blocks are dropped for another model, and bounded for the estimate", () => {
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
    expect(request.messages[1]!.content).toEqual([{ type: 'text', text: 'Hello.' }])
    expect((request.opaque ?? []).map((o) => o.path)).toEqual(['messages[1].content[0]', 'messages[1].content[1]'])
  })
})
