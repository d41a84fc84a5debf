// The translation table, feature group by group.
import { ANSWER_CASES } from './answers'
import { CONTENT_CASES } from './content'
import { MAPPING_ANSWER_CASES, MAPPING_CASES } from './mapping'
import { PARAMETER_CASES } from './parameters'
import { TOOL_CASES } from './tools'

export type { RequestCase, ResponseCase } from './types'
export const REQUEST_CASES = [...CONTENT_CASES, ...TOOL_CASES, ...PARAMETER_CASES, ...MAPPING_CASES]
export const RESPONSE_CASES = [...ANSWER_CASES, ...MAPPING_ANSWER_CASES]
