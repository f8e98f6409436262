import { and, eq, lt } from 'drizzle-orm'
import { idempotencyKeys } from '../db/schema.js'
import type { IdempotencyClaim, IdempotencyRepository, StoredResponse } from './idempotency-repository.js'
import type { SqliteDb } from './sqlite-product-repository.js'

export class SqliteIdempotencyRepository implements IdempotencyRepository {
  readonly #db: SqliteDb

  constructor (db: SqliteDb) {
    this.#db = db
  }

  async claim (sub: string, key: string, requestHash: string, now: Date, since: Date): Promise<IdempotencyClaim> {
    const match = and(eq(idempotencyKeys.sub, sub), eq(idempotencyKeys.key, key))
    // IMMEDIATE takes the write lock first, so two processes racing on one key cannot both claim it.
    return this.#db.transaction((tx): IdempotencyClaim => {
      tx.delete(idempotencyKeys).where(and(match, lt(idempotencyKeys.createdAt, since))).run()
      const existing = tx.select().from(idempotencyKeys).where(match).get()
      if (!existing) {
        tx.insert(idempotencyKeys).values({ sub, key, requestHash, createdAt: now }).run()
        return { outcome: 'claimed' }
      }
      if (existing.requestHash !== requestHash) return { outcome: 'mismatch' }
      if (existing.status === null || existing.body === null) return { outcome: 'in-progress' }
      return { outcome: 'replay', response: { status: existing.status, body: existing.body, headers: existing.headers ?? {} } }
    }, { behavior: 'immediate' })
  }

  async complete (sub: string, key: string, response: StoredResponse): Promise<void> {
    this.#db
      .update(idempotencyKeys)
      .set({ status: response.status, body: response.body, headers: response.headers })
      .where(and(eq(idempotencyKeys.sub, sub), eq(idempotencyKeys.key, key)))
      .run()
  }

  async release (sub: string, key: string): Promise<void> {
    this.#db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.sub, sub), eq(idempotencyKeys.key, key))).run()
  }

  async purgeBefore (before: Date): Promise<number> {
    return this.#db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before)).run().changes
  }
}
