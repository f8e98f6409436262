/**
 * `npm run test:postgres`: the HTTP suites again, each app on a fresh PostgreSQL database
 * (TEST_DATABASE=postgres). Where PostgreSQL cannot be reached it says so and stops with
 * success, except on CI (CI=true), where nothing may be skipped.
 */
import { spawnSync } from 'node:child_process'
import pg from 'pg'
import { DEFAULT_POSTGRES_URL } from '../test/helpers/services.js'

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

async function reachable (url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (error) {
    return error
  } finally {
    await client.end().catch(() => {})
  }
}

const url = process.env.TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL
const { hostname, port } = new URL(url)
const failure = await reachable(url)
if (failure !== null) {
  const message = `PostgreSQL not reachable at ${hostname}:${port} (${String(failure)})`
  if (process.env.CI === 'true') {
    process.stderr.write(`${message}: CI must run the HTTP suites on PostgreSQL.\n`)
    process.exit(1)
  }
  process.stdout.write(`${message}: SKIPPED the HTTP suites on PostgreSQL. Start PostgreSQL (or set TEST_POSTGRES_URL) and run \`npm run test:postgres\`.\n`)
  process.exit(0)
}
process.stdout.write(`The HTTP suites again, on PostgreSQL at ${hostname}:${port}:\n`)
const run = spawnSync('npx', ['tap', '--disable-coverage', ...HTTP_SUITES], {
  stdio: 'inherit',
  env: { ...process.env, TEST_DATABASE: 'postgres' }
})
process.exit(run.status ?? 1)
