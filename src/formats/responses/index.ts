// The Responses client format: OpenAI's Responses API in, Responses out.
import type { ClientFormat } from '../types'
import { parseResponsesRequest } from './request'
import { encodeResponses } from './response'
import { responsesStreamEncoder } from './stream'

export const responsesFormat: ClientFormat = {
  name: 'responses',
  parseChat: parseResponsesRequest,
  encodeChat: encodeResponses,
  streamEncoder: responsesStreamEncoder,
}
