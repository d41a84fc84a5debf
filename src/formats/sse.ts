// The one SSE encoder: every `data:` frame and event block token-hub writes goes through here.

/** `data: <payload>\n\n` — an OpenAI-style frame. */
export const sseData = (data: string): string => `data: ${data}\n\n`

/** `event: <name>\ndata: <payload>\n\n` — an Anthropic-style event block. */
export const sseEvent = (event: string, data: string): string => `event: ${event}\ndata: ${data}\n\n`

/** OpenAI's stream terminator. */
export const SSE_DONE = 'data: [DONE]\n\n'

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const
