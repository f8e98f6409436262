import { and, eq, gte, lt, sql } from 'drizzle-orm'
import { storedResult, toRecord } from '../query/idempotency-record.js'
import type { IdempotencyRecord, IdempotencyRepository, IdempotentResult, IdempotentWrite } from '../types.js'
import type { PgContext, PgDb } from './db.js'
import { guard } from './errors.js'
import { idempotencyKeys } from './schema.js'

const live = and(
  eq(idempotencyKeys.sub, sql.placeholder('sub')),
  eq(idempotencyKeys.key, sql.placeholder('key')),
  gte(idempotencyKeys.createdAt, sql.placeholder('since'))
)

const prepared = new WeakMap<PgDb, ReturnType<typeof prepareFind>>()

function prepareFind (db: PgDb) {
  return db.select().from(idempotencyKeys).where(live).prepare('idempotency_find')
}

/** The live record of (sub, key): not older than `since`. */
export async function findLiveRecord (db: PgDb, sub: string, key: string, since: Date): Promise<IdempotencyRecord | null> {
  let statement = prepared.get(db)
  if (!statement) {
    statement = prepareFind(db)
    prepared.set(db, statement)
  }
  const find = statement
  const [row] = await guard(() => find.execute({ sub, key, since: since.getTime() }))
  return row ? toRecord({ ...row, createdAt: new Date(row.createdAt) }) : null
}

/**
 * Inserts the record of `write` inside its transaction, after dropping an expired one.
 * False when (sub, key) already has a record: committed by another transaction, or
 * committed while this insert waited for it. The caller then rolls its write back.
 */
export async function insertRecord (tx: PgDb, write: IdempotentWrite, result: IdempotentResult): Promise<boolean> {
  const match = and(eq(idempotencyKeys.sub, write.sub), eq(idempotencyKeys.key, write.key))
  await tx.delete(idempotencyKeys).where(and(match, lt(idempotencyKeys.createdAt, write.since.getTime())))
  const inserted = await tx
    .insert(idempotencyKeys)
    .values({
      sub: write.sub,
      key: write.key,
      requestHash: write.requestHash,
      result: storedResult(result),
      createdAt: write.now.getTime()
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key })
  return inserted.length === 1
}

export class PgIdempotencyRepository implements IdempotencyRepository {
  readonly #context: PgContext

  constructor (context: PgContext) {
    this.#context = context
  }

  async find (sub: string, key: string, since: Date): Promise<IdempotencyRecord | null> {
    return findLiveRecord(this.#context.db, sub, key, since)
  }

  async purgeBefore (before: Date): Promise<number> {
    const result = await guard(() => this.#context.db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before.getTime())))
    return result.rowCount ?? 0
  }
}
