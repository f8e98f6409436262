import type { WindowCount } from '../../lib/redis-window.js'

type Callback = (error: Error | null, result?: WindowCount) => void

interface Counter {
  count: number
  startedAt: number
}

/** Where budgets are counted when they are shared by every replica (a RedisWindow). */
export interface SharedWindow {
  readonly available: boolean
  increment(key: string, windowMs: number): Promise<WindowCount>
}

export interface SharedBudgets {
  window: SharedWindow
  /** Called once when shared counting starts failing (until a count succeeds again). */
  onFallback(error: unknown): void
}

// Clients, subjects and failing IPs together, across all three budgets.
const ENTRIES = 50_000
// Dropped in batches: V8 keeps a deleted entry's slot until it rebuilds the table, so looking
// for the first live key at every eviction would walk all the earlier evictions again.
const EVICT_BATCH = 500

function dropOldest (counters: Map<string, Counter>): void {
  let left = EVICT_BATCH
  for (const key of counters.keys()) {
    counters.delete(key)
    if (--left === 0) return
  }
}

interface State {
  /** In the order their windows started: the first is the next to expire, and the one dropped when full. */
  counters: Map<string, Counter>
  shared: SharedBudgets | undefined
  failing: boolean
}

/**
 * A store for @fastify/rate-limit, through its documented custom-store interface (a class
 * constructed with the plugin's options, with incr and child):
 * - It answers with a copy of the counter: the plugin reads the answer after an await, so a
 *   live object would show requests counted in the same tick all the final count (a burst of
 *   50 failures against a budget of 30 was 50 times "exceeded" instead of 30 within it).
 * - Its children (one per route with its own budget, one per `createRateLimit`) share its
 *   counters, so the write budget is one per subject across all write routes, not one per
 *   route. The budgets' keys never collide: an IP, `write:<subject>`, `auth-failure:<IP>`.
 * - With shared budgets (REDIS_URL), it counts in Redis while Redis answers and locally
 *   (per process, fail open) while it does not. Not the plugin's built-in RedisStore: its
 *   child() namespaces keys per route, which would split the write budget per route, and it
 *   has no per-process fallback when Redis is down.
 */
export class SharedCounterStore {
  readonly #state: State

  constructor (_options?: unknown, state?: State) {
    this.#state = state ?? { counters: new Map(), shared: undefined, failing: false }
  }

  /**
   * The store class to give the plugin (its `store` option); with `shared`, budgets are
   * counted there while it answers. Every instance of the class shares one set of counters.
   */
  static sharing (shared: SharedBudgets | undefined): typeof SharedCounterStore {
    const state: State = { counters: new Map(), shared, failing: false }
    return class extends SharedCounterStore {
      constructor (options?: unknown) {
        super(options, state)
      }
    }
  }

  incr (key: string, callback: Callback, timeWindow: number): void {
    const shared = this.#state.shared
    if (shared === undefined || !shared.window.available) {
      callback(null, this.#countLocally(key, timeWindow))
      return
    }
    shared.window.increment(key, timeWindow).then((count) => {
      this.#state.failing = false
      callback(null, count)
    }, (error: unknown) => {
      if (!this.#state.failing) {
        this.#state.failing = true
        shared.onFallback(error)
      }
      callback(null, this.#countLocally(key, timeWindow))
    })
  }

  child (): SharedCounterStore {
    return new SharedCounterStore(undefined, this.#state)
  }

  // Fixed windows need no recency order (an LRU's costs every read a reordering): a window
  // that starts again moves to the end, and when full the oldest windows go first.
  #countLocally (key: string, timeWindow: number): WindowCount {
    const now = Date.now()
    const { counters } = this.#state
    let counter = counters.get(key)
    if (counter === undefined || counter.startedAt + timeWindow <= now) {
      if (counter !== undefined) counters.delete(key)
      else if (counters.size >= ENTRIES) dropOldest(counters)
      counter = { count: 0, startedAt: now }
      counters.set(key, counter)
    }
    counter.count++
    return { current: counter.count, ttl: counter.startedAt + timeWindow - now }
  }
}
