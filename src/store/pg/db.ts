import { fillPlaceholders } from 'drizzle-orm'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import type pg from 'pg'
import { isRetryable, isUnavailable, translate } from './errors.js'
import * as schema from './schema.js'

/** Drizzle over the pool or over one transaction's client; `$client` runs the hand-written statements. */
export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool | pg.ClientBase }

// Pooled clients live long: one Drizzle instance each, not one per transaction.
const overClient = new WeakMap<pg.PoolClient, PgDb>()

function drizzleOver (client: pg.PoolClient): PgDb {
  let db = overClient.get(client)
  if (!db) {
    db = drizzle(client, { schema })
    overClient.set(client, db)
  }
  return db
}

export interface PgContext {
  pool: pg.Pool
  /** Drizzle over the pool: one-statement reads and writes, and the SQL of the named statements. */
  db: PgDb
}

/**
 * A query Drizzle built, run by pg itself as the named prepared statement `name`, its rows as
 * pg gives them (bigint as strings, keys the column names). Drizzle's own execute maps every
 * field of every row through its column classes, a cost the hot reads need not pay. A failure
 * is pg's own error, not Drizzle's wrapper with the SQL in its message: `guard()` translates it.
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

async function attempt<T> (pool: pg.Pool, work: (tx: PgDb) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  // A client whose connection failed is destroyed on release, never handed out again.
  let broken: Error | undefined
  try {
    await client.query('BEGIN')
    const result = await work(drizzleOver(client))
    await client.query('COMMIT')
    return result
  } catch (error) {
    if (isUnavailable(error)) broken = error as Error
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError
    })
    if (error instanceof Rollback) return error.value as T
    throw error
  } finally {
    client.release(broken)
  }
}

/**
 * Runs `work` in one transaction on one pooled client: committed when it returns, rolled
 * back when it throws (a thrown Rollback returns its value). A serialization failure or
 * deadlock is retried once; every "not now" failure comes out as StoreUnavailable.
 */
export async function transaction<T> (pool: pg.Pool, work: (tx: PgDb) => Promise<T>): Promise<T> {
  try {
    try {
      return await attempt(pool, work)
    } catch (error) {
      if (!isRetryable(error)) throw error
      return await attempt(pool, work)
    }
  } catch (error) {
    throw translate(error)
  }
}
