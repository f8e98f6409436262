import { createRequire } from 'node:module'

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void

interface Store {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void
  read(key: string, callback: Callback, timeWindow: number, max: number): void
}

interface StoreOptions {
  continueExceeding?: boolean
  exponentialBackoff?: boolean
}

const require = createRequire(import.meta.url)
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as new (continueExceeding?: boolean, exponentialBackoff?: boolean, cache?: number) => Store

// Clients, subjects and failing IPs together, across all three budgets.
const ENTRIES = 50_000

function snapshot (callback: Callback): Callback {
  return (error, result) => callback(error, result && { current: result.current, ttl: result.ttl })
}

/**
 * @fastify/rate-limit's in-memory store, with two changes:
 * - It answers with a copy of the counter. The store hands back its live counter object and
 *   the plugin reads it after an await, so requests counted in the same tick all saw the
 *   final count: a burst of 50 failures against a budget of 30 was 50 times "exceeded"
 *   instead of 30 within budget and 20 over it.
 * - Its children (one per route with its own budget, one per `createRateLimit`) share its
 *   counters, so the write budget is one per subject across all write routes, not one per
 *   route. The budgets' keys never collide: an IP, `write:<subject>`, `auth-failure:<IP>`.
 */
export class SharedLocalStore implements Store {
  readonly #inner: Store

  constructor (options: StoreOptions = {}) {
    this.#inner = new LocalStore(options.continueExceeding, options.exponentialBackoff, ENTRIES)
  }

  incr (key: string, callback: Callback, timeWindow: number, max: number): void {
    this.#inner.incr(key, snapshot(callback), timeWindow, max)
  }

  read (key: string, callback: Callback, timeWindow: number, max: number): void {
    this.#inner.read(key, snapshot(callback), timeWindow, max)
  }

  child (): SharedLocalStore {
    return this
  }
}
