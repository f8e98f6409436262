import { randomBytes } from 'node:crypto'
import pg from 'pg'
import t from 'tap'
import { isUnavailable, translate } from '../../../src/store/pg/errors.js'
import { StoreUnavailable } from '../../../src/store/types.js'
import { DEFAULT_POSTGRES_URL, postgresUrl, queryPostgres } from '../../helpers/services.js'

const withCode = (code: string) => Object.assign(new Error(`error ${code}`), { code })

t.test('every class that means "the database cannot serve now" becomes StoreUnavailable', async (t) => {
  const codes = [
    // 08 connection exception
    '08000', '08001', '08003', '08004', '08006', '08007', '08P01',
    // 53 insufficient resources: disk full, out of memory, too many connections
    '53000', '53100', '53200', '53300', '53400',
    // 55 object not in prerequisite state: "database is not currently accepting connections", lock_timeout
    '55000', '55006', '55P03',
    // 57 operator intervention: statement_timeout, shutdown, recovery, idle timeout
    '57000', '57014', '57P01', '57P02', '57P03', '57P04', '57P05',
    // 58 system error (I/O)
    '58000', '58030',
    // single states outside those classes
    '25006', '25P03', '40001', '40P01',
    // node-level socket errors
    'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL'
  ]
  for (const code of codes) {
    const translated = translate(withCode(code))
    t.ok(translated instanceof StoreUnavailable, code)
    t.equal((translated as StoreUnavailable).cause instanceof Error, true, `${code} keeps its cause`)
  }
  for (const message of ['timeout exceeded when trying to connect', 'Connection terminated unexpectedly', 'Connection terminated due to connection timeout', 'Query read timeout']) {
    t.ok(isUnavailable(new Error(message)), message)
  }
  t.ok(isUnavailable(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])), 'a dual-stack refusal')
  t.ok(isUnavailable(new Error('wrapped', { cause: withCode('55000') })), 'a cause')
})

t.test('errors about the request itself, or bugs, pass through unchanged', async (t) => {
  for (const code of ['22021', '22003', '22P02', '22007', '23505', '23514', '42P01', '42703', '42601', '0A000', 'XX000', '55', '5', '', 'E55000', '55000X']) {
    const error = withCode(code)
    t.equal(translate(error), error, JSON.stringify(code))
  }
  t.equal(translate('text'), 'text')
  t.equal(isUnavailable(null), false)
})

/** The error `work` fails with on a real server; fails the test if it succeeds. */
async function failure (work: () => Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await work()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected a failure')
}

async function client (target: string, config: pg.ClientConfig = {}): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: target, connectionTimeoutMillis: 2000, ...config })
  c.on('error', () => {})
  await c.connect()
  return c
}

// Its own subtest, so that an unreachable PostgreSQL skips only this part.
t.test('real outages, provoked on PostgreSQL, are StoreUnavailable', async (t) => {
  const url = await postgresUrl(t)
  if (url === null) return
  const database = new URL(url).pathname.slice(1)
  await queryPostgres(url, 'CREATE TABLE locked (x int)')
  const expect = (name: string, error: Error & { code?: string }, code?: string) => {
    if (code !== undefined) t.equal(error.code, code, `${name}: ${error.message}`)
    t.ok(translate(error) instanceof StoreUnavailable, `${name} (${error.code ?? error.message}) is StoreUnavailable`)
  }

  // 55P03: a lock that is not released within lock_timeout.
  const holder = await client(url)
  t.teardown(() => holder.end())
  await holder.query('BEGIN')
  await holder.query('LOCK TABLE locked IN ACCESS EXCLUSIVE MODE')
  const waiter = await client(url, { lock_timeout: 100 })
  expect('lock_timeout', await failure(() => waiter.query('SELECT * FROM locked')), '55P03')
  await waiter.end()

  // 57014: statement_timeout.
  const slow = await client(url, { statement_timeout: 100 })
  expect('statement_timeout', await failure(() => slow.query('SELECT pg_sleep(2)')), '57014')
  await slow.end()

  // 57P01: the backend terminated by an administrator mid-query.
  const victim = await client(url, { application_name: 'errors-victim' })
  const running = failure(() => victim.query('SELECT pg_sleep(10)'))
  await new Promise((resolve) => setTimeout(resolve, 200))
  await queryPostgres(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'errors-victim'")
  expect('terminated', await running, '57P01')
  await holder.query('ROLLBACK')

  // The pool's own timeout: every connection is taken.
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 100 })
  pool.on('error', () => {})
  const taken = await pool.connect()
  expect('pool timeout', await failure(() => pool.query('SELECT 1')))
  taken.release()
  await pool.end()

  // 53300: too many connections (a role allowed none; superusers are exempt from limits).
  const role = `store_test_role_${randomBytes(4).toString('hex')}`
  await queryPostgres(url, `CREATE ROLE ${role} LOGIN CONNECTION LIMIT 0`)
  t.teardown(() => queryPostgres(url, `DROP ROLE IF EXISTS ${role}`))
  const asRole = new URL(url)
  asRole.username = role
  expect('too many connections', await failure(() => client(asRole.toString())), '53300')

  // 55000: the database is not accepting connections.
  // Altered from the server's maintenance database: a database cannot close its own door.
  const maintenance = process.env.TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL
  await queryPostgres(maintenance, `ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`)
  t.teardown(() => queryPostgres(maintenance, `ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`))
  expect('not accepting connections', await failure(() => client(url)), '55000')

  // Node-level: nothing listens.
  expect('refused', await failure(() => client('postgres://postgres@127.0.0.1:1/x')))
})
