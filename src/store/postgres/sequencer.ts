// Per-account call order inside one instance: money operations of an account run one at a time, in the order called.
/**
 * Why: on SQLite every money decision is synchronous, so operations take effect in call order.
 * On Postgres each is a transaction; without an order here, 1,000 requests of one account would
 * hold 1,000 pooled connections waiting on the same row lock. Chained per account, an instance
 * sends one transaction per account at a time (instances still contend through the row lock).
 * `all` is a barrier over every account (a snapshot, a stop).
 */
export class AccountSequencer {
  private readonly tails = new Map<string, Promise<unknown>>()
  private barrier: Promise<unknown> = Promise.resolve()

  run<T>(accountIds: readonly string[], op: () => Promise<T>): Promise<T> {
    const prior = [this.barrier, ...accountIds.map((id) => this.tails.get(id)).filter((p) => p !== undefined)]
    const result = Promise.all(prior).then(op)
    const tail = result.catch(() => {})
    for (const id of accountIds) {
      this.tails.set(id, tail)
      void tail.then(() => {
        if (this.tails.get(id) === tail) this.tails.delete(id)
      })
    }
    return result
  }

  all<T>(op: () => Promise<T>): Promise<T> {
    const prior = [this.barrier, ...this.tails.values()]
    this.tails.clear()
    const result = Promise.all(prior).then(op)
    this.barrier = result.catch(() => {})
    return result
  }
}
