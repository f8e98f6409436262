import { and, eq, gte, lt } from 'drizzle-orm'
import { storedResult, toRecord } from '../query/idempotency-record.js'
import type { IdempotencyRecord, IdempotencyRepository, IdempotentResult, IdempotentWrite } from '../types.js'
import type { SqliteDb } from './db.js'
import { guard } from './errors.js'
import { idempotencyKeys } from './schema.js'

function matching (sub: string, key: string) {
  return and(eq(idempotencyKeys.sub, sub), eq(idempotencyKeys.key, key))
}

/** The live record of (sub, key); to be called inside a transaction when it decides a write. */
export function liveRecord (db: SqliteDb, sub: string, key: string, since: Date): IdempotencyRecord | null {
  const row = db.select().from(idempotencyKeys).where(and(matching(sub, key), gte(idempotencyKeys.createdAt, since))).get()
  return row ? toRecord(row) : null
}

/** Stores the write's result; called inside the write's own transaction. */
export function insertRecord (db: SqliteDb, write: IdempotentWrite, result: IdempotentResult): void {
  // A record past its retention may still be there until the next purge; it no longer counts.
  db.delete(idempotencyKeys).where(matching(write.sub, write.key)).run()
  db.insert(idempotencyKeys).values({
    sub: write.sub,
    key: write.key,
    requestHash: write.requestHash,
    result: storedResult(result),
    createdAt: write.now
  }).run()
}

export class SqliteIdempotencyRepository implements IdempotencyRepository {
  readonly #db: SqliteDb

  constructor (db: SqliteDb) {
    this.#db = db
  }

  async find (sub: string, key: string, since: Date): Promise<IdempotencyRecord | null> {
    return guard(() => liveRecord(this.#db, sub, key, since))
  }

  async purgeBefore (before: Date): Promise<number> {
    return guard(() => this.#db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before)).run().changes)
  }
}
