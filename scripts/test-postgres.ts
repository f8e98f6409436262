/**
 * `npm run test:postgres`, the last step of `npm test`: the HTTP suites again, each app on a
 * fresh PostgreSQL database (TEST_DATABASE=postgres).
 *
 * A service that answers but refuses the tests (a wrong role, password or database in
 * TEST_POSTGRES_URL / TEST_REDIS_URL) fails, always. Where nothing listens it says plainly,
 * as the run's last lines, what was skipped and how to run it, and stops with success;
 * on CI (CI=true) nothing may be skipped, so that fails too.
 */
import { spawnSync } from 'node:child_process'
import { probePostgres, probeRedis, ServiceConfigError, type TestService, testPostgres, testRedis, unreachableMessage } from '../test/helpers/services.js'

// The suites that drive the app over HTTP; the others do not depend on the database behind it.
const HTTP_SUITES = [
  'auth/claims-fuzz', 'client/catalogue-story',
  'plugins/app/auth', 'plugins/external/metrics', 'plugins/external/swagger', 'plugins/external/swagger-ui',
  'routes/audit', 'routes/documented-headers', 'routes/health', 'routes/hostile-queries', 'routes/me', 'routes/logout', 'routes/admin-users',
  'routes/limits', 'routes/limits-cost',
  'routes/fuzz/any-route', 'routes/fuzz/hostile-classics', 'routes/fuzz/price-round-trip', 'routes/fuzz/refused-writes',
  'routes/products/bulk', 'routes/products/bulk-input', 'routes/products/conditional', 'routes/products/idempotency-key',
  'routes/products/list', 'routes/products/story'
].map((name) => `test/${name}.test.ts`)

/** Null when the service is there; the reason when nothing listens. Exits 1 on a configuration error. */
async function probe (service: TestService, check: (service: TestService) => Promise<string | null>): Promise<string | null> {
  try {
    return await check(service)
  } catch (error) {
    if (!(error instanceof ServiceConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
}

const postgres = testPostgres()
const redis = testRedis()
const skipped: string[] = []
const redisDown = await probe(redis, probeRedis)
if (redisDown !== null) skipped.push(unreachableMessage(redis, redisDown))
const postgresDown = await probe(postgres, probePostgres)
if (postgresDown !== null) {
  skipped.push(unreachableMessage(postgres, postgresDown) + ' That includes the HTTP suites on PostgreSQL (npm run test:postgres).')
}
if (skipped.length > 0 && process.env.CI === 'true') {
  process.stderr.write(`${skipped.join('\n')}\nCI must run every test: failing.\n`)
  process.exit(1)
}
let status = 0
if (postgresDown === null) {
  process.stdout.write(`The HTTP suites again, on PostgreSQL (${postgres.envName}):\n`)
  const run = spawnSync('npx', ['tap', '--disable-coverage', ...HTTP_SUITES], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE: 'postgres' }
  })
  status = run.status ?? 1
}
for (const line of skipped) process.stdout.write(`SKIPPED: ${line}\n`)
process.exit(status)
