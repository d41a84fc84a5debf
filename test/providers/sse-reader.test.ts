// The SSE reader's size caps, at awkward read boundaries: exactly at a cap passes, one byte past fails and stops reading.
import { describe, expect, test } from 'bun:test'
import type { EventSourceMessage } from 'eventsource-parser'
import { readSse } from '../../src/providers/sse-reader'
import type { ReadCaps } from '../../src/providers/types'

const utf8 = new TextEncoder()

/** `text` delivered `pieceBytes` at a time, one network read each; counts what the reader pulled. */
function source(text: string, pieceBytes: number) {
  const bytes = utf8.encode(text)
  let offset = 0
  let cancelled = false
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= bytes.byteLength) return controller.close()
        controller.enqueue(bytes.slice(offset, offset + pieceBytes))
        offset += pieceBytes
      },
      cancel() {
        cancelled = true
      },
    },
    { highWaterMark: 0 },
  )
  return { body, pulled: () => Math.min(offset, bytes.byteLength), cancelled: () => cancelled }
}

async function readAll(body: ReadableStream<Uint8Array>, caps: ReadCaps) {
  const events: EventSourceMessage[] = []
  try {
    for await (const batch of readSse('up', body, { signal: new AbortController().signal, idleTimeoutMs: 60_000, caps })) {
      events.push(...batch)
    }
    return { events, error: null }
  } catch (error) {
    return { events, error: (error as Error).message }
  }
}

/** An event of exactly `bytes` bytes on the wire, `data: …` and its blank line included. */
const eventOf = (bytes: number, fill: string) => `data: ${fill.repeat(bytes - 'data: \n\n'.length)}\n\n`

const EVENT_CAP = 100
const SPLITS = [1, 3, 7, 64, 100, 101, 4096]

describe('max_stream_event_bytes', () => {
  test('events exactly as long as the cap pass, whatever the read boundaries', async () => {
    const text = ['a', 'b', 'c', 'd', 'e'].map((fill) => eventOf(EVENT_CAP, fill)).join('')
    for (const piece of SPLITS) {
      const { body } = source(text, piece)
      const read = await readAll(body, { responseBytes: 1 << 20, streamEventBytes: EVENT_CAP })
      expect({ piece, error: read.error, events: read.events.length }).toEqual({ piece, error: null, events: 5 })
    }
  })

  test('a line one byte past the cap fails after the events before it, and the read stops there', async () => {
    const before = eventOf(50, 'a') + eventOf(50, 'b')
    const text = `${before}data: ${'x'.repeat(100_000)}`
    for (const piece of SPLITS) {
      const reader = source(text, piece)
      const read = await readAll(reader.body, { responseBytes: 1 << 20, streamEventBytes: EVENT_CAP })
      expect({ piece, events: read.events.map((e) => e.data[0]) }).toEqual({ piece, events: ['a', 'b'] })
      expect(read.error).toBe(
        `Upstream provider 'up' sent a stream line or event longer than upstream.max_stream_event_bytes (${EVENT_CAP} bytes).`,
      )
      expect({ piece, cancelled: reader.cancelled(), stoppedNearCap: reader.pulled() <= before.length + EVENT_CAP + 2 * piece }).toEqual({
        piece,
        cancelled: true,
        stoppedNearCap: true,
      })
    }
  })

  test('an event of many short lines without its blank line counts whole', async () => {
    const reader = source(`data: x\n`.repeat(1000), 5)
    const read = await readAll(reader.body, { responseBytes: 1 << 20, streamEventBytes: EVENT_CAP })
    expect(read.error).toContain('upstream.max_stream_event_bytes')
    expect(reader.pulled()).toBeLessThan(EVENT_CAP + 10)
  })
})

describe('max_response_bytes over a stream', () => {
  test('a stream exactly at the cap ends normally; one byte more fails and stops reading', async () => {
    const exact = Array.from({ length: 10 }, () => eventOf(40, 'y')).join('')
    for (const piece of SPLITS) {
      const ok = await readAll(source(exact, piece).body, { responseBytes: exact.length, streamEventBytes: EVENT_CAP })
      expect({ piece, error: ok.error, events: ok.events.length }).toEqual({ piece, error: null, events: 10 })

      const reader = source(exact + eventOf(40, 'z').repeat(100), piece)
      const over = await readAll(reader.body, { responseBytes: exact.length, streamEventBytes: EVENT_CAP })
      // What the reads before the cap carried is still handed on.
      expect(over.events.slice(0, 10).map((e) => e.data[0])).toEqual(Array(10).fill('y'))
      expect(over.error).toBe(`Upstream provider 'up' sent a stream longer than upstream.max_response_bytes (${exact.length} bytes).`)
      expect({ piece, cancelled: reader.cancelled(), pulled: reader.pulled() <= exact.length + 2 * piece }).toEqual({
        piece,
        cancelled: true,
        pulled: true,
      })
    }
  })
})
