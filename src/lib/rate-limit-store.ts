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

const ENTRIES = 20_000

function snapshot (callback: Callback): Callback {
  return (error, result) => callback(error, result && { current: result.current, ttl: result.ttl })
}

/**
 * @fastify/rate-limit's in-memory store, answering with a copy of the counter. The store
 * hands back its live counter object and the plugin reads it after an await, so requests
 * counted in the same tick all saw the final count: a burst of 50 failures against a budget
 * of 30 was 50 times "exceeded" instead of 30 within budget and 20 over it.
 */
export class SnapshotLocalStore implements Store {
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

  child (options: StoreOptions): SnapshotLocalStore {
    return new SnapshotLocalStore(options)
  }
}
