// Upstream SSE events → shared stream frames, a network read's worth at a time.
import type { EventSourceMessage } from 'eventsource-parser'
import type { FrameBatch, StreamFrame } from './types'

/** One provider's reading of its own stream, event by event (it may keep state across events). */
export interface StreamTranslator {
  /** The frame one event means; null when it means nothing; throws the contract error on an upstream failure. */
  event(message: EventSourceMessage): StreamFrame | null
  /** Set once the upstream's terminator was seen: nothing after it is read. */
  done: boolean
  /** Called when the body ends without a terminator: the closing frames, or throws if the stream was cut. */
  end(): StreamFrame[]
}

/**
 * Yields one batch of frames per batch of events (see readSse). Frames translated before a
 * failure in the same batch are yielded before the failure is thrown, so the client still gets
 * everything the upstream said before it failed, whatever the network reads were.
 */
export async function* frameBatches(
  batches: AsyncIterable<EventSourceMessage[]>,
  translator: StreamTranslator,
): AsyncGenerator<FrameBatch> {
  for await (const batch of batches) {
    const frames: FrameBatch = []
    try {
      for (const message of batch) {
        const frame = translator.event(message)
        if (frame) frames.push(frame)
        if (translator.done) break
      }
    } catch (error) {
      if (frames.length > 0) yield frames
      throw error
    }
    if (translator.done) {
      frames.last = true
      yield frames
      return
    }
    if (frames.length > 0) yield frames
  }
  const tail: FrameBatch = translator.end()
  tail.last = true
  yield tail
}
