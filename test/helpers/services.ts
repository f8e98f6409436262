import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import pg from 'pg'

interface ServiceTest {
  teardown(fn: () => unknown): void
  plan(count: number, comment?: string): void
}

const CONNECT_TIMEOUT_MS = 1000
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

function where (url: string): string {
  const { hostname, port } = new URL(url)
  return `${hostname}:${port}`
}

/**
 * A service this test needs is down: on CI that is a failure; elsewhere the test is skipped
 * with a message saying what was tried and how to run it. Returns null for the caller to stop.
 */
function unreachable (t: ServiceTest, service: string, url: string, envName: string, cause: unknown): null {
  const message = `${service} not reachable at ${where(url)}: skipped the ${service} tests; start ${service} or set ${envName}`
  if (process.env.CI === 'true') {
    throw new Error(`${service} not reachable at ${where(url)} (${String(cause)}); CI must run the ${service} tests (set ${envName})`)
  }
  t.plan(0, message)
  return null
}

function uniqueName (prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`
}

async function connectPostgres (url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => {})
    throw error
  }
  return client
}

async function adminQuery (client: pg.Client, text: string): Promise<void> {
  try {
    await client.query(text)
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * The URL of a fresh, uniquely named PostgreSQL database (made from TEST_POSTGRES_URL), dropped
 * when the test ends; null when PostgreSQL is unreachable and the test was skipped.
 */
export async function postgresUrl (t: ServiceTest): Promise<string | null> {
  const base = process.env.TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL
  const name = uniqueName('store_test')
  let admin: pg.Client
  try {
    admin = await connectPostgres(base)
  } catch (error) {
    return unreachable(t, 'PostgreSQL', base, 'TEST_POSTGRES_URL', error)
  }
  // Anything but "unreachable" (no right to create databases, say) fails the test.
  await adminQuery(admin, `CREATE DATABASE "${name}"`)
  t.teardown(async () => adminQuery(await connectPostgres(base), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

/** Runs `text` on the database at `url` (for tests that poke at the server itself). */
export async function queryPostgres<R extends pg.QueryResultRow> (url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = await connectPostgres(url)
  try {
    return (await client.query<R>(text, values)).rows
  } finally {
    await client.end().catch(() => {})
  }
}

export interface RedisTarget {
  url: string
  /** Every key this test writes starts with it; they are deleted when the test ends. */
  prefix: string
}

async function deleteKeys (redis: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    if (keys.length > 0) await redis.del(...keys)
    cursor = next
  } while (cursor !== '0')
}

function connectRedis (url: string): Redis {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null })
  redis.on('error', () => {})
  return redis
}

/** A Redis URL (TEST_REDIS_URL) and a unique key prefix, flushed when the test ends; null when skipped. */
export async function redisUrl (t: ServiceTest): Promise<RedisTarget | null> {
  const url = process.env.TEST_REDIS_URL ?? DEFAULT_REDIS_URL
  const redis = connectRedis(url)
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    redis.disconnect()
    return unreachable(t, 'Redis', url, 'TEST_REDIS_URL', error)
  } finally {
    await redis.quit().catch(() => {})
  }
  const prefix = `${uniqueName('store-test')}:`
  t.teardown(async () => {
    const cleaner = connectRedis(url)
    try {
      await cleaner.connect()
      await deleteKeys(cleaner, prefix)
    } finally {
      await cleaner.quit().catch(() => cleaner.disconnect())
    }
  })
  return { url, prefix }
}

/**
 * The PostgreSQL adapter's openPgStore, loaded only once a test has reached PostgreSQL: where
 * the PostgreSQL tests are skipped, the adapter is then never loaded, so coverage measures what ran.
 */
export async function openPgStore (...args: Parameters<typeof import('../../src/store/pg/store.js').openPgStore>): ReturnType<typeof import('../../src/store/pg/store.js').openPgStore> {
  const adapter = await import('../../src/store/pg/store.js')
  return adapter.openPgStore(...args)
}
