// Work that outlives its response (a stream's settlement and log row), awaited before shutdown.

/**
 * Tracks promises until they settle, so a graceful stop can wait for them: a stream's response
 * ends before its bill is committed and its log row pushed.
 */
export class PendingWork {
  private readonly pending = new Set<Promise<unknown>>()

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work)
    const done = () => this.pending.delete(work)
    work.then(done, done)
    return work
  }

  /** Resolves once everything tracked (including work tracked meanwhile) has settled. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  get size(): number {
    return this.pending.size
  }
}
