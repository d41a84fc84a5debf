// `token-hub mock-upstream`: the mock provider as a real HTTP server.
import { createMockUpstream } from '../mock-upstream/server'

export async function runMockUpstream(options: { port: number; host: string }): Promise<number> {
  const mock = createMockUpstream()
  const server = Bun.serve({ port: options.port, hostname: options.host, idleTimeout: 0, fetch: (request) => mock.fetch(request) })
  console.log(
    `mock upstream listening on http://${server.hostname}:${server.port} (OpenAI: /v1/chat/completions, /v1/embeddings, /v1/models; Anthropic: /v1/messages; Gemini: /v1beta/models/{model}:generateContent, :streamGenerateContent?alt=sse, :embedContent, :batchEmbedContents)`,
  )
  const stop = () => {
    server.stop(true)
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  return -1
}
