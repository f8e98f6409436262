import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import type { Store } from '../types.js'
import { PgAuditRepository } from './audit-repository.js'
import type { PgContext } from './db.js'
import { translate } from './errors.js'
import { PgIdempotencyRepository } from './idempotency-repository.js'
import { migrateOnce } from './migrate.js'
import { PgProductRepository } from './product-repository.js'
import { PgRevocationRepository } from './revocation-repository.js'
import { RevocationWatch } from './revocation-watch.js'
import * as schema from './schema.js'
import { PgUserRepository } from './user-repository.js'

export interface PgStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number
  /** How long to wait for a connection before answering "unavailable" (default 2000 ms). */
  connectTimeoutMs?: number
  /** Server-side limit on one statement (default 5000 ms). */
  statementTimeoutMs?: number
  /** Shown in pg_stat_activity; the listener's connection gets "-listener" appended. */
  applicationName?: string
}

const PING_TIMEOUT_MS = 1000

function clientConfig (url: string, options: PgStoreOptions): pg.ClientConfig {
  const statementTimeout = options.statementTimeoutMs ?? 5000
  return {
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    statement_timeout: statementTimeout,
    lock_timeout: statementTimeout,
    // The client-side backstop for a server that stopped answering without closing the socket.
    query_timeout: statementTimeout + 1000,
    idle_in_transaction_session_timeout: 10_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: options.applicationName ?? 'store-api'
  }
}

/**
 * Opens the PostgreSQL database at `url`: applies the migrations (once, under an advisory
 * lock), starts watching revocations, and returns the repositories. Every "the database
 * cannot serve now" failure comes out of it as StoreUnavailable.
 */
export async function openPgStore (url: string, options: PgStoreOptions = {}): Promise<Store> {
  const config = clientConfig(url, options)
  let created: boolean
  try {
    created = await migrateOnce(config)
  } catch (error) {
    throw translate(error)
  }
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 })
  // An idle client whose server went away is dropped by the pool; the error must not crash us.
  pool.on('error', () => {})
  // A checked-out client has no pool listener: its connection dropping mid-transaction would
  // emit an unhandled 'error' and end the process; its query fails (StoreUnavailable) instead.
  pool.on('connect', (client) => client.on('error', () => {}))
  const watch = new RevocationWatch(pool, { ...config, statement_timeout: 0, query_timeout: 0, application_name: `${config.application_name}-listener` })
  try {
    await watch.start()
  } catch (error) {
    await watch.close()
    await pool.end()
    throw translate(error)
  }
  const context: PgContext = { pool, db: drizzle(pool, { schema }) }
  let closed = false
  return {
    created,
    products: new PgProductRepository(context),
    users: new PgUserRepository(context),
    revocations: new PgRevocationRepository(context, watch),
    audit: new PgAuditRepository(context),
    idempotency: new PgIdempotencyRepository(context),
    ping: () => ping(pool),
    async close () {
      if (closed) return
      closed = true
      await watch.close()
      await pool.end()
    }
  }
}

async function ping (pool: pg.Pool): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)
  })
  const query = pool.query({ text: 'SELECT 1', query_timeout: PING_TIMEOUT_MS } as pg.QueryConfig).then(() => true, () => false)
  try {
    return await Promise.race([query, timeout])
  } finally {
    clearTimeout(timer)
  }
}
