// The requests the bench sends: one short chat, non-streamed and streamed (usage asked for on both paths).
import { BENCH_MODEL } from './setup'

export type Kind = 'non-streaming' | 'streaming'

/**
 * The streamed body asks for usage itself, so the floor's upstream sends the same frames the
 * gateway's does (the gateway forces `include_usage` on every stream it bills).
 */
export function chatBody(kind: Kind, model = BENCH_MODEL): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Say hello to the benchmark in a few words.' }],
    max_tokens: 64,
    ...(kind === 'streaming' ? { stream: true, stream_options: { include_usage: true } } : {}),
  })
}

export const CHAT_PATH = '/v1/chat/completions'
