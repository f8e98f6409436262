/** Runs a synchronous body inside one write transaction, committing when it returns. */
export type TransactionRunner = (body: () => void) => void

export type GroupCommit = <T>(write: () => T) => Promise<T>

interface Queued {
  write: () => unknown
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

// Bounds how long one commit holds the event loop and the write lock.
const MAX_BATCH = 256

/**
 * Group commit: writes that arrive in the same turn of the event loop share one transaction
 * and one COMMIT. SQLite writes every page a commit touches to the WAL, once per commit; a
 * product insert touches about ten (the table, its indexes, the audit log and its indexes), so
 * under load most of a write's cost is its commit, and sharing it multiplies writes per second
 * (2.6-2.9k -> 5.2-5.8k writes/s on `npm run bench`; bench/README.md, past micro-optimisations).
 * It runs on Drizzle's db.transaction(); what Drizzle lacks is only the batching across requests.
 *
 * Each write runs as its own savepoint (a nested transaction inside the batch), so one failing
 * write is rolled back alone and rejects alone; its neighbours commit. Nothing resolves before
 * the COMMIT has succeeded; if the COMMIT itself fails, every write of the batch rejects.
 */
export function createGroupCommit (inTransaction: TransactionRunner): GroupCommit {
  let queue: Queued[] = []
  let scheduled = false

  function flush (): void {
    scheduled = false
    const batch = queue.slice(0, MAX_BATCH)
    queue = queue.slice(MAX_BATCH)
    if (queue.length > 0) schedule()
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = []
    try {
      inTransaction(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: item.write() })
          } catch (error) {
            outcomes.push({ ok: false, error })
          }
        }
      })
    } catch (error) {
      for (const item of batch) item.reject(error)
      return
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!
      if (outcome.ok) item.resolve(outcome.value)
      else item.reject(outcome.error)
    })
  }

  function schedule (): void {
    scheduled = true
    // After this turn's I/O callbacks: every request parsed in this turn joins the batch.
    setImmediate(flush)
  }

  return <T>(write: () => T) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ write, resolve: resolve as (value: unknown) => void, reject })
      if (!scheduled) schedule()
    })
}
