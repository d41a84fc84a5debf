// The Anthropic client format: Messages in, Messages out.
import type { ClientFormat } from '../types'
import { parseAnthropicMessages } from './request'
import { encodeAnthropicMessage } from './response'
import { anthropicStreamEncoder } from './stream'

export const anthropicFormat: ClientFormat = {
  name: 'anthropic',
  parseChat: parseAnthropicMessages,
  encodeChat: encodeAnthropicMessage,
  streamEncoder: anthropicStreamEncoder,
}
