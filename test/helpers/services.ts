import { randomBytes } from 'node:crypto'
import { connect as tcpConnect } from 'node:net'
import { Redis } from 'ioredis'
import pg from 'pg'

interface ServiceTest {
  teardown(fn: () => unknown): void
  plan(count: number, comment?: string): void
}

const CONNECT_TIMEOUT_MS = 1000
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

/** A service the tests use, named by the variable that points at it. */
export interface TestService {
  name: 'PostgreSQL' | 'Redis'
  envName: 'TEST_POSTGRES_URL' | 'TEST_REDIS_URL'
  url: string
  defaultPort: number
}

export function testPostgres (url = process.env.TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL): TestService {
  return { name: 'PostgreSQL', envName: 'TEST_POSTGRES_URL', url, defaultPort: 5432 }
}

export function testRedis (url = process.env.TEST_REDIS_URL ?? DEFAULT_REDIS_URL): TestService {
  return { name: 'Redis', envName: 'TEST_REDIS_URL', url, defaultPort: 6379 }
}

/** The URL as it may be printed: any password masked. */
export function maskedUrl (url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(not a URL)'
  }
}

function address (service: TestService): { host: string, port: number } {
  const { hostname, port } = new URL(service.url)
  return { host: hostname.replace(/^\[(.*)\]$/, '$1'), port: port === '' ? service.defaultPort : Number(port) }
}

function where (service: TestService): string {
  const { host, port } = address(service)
  return `${host}:${port}`
}

/** The service answered but refused the test connection: a wrong role, password, database or URL. */
export class ServiceConfigError extends Error {
  constructor (service: TestService, cause: unknown) {
    super(`${service.envName} (${maskedUrl(service.url)}): ${service.name} answered but refused the tests: ${describe(cause)}. ` +
      `This is a configuration error, not an outage: fix ${service.envName} (or the server's roles and passwords).`)
    this.name = 'ServiceConfigError'
  }
}

function describe (error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && !error.message.includes(code) ? `${code} ${error.message}` : error.message
}

// What a TCP connect gives when nothing listens there: refused, no route, or no answer in time.
const NOTHING_LISTENS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ETIMEDOUT', 'EADDRNOTAVAIL'])

/**
 * Why nothing listens at the service's address (ECONNREFUSED, ...), or null when something
 * accepts a TCP connection there. Any other failure (a host name that does not resolve) is a
 * configuration error.
 */
export async function nothingListens (service: TestService): Promise<string | null> {
  const { host, port } = address(service)
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port, timeout: CONNECT_TIMEOUT_MS })
    socket.once('connect', () => {
      socket.destroy()
      resolve(null)
    })
    socket.once('timeout', () => {
      socket.destroy()
      resolve('ETIMEDOUT')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy()
      if (error.code !== undefined && NOTHING_LISTENS.has(error.code)) resolve(error.code)
      else reject(new ServiceConfigError(service, error))
    })
  })
}

/**
 * `connect` failed: when nothing listens at the service's address, the reason; otherwise the
 * service answered and refused us, and that is thrown as a configuration error, on CI or not.
 */
async function classify (service: TestService, error: unknown): Promise<string> {
  const reason = await nothingListens(service)
  if (reason === null) throw new ServiceConfigError(service, error)
  return reason
}

/** What an unreachable service means for the run, said once, the same way everywhere. */
export function unreachableMessage (service: TestService, reason: string): string {
  return `${service.name}: nothing listens at ${where(service)} (${reason}), so its tests were SKIPPED. ` +
    `To run them, start ${service.name} there or set ${service.envName}, and run npm test again ` +
    '(with CI=true an unreachable service fails the run).'
}

/**
 * A service this test needs is down: on CI that is a failure; elsewhere the test is skipped
 * with a message saying what was tried and how to run it. Returns null for the caller to stop.
 */
function unreachable (t: ServiceTest, service: TestService, reason: string): null {
  if (process.env.CI === 'true') {
    throw new Error(`${service.envName}: ${service.name} not reachable at ${where(service)} (${reason}); CI must run the ${service.name} tests`)
  }
  t.plan(0, unreachableMessage(service, reason))
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
 * A client connected as the tests connect, or the reason nothing listens at the service's
 * address; throws a ServiceConfigError when it answers but refuses.
 */
async function reachPostgres (service: TestService): Promise<{ client: pg.Client } | { reason: string }> {
  try {
    return { client: await connectPostgres(service.url) }
  } catch (error) {
    return { reason: await classify(service, error) }
  }
}

/**
 * The URL of a fresh, uniquely named PostgreSQL database (made from TEST_POSTGRES_URL), dropped
 * when the test ends; null when nothing listens there and the test was skipped.
 */
export async function postgresUrl (t: ServiceTest, service = testPostgres()): Promise<string | null> {
  const name = uniqueName('store_test')
  const reached = await reachPostgres(service)
  if ('reason' in reached) return unreachable(t, service, reached.reason)
  // No right to create databases is a configuration error too.
  await adminQuery(reached.client, `CREATE DATABASE "${name}"`).catch((error: unknown) => {
    throw new ServiceConfigError(service, error)
  })
  t.teardown(async () => adminQuery(await connectPostgres(service.url), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
  const url = new URL(service.url)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * Null when PostgreSQL accepts the test connection and a query, the reason when nothing listens
 * at TEST_POSTGRES_URL's address; throws a ServiceConfigError when it answers but refuses.
 */
export async function probePostgres (service = testPostgres()): Promise<string | null> {
  const reached = await reachPostgres(service)
  if ('reason' in reached) return reached.reason
  await adminQuery(reached.client, 'SELECT 1').catch((error: unknown) => {
    throw new ServiceConfigError(service, error)
  })
  return null
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

/**
 * Null when Redis answers PING on the test connection, the reason when nothing listens at
 * TEST_REDIS_URL's address; throws a ServiceConfigError when it answers but refuses (NOAUTH,
 * WRONGPASS, not Redis at all).
 */
export async function probeRedis (service = testRedis()): Promise<string | null> {
  const redis = connectRedis(service.url)
  // ioredis rejects with "Connection is closed."; the cause is the last error it emitted.
  let cause: unknown
  redis.on('error', (error) => { cause = error })
  try {
    await redis.connect()
    await redis.ping()
    return null
  } catch (error) {
    return await classify(service, cause ?? error)
  } finally {
    redis.disconnect()
  }
}

/** A Redis URL (TEST_REDIS_URL) and a unique key prefix, flushed when the test ends; null when skipped. */
export async function redisUrl (t: ServiceTest, service = testRedis()): Promise<RedisTarget | null> {
  const reason = await probeRedis(service)
  if (reason !== null) return unreachable(t, service, reason)
  const url = service.url
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
