import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { type ContractChecker, type ContractViolation, createContractChecker, loadCommittedSpec, readPayload, toOpenApiPath } from './contract.js'
import { TestIssuer } from './issuer.js'
import { postgresUrl } from './services.js'

interface Teardown {
  teardown(fn: () => unknown): void
  /** tap's test: the contract result is asserted on its parent, which is still running at teardown. */
  parent?: unknown
  name?: string
}

interface Asserter {
  same(found: unknown, wanted: unknown, message?: string, extra?: Record<string, unknown>): boolean
}

let contractChecker: ContractChecker | undefined
const MAX_RECORDED_VIOLATIONS = 50

/**
 * Checks every response `app` sends against the committed openapi/openapi.json (see
 * contract.ts) and, when the test ends, asserts that none violated it.
 */
function checkResponsesAgainstSpec (t: Teardown, app: FastifyInstance): void {
  contractChecker ??= createContractChecker(loadCommittedSpec())
  const check = contractChecker
  const violations: ContractViolation[] = []
  let checked = 0
  let dropped = 0
  app.addHook('onSend', async (request, reply, payload) => {
    try {
      const status = reply.statusCode
      const header = reply.getHeader('content-type')
      const contentType = header === undefined ? undefined : String(header)
      // Fastify strips the body (and, for 204/304, the content type) of these before sending.
      const bodiless = request.method === 'HEAD' || status === 204 || status === 304 || status < 200
      const read = bodiless ? { hasBody: false, body: undefined } : readPayload(payload, contentType)
      const template = request.routeOptions.url
      checked++
      const violation = check({
        method: request.method,
        path: template === undefined ? undefined : toOpenApiPath(template),
        status,
        contentType: status === 204 || status === 304 ? undefined : contentType,
        ...read,
        url: request.url.length > 200 ? `${request.url.slice(0, 200)}...` : request.url
      })
      if (violation) {
        if (violations.length < MAX_RECORDED_VIOLATIONS) violations.push(violation)
        else dropped++
      }
    } catch (error) {
      violations.push({ method: request.method, path: String(request.routeOptions.url), status: reply.statusCode, reason: `the contract check threw: ${String(error)}` })
    }
    return payload
  })
  // Registered before app.close's teardown, so it runs after it (teardowns run last-in, first-out).
  t.teardown(() => {
    const message = `contract${t.name ? ` (${t.name})` : ''}: the ${checked} responses match openapi/openapi.json`
    const found = dropped > 0 ? [...violations, `...and ${dropped} more`] : violations
    const parent = t.parent as Partial<Asserter> | undefined
    if (parent && typeof parent.same === 'function') {
      parent.same(found, [], message)
    } else if (found.length > 0) {
      throw new Error(`${message}: violations ${JSON.stringify(found, null, 2)}`)
    }
  })
}

/** The environment of an app that trusts `issuer`, as a production deployment would set it. */
export function issuerEnv (issuer: TestIssuer, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: ':memory:',
    AUTH0_ISSUER_BASE_URL: issuer.url,
    AUTH0_AUDIENCE: issuer.audience,
    // Suites make thousands of requests a minute; the rate-limit tests set their own budgets.
    RATE_LIMIT_READS: '1000000',
    RATE_LIMIT_WRITES: '1000000',
    RATE_LIMIT_AUTH_FAILURES: '1000000',
    ...env
  }
}

/**
 * With TEST_DATABASE=postgres (`npm run test:postgres`), every app a test starts without a
 * DATABASE_URL of its own gets a fresh PostgreSQL database, dropped when the test ends.
 */
async function freshPostgresDatabase (t: Teardown): Promise<string> {
  const url = await postgresUrl({ teardown: (fn) => t.teardown(fn), plan: () => {} })
  if (url === null) throw new Error('TEST_DATABASE=postgres, but PostgreSQL is not reachable (see TEST_POSTGRES_URL)')
  return url
}

/**
 * The real app (same buildApp and server options as `npm start`), closed when the test ends.
 * Every response it sends is checked against openapi/openapi.json; violations fail the test.
 */
export async function startApp (t: Teardown, issuer: TestIssuer, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const database: Record<string, string> = env.DATABASE_URL === undefined && process.env.TEST_DATABASE === 'postgres'
    ? { DATABASE_URL: await freshPostgresDatabase(t) }
    : {}
  const app = await buildApp(loadConfig(issuerEnv(issuer, { ...env, ...database })))
  // Hooks must be added before ready(); every test that uses startApp gets the contract check.
  checkResponsesAgainstSpec(t, app)
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/** A local issuer, closed when the test ends. */
export async function startIssuer (t: Teardown): Promise<TestIssuer> {
  const issuer = await TestIssuer.start()
  t.teardown(() => issuer.close())
  return issuer
}

export function bearer (token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}
