// The OpenAI client format: Chat Completions in, Chat Completions out.
import type { ClientFormat } from '../types'
import { parseOpenAIChat } from './request'
import { encodeOpenAIChat } from './response'
import { openAIStreamEncoder } from './stream'

export const openAIFormat: ClientFormat = {
  name: 'openai',
  parseChat: parseOpenAIChat,
  encodeChat: encodeOpenAIChat,
  streamEncoder: openAIStreamEncoder,
}

export { parseOpenAIEmbedding } from './request'
export { encodeOpenAIEmbeddings } from './response'
