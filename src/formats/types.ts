// The contract of a client wire format: parse its requests, encode answers and streams in it.
import type { GatewayError } from '../errors'
import type { ChatRequest, ChatResponse, StreamFrame, WireFormat } from '../providers/types'

export interface StreamEncoderOptions {
  /** The model id the client asked for: every chunk carries it, whatever the upstream called it. */
  clientModel: string
  request: ChatRequest
  /** For ids of translated streams. */
  requestId: string
}

/** Encodes one answer stream in a client's format; one instance per response. */
export interface StreamEncoder {
  /** SSE text for one upstream frame ('' when it carries nothing this client should see). */
  frame(frame: StreamFrame): string
  /** SSE text that ends a complete stream. */
  end(): string
  /** SSE text that ends a stream that failed after it started. */
  error(error: GatewayError): string
}

/** What encoding a whole answer may need besides the answer: the request it answers, for echoes and ids. */
export interface EncodeOptions {
  request: ChatRequest
  requestId: string
}

export interface ClientFormat {
  readonly name: WireFormat
  /** `text` is the body's JSON text, for formats that relay it byte for byte to a same-format upstream. */
  parseChat(body: Record<string, unknown>, text?: string): ChatRequest
  encodeChat(response: ChatResponse, clientModel: string, options: EncodeOptions): string
  streamEncoder(options: StreamEncoderOptions): StreamEncoder
}
