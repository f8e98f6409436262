// The test services (test/helpers/services.ts, scripts/test-postgres.ts): only "nothing listens"
// may skip; a service that answers and refuses the tests is a configuration error that fails,
// and names the variable to fix.
import t from 'tap'
import { runTsSync } from './helpers/process.js'
import { postgresUrl, probePostgres, probeRedis, redisUrl, ServiceConfigError, testPostgres, testRedis } from './helpers/services.js'

const NOBODY = 'postgres://postgres@127.0.0.1:1/test'

/** A stand-in for a test that records the plan a helper sets. */
function recorder (): { plan: (count: number, comment?: string) => void, teardown: () => void, planned: () => string | undefined } {
  let comment: string | undefined
  return { plan: (_count, text) => { comment = text }, teardown: () => {}, planned: () => comment }
}

async function withCi<T> (value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const before = process.env.CI
  if (value === undefined) delete process.env.CI
  else process.env.CI = value
  try {
    return await fn()
  } finally {
    if (before === undefined) delete process.env.CI
    else process.env.CI = before
  }
}

// The services at their defaults (TEST_POSTGRES_URL / TEST_REDIS_URL), there to refuse a wrong login.
const postgresDown = await probePostgres()
const redisDown = await probeRedis()
const noPostgres = postgresDown !== null && `PostgreSQL not reachable (${postgresDown}): nothing to refuse a login`
const noRedis = redisDown !== null && `Redis not reachable (${redisDown}): nothing to refuse a login`

t.test('nothing listening: skipped with a line that says what and how to run it, or a failure on CI', async (t) => {
  const test = recorder()
  t.equal(await withCi(undefined, () => postgresUrl(test, testPostgres(NOBODY))), null)
  t.match(test.planned(), /^PostgreSQL: nothing listens at 127\.0\.0\.1:1 \(ECONNREFUSED\), so its tests were SKIPPED\. To run them, start PostgreSQL there or set TEST_POSTGRES_URL/)
  await t.rejects(withCi('true', () => postgresUrl(recorder(), testPostgres(NOBODY))), /^TEST_POSTGRES_URL: PostgreSQL not reachable at 127\.0\.0\.1:1 \(ECONNREFUSED\)/)
  const redis = recorder()
  t.equal(await withCi(undefined, () => redisUrl(redis, testRedis('redis://127.0.0.1:2'))), null)
  t.match(redis.planned(), /^Redis: nothing listens at 127\.0\.0\.1:2 \(ECONNREFUSED\).*set TEST_REDIS_URL/)
})

t.test('PostgreSQL refusing the login (a role that does not exist) fails, with or without CI', { skip: noPostgres }, async (t) => {
  const service = testPostgres('postgres://no_such_role:hunter2@127.0.0.1:5432/test')
  for (const ci of [undefined, 'true']) {
    const error = await withCi(ci, () => postgresUrl(recorder(), service)).catch((error: unknown) => error)
    t.type(error, ServiceConfigError, `CI=${ci}: a failure, not a skip`)
    t.match((error as Error).message, /^TEST_POSTGRES_URL \(postgres:\/\/no_such_role:\*\*\*@127\.0\.0\.1:5432\/test\): PostgreSQL answered but refused the tests: 28000 role "no_such_role" does not exist/)
    t.notMatch((error as Error).message, /hunter2/, 'the password is masked')
  }
  await t.rejects(probePostgres(testPostgres('postgres://postgres@127.0.0.1:5432/no_such_database')), /TEST_POSTGRES_URL .*3D000/, 'a database that does not exist')
})

t.test('Redis refusing the test connection (a wrong user, or not Redis at all) fails', { skip: noRedis }, async (t) => {
  await t.rejects(probeRedis(testRedis('redis://nobody:secret@127.0.0.1:6379')), /^TEST_REDIS_URL \(redis:\/\/nobody:\*\*\*@127\.0\.0\.1:6379\): Redis answered but refused the tests: .*(WRONGPASS|NOAUTH)/)
  if (postgresDown !== null) return
  await t.rejects(redisUrl(recorder(), testRedis('redis://127.0.0.1:5432')), ServiceConfigError, 'something listens there, but not Redis')
})

t.test('npm run test:postgres: a refused login fails naming the variable; nothing listening skips, except on CI', async (t) => {
  const script = 'scripts/test-postgres.ts'
  const down = { TEST_POSTGRES_URL: NOBODY, TEST_REDIS_URL: 'redis://127.0.0.1:2' }
  const skipped = runTsSync(script, [], down)
  t.equal(skipped.status, 0, skipped.stderr)
  t.match(skipped.stdout, /^SKIPPED: Redis: nothing listens at 127\.0\.0\.1:2 .*\nSKIPPED: PostgreSQL: nothing listens at 127\.0\.0\.1:1 .*HTTP suites on PostgreSQL/m)
  const ci = runTsSync(script, [], { ...down, CI: 'true' })
  t.equal(ci.status, 1)
  t.match(ci.stderr, /CI must run every test/)
  if (postgresDown !== null) return
  const refused = runTsSync(script, [], { ...down, TEST_POSTGRES_URL: 'postgres://no_such_role@127.0.0.1:5432/test' })
  t.equal(refused.status, 1, 'a configuration error is a failure')
  t.match(refused.stderr, /^TEST_POSTGRES_URL \(postgres:\/\/no_such_role@127\.0\.0\.1:5432\/test\): PostgreSQL answered but refused the tests: 28000/)
})
