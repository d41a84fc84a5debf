// GatewayError: every failure the gateway answers, its status and type from one table (contract §5).

export const ERROR_TABLE = {
  invalid_json: { status: 400, type: 'invalid_request_error' },
  invalid_body: { status: 400, type: 'invalid_request_error' },
  context_length_exceeded: { status: 400, type: 'invalid_request_error' },
  missing_api_key: { status: 401, type: 'authentication_error' },
  invalid_api_key: { status: 401, type: 'authentication_error' },
  key_revoked: { status: 401, type: 'authentication_error' },
  key_expired: { status: 401, type: 'authentication_error' },
  insufficient_balance: { status: 402, type: 'billing_error' },
  key_budget_exceeded: { status: 402, type: 'billing_error' },
  model_not_allowed: { status: 403, type: 'permission_denied' },
  ip_not_allowed: { status: 403, type: 'permission_denied' },
  model_disabled: { status: 403, type: 'permission_denied' },
  forbidden: { status: 403, type: 'permission_denied' },
  model_not_found: { status: 404, type: 'not_found_error' },
  route_not_found: { status: 404, type: 'not_found_error' },
  not_found: { status: 404, type: 'not_found_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  // A WebSocket attempt on an HTTP-only route: Codex falls back to HTTP at once on a 426 (it retries a 404).
  websocket_unsupported: { status: 426, type: 'invalid_request_error' },
  conflict: { status: 409, type: 'invalid_request_error' },
  body_too_large: { status: 413, type: 'invalid_request_error' },
  key_rpm_exceeded: { status: 429, type: 'rate_limit_exceeded' },
  account_rpm_exceeded: { status: 429, type: 'rate_limit_exceeded' },
  upstream_rate_limited: { status: 429, type: 'rate_limit_exceeded' },
  upstream_error: { status: 502, type: 'upstream_error' },
  upstream_timeout: { status: 504, type: 'upstream_timeout' },
  store_unavailable: { status: 503, type: 'internal_server_error' },
  internal_error: { status: 500, type: 'internal_server_error' },
  unauthorized: { status: 401, type: 'authentication_error' },
  // dashboard, sessions and Stripe
  invalid_signature: { status: 400, type: 'invalid_request_error' },
  csrf_failed: { status: 403, type: 'permission_denied' },
  too_many_attempts: { status: 429, type: 'rate_limit_exceeded' },
  refund_not_allowed: { status: 409, type: 'invalid_request_error' },
  payment_provider_error: { status: 502, type: 'upstream_error' },
  payments_unavailable: { status: 503, type: 'service_unavailable' },
  storage_unavailable: { status: 503, type: 'service_unavailable' },
} as const satisfies Record<string, { status: number; type: string }>

export type ErrorCode = keyof typeof ERROR_TABLE | 'upstream_passthrough'

export interface GatewayErrorOptions {
  param?: string | null
  headers?: Record<string, string>
  /** Only for `upstream_passthrough`: the upstream's own status and error type. */
  status?: number
  type?: string
}

/** A failure with a contract code; thrown at the HTTP edge and rendered in one place. */
export class GatewayError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly type: string
  readonly param: string | null
  readonly headers: Record<string, string>

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message)
    this.name = 'GatewayError'
    this.code = code
    if (code === 'upstream_passthrough') {
      this.status = options.status ?? 400
      this.type = options.type ?? 'invalid_request_error'
    } else {
      this.status = ERROR_TABLE[code].status
      this.type = ERROR_TABLE[code].type
    }
    this.param = options.param ?? null
    this.headers = options.headers ?? {}
  }
}

export type ErrorFormat = 'openai' | 'anthropic'

/** The error body in the client's wire format. */
export function errorBody(error: GatewayError, format: ErrorFormat): string {
  if (format === 'anthropic') {
    return JSON.stringify({ type: 'error', error: { type: error.type, code: error.code, message: error.message } })
  }
  return JSON.stringify({ error: { type: error.type, code: error.code, message: error.message, param: error.param } })
}

export function errorResponse(error: GatewayError, format: ErrorFormat, extraHeaders?: Record<string, string>): Response {
  return new Response(errorBody(error, format), {
    status: error.status,
    headers: { 'content-type': 'application/json', ...error.headers, ...extraHeaders },
  })
}

/** Anything thrown that is not a GatewayError is a bug: it becomes a 500 without its stack. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error
  return new GatewayError('internal_error', 'Internal error; it has been logged with this request id.')
}
