const RETENTION_MS = 24 * 60 * 60 * 1000

/** Idempotency records are replayed for 24 hours: this is when the oldest live one was written. */
export function idempotencyPurgeCutoff (now = Date.now()): Date {
  return new Date(now - RETENTION_MS)
}
