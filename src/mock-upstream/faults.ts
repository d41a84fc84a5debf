// Fault modes of the mock upstream, chosen by model name, request metadata or a header.

export type FaultMode =
  | { kind: 'none' }
  | { kind: 'status'; status: 400 | 401 | 429 | 500 | 503 }
  | { kind: 'timeout' }
  | { kind: 'malformed' }
  | { kind: 'error200' }
  | { kind: 'cut' }
  | { kind: 'reset' }
  | { kind: 'nousage' }
  | { kind: 'slow'; firstByteMs: number }
  | { kind: 'drip'; chunkMs: number }

/**
 * Reads the fault from, in order: the `x-mock-fault` header, `metadata.mock_fault` in the body,
 * or a model named `mock-fault-<mode>` (e.g. `mock-fault-500`, `mock-fault-slow-300`,
 * `mock-fault-drip-50`). Anything else is a normal answer.
 */
export function faultOf(headers: Headers, body: Record<string, unknown>, model: string): FaultMode {
  const metadata = body.metadata as Record<string, unknown> | undefined
  const named = /^mock-fault-(.+)$/.exec(model)?.[1]
  const spec = headers.get('x-mock-fault') ?? (typeof metadata?.mock_fault === 'string' ? metadata.mock_fault : undefined) ?? named
  return spec ? parseFault(spec) : { kind: 'none' }
}

export function parseFault(spec: string): FaultMode {
  const [name, arg] = spec.split('-') as [string, string | undefined]
  switch (name) {
    case '400':
    case '401':
    case '429':
    case '500':
    case '503':
      return { kind: 'status', status: Number(name) as 400 | 401 | 429 | 500 | 503 }
    case 'timeout':
    case 'malformed':
    case 'error200':
    case 'cut':
    case 'reset':
    case 'nousage':
      return { kind: name }
    case 'slow':
      return { kind: 'slow', firstByteMs: Number(arg ?? 1500) }
    case 'drip':
      return { kind: 'drip', chunkMs: Number(arg ?? 20) }
    default:
      return { kind: 'none' }
  }
}

/** The error body each status fault answers with, in OpenAI's shape (Anthropic's has its own). */
export const FAULT_MESSAGES: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'mock: the request was rejected by the content policy' },
  401: { type: 'authentication_error', message: 'mock: invalid upstream API key' },
  429: { type: 'rate_limit_error', message: 'mock: rate limit reached, retry later' },
  500: { type: 'server_error', message: 'mock: internal server error' },
  503: { type: 'overloaded_error', message: 'mock: overloaded' },
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })
