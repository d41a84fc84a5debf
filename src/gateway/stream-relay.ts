// Relays an upstream stream to the client frame by frame, and keeps reading after the client leaves.
import { GatewayError, toGatewayError } from '../errors'
import type { StreamEncoder } from '../formats/types'
import type { FrameBatch, StreamFrame, Usage } from '../providers/types'

export interface StreamOutcome {
  /** What the upstream reported; null when it never did (a cut stream). */
  usage: Usage | null
  /** The prompt's classes as the upstream told them at the start, for a stream cut before its usage. */
  promptUsage: Usage | null
  /** Every text and tool-call piece relayed, for counting when the upstream reported nothing. */
  relayed: string[]
  /** The upstream reached its end normally. */
  completed: boolean
  error: GatewayError | null
  /** The client disconnected before the end (the upstream was still read to its end). */
  clientGone: boolean
}

export interface RelayOptions {
  /** Batches of frames: everything one upstream read carried (see readSse). */
  frames: AsyncIterator<FrameBatch>
  /** The first batch, already read (it decided the upstream was answering). */
  first: IteratorResult<FrameBatch>
  encoder: StreamEncoder
  onFirstByte(): void
  /**
   * Called exactly once, when the stream is over for good (billing and the log row). A stream that
   * completed gets its terminator only after this resolves, so a client that saw the end was
   * charged durably; an error it resolves with is sent instead of the terminator.
   */
  onEnd(outcome: StreamOutcome): Promise<GatewayError | null>
  /**
   * The stream ends by this many ms from now whatever the client does: a client that stops
   * reading without disconnecting would otherwise keep the request (and its hold) open forever,
   * since nothing pulls the upstream any more.
   */
  deadlineMs?: number
}

const utf8 = new TextEncoder()

/**
 * A pull-driven body: each client read pulls one upstream batch (all a network read carried) and
 * writes it in one piece, so nothing is held back and nothing is buffered beyond what the client
 * has not yet taken. If the client disconnects, the upstream is still read to its
 * end (bounded by the stream timeouts) so the usage it reports can be billed.
 */
export function relayStream(options: RelayOptions): ReadableStream<Uint8Array> {
  const { frames, encoder } = options
  const outcome: StreamOutcome = { usage: null, promptUsage: null, relayed: [], completed: false, error: null, clientGone: false }
  let pending: IteratorResult<FrameBatch> | null = options.first
  let inflight: Promise<IteratorResult<FrameBatch>> | null = null
  let firstByte = true
  let ended = false

  const observe = (batch: StreamFrame[]) => {
    for (const frame of batch) {
      for (const chunk of frame.chunks) {
        if (chunk.type === 'usage') outcome.usage = chunk.usage
        else if (chunk.type === 'text') outcome.relayed.push(chunk.text)
        else if (chunk.type === 'tool_call_delta') outcome.relayed.push(chunk.arguments)
        else if (chunk.type === 'tool_call_start') outcome.relayed.push(chunk.name)
        else if (chunk.type === 'start' && chunk.promptUsage) outcome.promptUsage = chunk.promptUsage
      }
    }
  }

  /** The only reader of `frames`: every frame read is observed before anyone sees it. */
  const read = (): Promise<IteratorResult<FrameBatch>> => {
    if (pending) {
      const next = pending
      pending = null
      if (!next.done) observe(next.value)
      return Promise.resolve(next)
    }
    inflight = frames.next().then((next) => {
      if (!next.done) observe(next.value)
      return next
    })
    return inflight
  }

  let deadline: ReturnType<typeof setTimeout> | undefined
  const end = async (): Promise<GatewayError | null> => {
    if (ended) return null
    ended = true
    clearTimeout(deadline)
    return options.onEnd(outcome)
  }
  /** The end of a complete stream: billed first, then the terminator (or why there is none). */
  const finish = async (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => {
    outcome.completed = true
    const failure = await end()
    controller.enqueue(utf8.encode(text + (failure ? encoder.error(failure) : encoder.end())))
    controller.close()
  }
  if (options.deadlineMs !== undefined) {
    deadline = setTimeout(() => {
      if (ended) return
      outcome.error = new GatewayError('upstream_timeout', `The stream did not finish within ${Math.round(options.deadlineMs! / 1000)} s.`)
      // Stops the upstream read if the generator is idle; a read in flight ends with its own timeout.
      frames.return?.(undefined)?.catch(() => {})
      void end()
    }, options.deadlineMs)
    deadline.unref?.()
  }

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Loop until something is sent: a frame this client should not see (e.g. a usage chunk
        // it did not ask for) must not end the pull without an enqueue, or the stream stalls.
        while (true) {
          if (ended && !outcome.clientGone) {
            // Ended by the deadline: the outcome is billed; tell the client and close.
            controller.enqueue(utf8.encode(encoder.error(outcome.error ?? new GatewayError('upstream_timeout', 'The stream timed out.'))))
            controller.close()
            return
          }
          const next = await read()
          if (outcome.clientGone) return
          if (ended) continue
          if (next.done) {
            await finish(controller, '')
            return
          }
          let text = ''
          for (const frame of next.value) text += encoder.frame(frame)
          if (next.value.last) {
            // The terminator came in this read: the stream ends in the same write, once billed.
            if (firstByte) options.onFirstByte()
            // Lets the upstream reader run its cleanup (timers, listeners, the body).
            frames.return?.(undefined)?.catch(() => {})
            await finish(controller, text)
            return
          }
          if (text === '') continue
          if (firstByte) {
            firstByte = false
            options.onFirstByte()
          }
          controller.enqueue(utf8.encode(text))
          return
        }
      } catch (thrown) {
        if (outcome.clientGone) return
        if (!ended) outcome.error = toGatewayError(thrown)
        try {
          controller.enqueue(utf8.encode(encoder.error(outcome.error ?? toGatewayError(thrown))))
          controller.close()
        } catch {
          // the client went away at the same moment: nothing to tell it
        }
        await end()
      }
    },
    async cancel() {
      if (ended) return
      outcome.clientGone = true
      try {
        if (inflight) await inflight
        while (true) {
          const next = await read()
          if (next.done) break
        }
        outcome.completed = true
      } catch (thrown) {
        outcome.error = toGatewayError(thrown)
      }
      await end()
    },
  })
}
