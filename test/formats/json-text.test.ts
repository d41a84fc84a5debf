// Setting a top-level field in a JSON text: the value replaced in place (or the field added first), every other byte kept.
import { describe, expect, test } from 'bun:test'
import { topLevelValueSpan, withTopLevelField } from '../../src/formats/json-text'

const CASES: Array<{ name: string; text: string; key: string; json: string; expected: string }> = [
  { name: 'replaces in place', text: '{"model": "a", "x": 1}', key: 'model', json: '"b"', expected: '{"model": "b", "x": 1}' },
  {
    name: 'a nested field of the same name is not the top-level one',
    text: '{"metadata": {"model": "in"}, "model" : "a" }',
    key: 'model',
    json: '"b"',
    expected: '{"metadata": {"model": "in"}, "model" : "b" }',
  },
  {
    name: 'brackets, braces, commas and escaped quotes inside strings are skipped',
    text: '{"messages":[{"content":"}], \\"model\\": \\"x\\", {"}],"stream":true,"model":"m"}',
    key: 'stream',
    json: 'false',
    expected: '{"messages":[{"content":"}], \\"model\\": \\"x\\", {"}],"stream":false,"model":"m"}',
  },
  { name: 'numbers and literals at the end', text: '{"a": -1.5e3 , "b":null}', key: 'a', json: '2', expected: '{"a": 2 , "b":null}' },
  { name: 'an absent field goes first', text: '{"a":1}', key: 'max_tokens', json: '5', expected: '{"max_tokens":5,"a":1}' },
  { name: 'into an empty object', text: ' { } ', key: 'max_tokens', json: '5', expected: ' {"max_tokens":5 } ' },
  {
    name: 'the last of duplicate keys, as JSON.parse keeps',
    text: '{"m":"a","m":"c"}',
    key: 'm',
    json: '"z"',
    expected: '{"m":"a","m":"z"}',
  },
  { name: 'a key written with escapes', text: '{"mod\\u0065l":"a"}', key: 'model', json: '"b"', expected: '{"mod\\u0065l":"b"}' },
  {
    name: 'objects and arrays as values',
    text: '{\n  "x": {"y": [1, {"z": "}"}]},\n  "n": 1\n}',
    key: 'x',
    json: '0',
    expected: '{\n  "x": 0,\n  "n": 1\n}',
  },
]

describe('withTopLevelField', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const out = withTopLevelField(c.text, c.key, c.json)
      expect(out).toBe(c.expected)
      // Still JSON, with the field set as JSON.parse reads it.
      expect((JSON.parse(out) as Record<string, unknown>)[c.key]).toEqual(JSON.parse(c.json))
    })
  }

  test('no span for a field the object lacks', () => {
    expect(topLevelValueSpan('{"a": {"b": 1}}', 'b')).toBeNull()
  })
})
