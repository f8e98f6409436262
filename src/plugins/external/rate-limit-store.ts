import { LRUCache } from 'lru-cache'

type Callback = (error: Error | null, result?: { current: number, ttl: number }) => void

interface Counter {
  count: number
  startedAt: number
}

// Clients, subjects and failing IPs together, across all three budgets.
const ENTRIES = 50_000

/**
 * An in-memory store for @fastify/rate-limit, through its documented custom-store interface
 * (a class constructed with the plugin's options, with incr and child):
 * - It answers with a copy of the counter: the plugin reads the answer after an await, so a
 *   live object would show requests counted in the same tick all the final count (a burst of
 *   50 failures against a budget of 30 was 50 times "exceeded" instead of 30 within it).
 * - Its children (one per route with its own budget, one per `createRateLimit`) share its
 *   counters, so the write budget is one per subject across all write routes, not one per
 *   route. The budgets' keys never collide: an IP, `write:<subject>`, `auth-failure:<IP>`.
 */
export class SharedCounterStore {
  readonly #counters: LRUCache<string, Counter>

  constructor (_options?: unknown, counters = new LRUCache<string, Counter>({ max: ENTRIES })) {
    this.#counters = counters
  }

  incr (key: string, callback: Callback, timeWindow: number): void {
    const now = Date.now()
    let counter = this.#counters.get(key)
    if (counter === undefined || counter.startedAt + timeWindow <= now) {
      counter = { count: 0, startedAt: now }
      this.#counters.set(key, counter)
    }
    counter.count++
    callback(null, { current: counter.count, ttl: counter.startedAt + timeWindow - now })
  }

  child (): SharedCounterStore {
    return new SharedCounterStore(undefined, this.#counters)
  }
}
