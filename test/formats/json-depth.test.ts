// The nesting limit on JSON text: found in one pass, named by its path, never fooled by strings.
import { describe, expect, test } from 'bun:test'
import { MAX_JSON_DEPTH, tooDeepPath } from '../../src/formats/json-depth'
import { parseJsonBody } from '../../src/formats/validate'
import { GatewayError } from '../../src/errors'

const nested = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels)

describe('tooDeepPath', () => {
  test('nesting up to the limit passes; one level more is named by the path to it', () => {
    expect(tooDeepPath(nested(MAX_JSON_DEPTH))).toBeNull()
    expect(tooDeepPath(`{"a":${nested(MAX_JSON_DEPTH - 1)}}`)).toBeNull()
    expect(tooDeepPath(`{"a":${nested(MAX_JSON_DEPTH)}}`)).toBe(`a${'[0]'.repeat(MAX_JSON_DEPTH - 1)}`)
    expect(tooDeepPath('{"a":[[[1]]]}', 3)).toBe('a[0][0]')
  })

  test('the path follows keys and indices as a schema error names them', () => {
    const text = '{"model":"m","messages":[{"role":"user"},{"content":[1,{"x y":[[2]]}]}]}'
    expect(tooDeepPath(text, 6)).toBe('messages[1].content[1]["x y"][0]')
    expect(tooDeepPath(text, 7)).toBeNull()
  })

  test('brackets, quotes and escapes inside strings do not count', () => {
    expect(tooDeepPath(`{"a":"${'['.repeat(500)}\\"${'{'.repeat(500)}"}`, 2)).toBeNull()
    expect(tooDeepPath('{"k\\"[":{"v":[1]}}', 2)).toBe('["k\\"["].v')
  })

  test('10⁵ levels are found without recursion, whatever the JSON around them', () => {
    expect(tooDeepPath(nested(100_000))).toBe('[0]'.repeat(MAX_JSON_DEPTH))
    expect(tooDeepPath(`{"tools":[{"function":{"parameters":${nested(100_000)}}}]}`)).toStartWith('tools[0].function.parameters[0]')
  })
})

describe('parseJsonBody', () => {
  test('a body nested beyond the limit is 400 invalid_body naming the field, before it is parsed', () => {
    const error = (() => {
      try {
        parseJsonBody(`{"model":"m","x":${nested(100_000)}}`)
      } catch (e) {
        return e as GatewayError
      }
    })()
    expect(error).toBeInstanceOf(GatewayError)
    expect(error!.code).toBe('invalid_body')
    expect(error!.param).toStartWith('x[0][0]')
    expect(parseJsonBody(`{"x":${nested(10)}}`)).toEqual({ x: JSON.parse(nested(10)) })
  })
})
