// The legacy Completions client format: a prompt in, `text_completion` out.
import type { ClientFormat } from '../types'
import { parseCompletions } from './request'
import { encodeCompletion } from './response'
import { completionsStreamEncoder } from './stream'

export const completionsFormat: ClientFormat = {
  name: 'completions',
  parseChat: parseCompletions,
  encodeChat: encodeCompletion,
  streamEncoder: completionsStreamEncoder,
}
