export interface StoredResponse {
  status: number
  body: string
  headers: Record<string, string>
}

export type IdempotencyClaim =
  | { outcome: 'claimed' }
  | { outcome: 'in-progress' }
  | { outcome: 'mismatch' }
  | { outcome: 'replay'; response: StoredResponse }

/** Idempotency-Key bookkeeping: the first response to a (subject, key) pair, kept for a while. */
export interface IdempotencyRepository {
  /**
   * Atomically claims the key for this request, unless it is already held: by a request
   * still running, by a different request, or by a finished one whose response is returned.
   * Records older than `since` are forgotten first.
   */
  claim(sub: string, key: string, requestHash: string, now: Date, since: Date): Promise<IdempotencyClaim>
  complete(sub: string, key: string, response: StoredResponse): Promise<void>
  /** Lets a key be used again after its first request failed without an answer worth keeping. */
  release(sub: string, key: string): Promise<void>
  purgeBefore(before: Date): Promise<number>
}
