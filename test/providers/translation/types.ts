// The shape of a translation case: client body → upstream wire, or upstream answer → client body.
import type { WireFormat } from '../../../src/providers/types'

export type Client = 'openai' | 'anthropic'
export type Body = Record<string, unknown>

export interface RequestCase {
  name: string
  client: Client
  upstream: WireFormat
  body: Body
  /** The upstream model id (Gemini's signature rules depend on it). */
  upstreamModel?: string
  /** Matched with toMatchObject (arrays must match in length). */
  wire?: Body
  /** Extra assertions on the wire body. */
  check?: (wire: Body) => void
  /** The request is refused with 400 invalid_body naming this param. */
  refuse?: string
}

export interface ResponseCase {
  name: string
  upstream: WireFormat
  client: Client
  answer: Body
  expected?: Body
  /** The answer cannot be translated: the gateway answers with this error code. */
  fails?: string
}
