// Limiter figures for the closing note: bytes per key window (60 and 10,000 RPM) and ns per check.
// Run: node_modules/.bin/bun run bench/limiter.ts
import { heapStats } from 'bun:jsc'
import { ManualClock, systemClock } from '../src/clock'
import { RateWindow } from '../src/limits/rate-window'
import { SlidingWindowLimiter } from '../src/limits/sliding-window-limiter'

/** Bytes the JS heap holds after a full collection (heapSize includes typed-array stores). */
function heapBytes(): number {
  Bun.gc(true)
  return heapStats().heapSize
}

/**
 * What the limiter keeps per active key: a Map entry (id → window), the window object and its
 * ring buffer, filled to the limit (the worst case: the key used every slot this minute).
 */
function bytesPerKey(limit: number, keys: number): number {
  const clock = new ManualClock()
  const before = heapBytes()
  const map = new Map<string, RateWindow>()
  for (let k = 0; k < keys; k++) {
    const window = new RateWindow(limit)
    for (let i = 0; i < limit; i++) window.take(clock.now() + i)
    map.set(`key_${String(k).padStart(16, '0')}`, window)
  }
  const after = heapBytes()
  if (map.size !== keys) throw new Error('unreachable')
  return (after - before) / keys
}

function nsPerCheck(keys: number, accounts: number, n: number): number {
  const limiter = new SlidingWindowLimiter(systemClock)
  const subjects = Array.from({ length: keys }, (_, i) => ({
    keyId: `key_${i}`,
    keyRpm: 60,
    accountId: `acct_${i % accounts}`,
    accountRpm: 600,
  }))
  for (let i = 0; i < 100_000; i++) limiter.check(subjects[i % keys]!) // warm up
  const started = Bun.nanoseconds()
  for (let i = 0; i < n; i++) limiter.check(subjects[i % keys]!)
  return (Bun.nanoseconds() - started) / n
}

function nsPerPeek(keys: number, n: number): number {
  const limiter = new SlidingWindowLimiter(systemClock)
  const subjects = Array.from({ length: keys }, (_, i) => ({ keyId: `key_${i}`, keyRpm: 60, accountId: `acct_${i % 10}`, accountRpm: 600 }))
  for (const s of subjects) limiter.check(s)
  const started = Bun.nanoseconds()
  for (let i = 0; i < n; i++) limiter.peek(subjects[i % keys]!)
  return (Bun.nanoseconds() - started) / n
}

const perKey60 = bytesPerKey(60, 20_000)
const perKey10k = bytesPerKey(10_000, 200)
console.log(
  `memory per key window, full: 60 RPM ≈ ${Math.round(perKey60)} B (buffer 480 B); 10,000 RPM ≈ ${Math.round(perKey10k)} B (buffer 80,000 B)`,
)
const idle = new RateWindow(10_000)
console.log(`a 10,000-RPM key that sent fewer than 8 requests this minute holds a ${idle.bufferBytes} B buffer`)
for (const keys of [1, 1_000, 100_000]) {
  console.log(`check (key + account windows), ${keys} keys: ${nsPerCheck(keys, Math.max(1, keys / 10), 2_000_000).toFixed(0)} ns/op`)
}
console.log(`peek, 1,000 keys: ${nsPerPeek(1_000, 2_000_000).toFixed(0)} ns/op`)
