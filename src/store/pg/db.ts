import { fillPlaceholders } from 'drizzle-orm'
import type { NodePgDatabase, NodePgQueryResultHKT } from 'drizzle-orm/node-postgres'
import type { PgDatabase } from 'drizzle-orm/pg-core'
import type pg from 'pg'
import { isRetryable, translate } from './errors.js'
import type * as schema from './schema.js'

/** Drizzle over the pool, or inside one transaction. */
export type PgDb = PgDatabase<NodePgQueryResultHKT, typeof schema>

/** Drizzle over the pool; `$client` is the pool, for the named statements below. */
export type PgPoolDb = NodePgDatabase<typeof schema> & { $client: pg.Pool }

export interface PgContext {
  pool: pg.Pool
  /** Drizzle over the pool: one-statement reads and writes, transactions, and the SQL of the named statements. */
  db: PgPoolDb
}

/**
 * A query Drizzle built, run by pg itself as the named prepared statement `name`, its rows as
 * pg gives them (bigint as strings, keys the column names). Drizzle's execute maps every field
 * of every row through its column classes: about 5 µs a read, which this saves on the hot product
 * reads (bench/README.md, round seven, 51bf4c8). A failure is pg's own error: `guard()` translates it.
 */
export function namedStatement<Row extends pg.QueryResultRow> (pool: pg.Pool, name: string, query: { toSQL(): { sql: string, params: unknown[] } }) {
  const { sql: text, params } = query.toSQL()
  return async (values: Record<string, unknown>): Promise<Row[]> =>
    (await pool.query<Row>({ name, text, values: fillPlaceholders(params, values) })).rows
}

/** Thrown inside a transaction to roll it back and hand `value` to the caller as the result. */
export class Rollback<T> {
  constructor (readonly value: T) {}
}

// Drizzle wraps the driver's error in its own, with pg's as the cause.
const retryable = (error: unknown) => isRetryable(error) || isRetryable((error as { cause?: unknown } | null)?.cause)

async function attempt<T> (db: PgPoolDb, work: (tx: PgDb) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(work)
  } catch (error) {
    if (error instanceof Rollback) return error.value as T
    throw error
  }
}

/**
 * Runs `work` in one transaction (Drizzle's db.transaction): committed when it returns, rolled
 * back when it throws (a thrown Rollback returns its value). A serialization failure or deadlock
 * is retried once; every "not now" failure comes out as StoreUnavailable. A client whose
 * connection broke is not handed out again: pg-pool drops it on release.
 */
export async function transaction<T> (db: PgPoolDb, work: (tx: PgDb) => Promise<T>): Promise<T> {
  try {
    try {
      return await attempt(db, work)
    } catch (error) {
      if (!retryable(error)) throw error
      return await attempt(db, work)
    }
  } catch (error) {
    throw translate(error)
  }
}
