import { and, eq, gte, lt } from 'drizzle-orm'
import type { IdempotencyRecord, IdempotencyRepository, IdempotentWrite, StoredResponse } from '../types.js'
import type { SqliteDb } from './db.js'
import { guard } from './errors.js'
import { idempotencyKeys } from './schema.js'

type Row = typeof idempotencyKeys.$inferSelect

function toRecord (row: Row): IdempotencyRecord {
  return { requestHash: row.requestHash, response: { status: row.status, body: row.body, headers: row.headers }, createdAt: row.createdAt }
}

function matching (sub: string, key: string) {
  return and(eq(idempotencyKeys.sub, sub), eq(idempotencyKeys.key, key))
}

/** The live record of (sub, key); to be called inside a transaction when it decides a write. */
export function liveRecord (db: SqliteDb, sub: string, key: string, since: Date): IdempotencyRecord | null {
  const row = db.select().from(idempotencyKeys).where(and(matching(sub, key), gte(idempotencyKeys.createdAt, since))).get()
  return row ? toRecord(row) : null
}

/** Stores the write's response; called inside the write's own transaction. */
export function insertRecord<T> (db: SqliteDb, write: IdempotentWrite<T>, response: StoredResponse): void {
  // A record past its retention may still be there until the next purge; it no longer counts.
  db.delete(idempotencyKeys).where(matching(write.sub, write.key)).run()
  db.insert(idempotencyKeys).values({
    sub: write.sub,
    key: write.key,
    requestHash: write.requestHash,
    status: response.status,
    body: response.body,
    headers: response.headers,
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
