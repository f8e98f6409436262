import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import pg from 'pg'
import t, { type Test } from 'tap'
import { bearer, startApp, startIssuer } from '../helpers/app.js'
import { DEFAULT_POSTGRES_URL, postgresUrl, queryPostgres } from '../helpers/services.js'

/*
 * Outages on a real PostgreSQL answer 503 with Retry-After, never a 500 or a 200 that breaks:
 * a database closed to connections (55000), a table locked past lock_timeout (55P03/57014),
 * and a pool with no free connection ("timeout exceeded when trying to connect"). The export,
 * CSV and NDJSON alike, sends nothing until its first read has succeeded.
 */

const url = await postgresUrl(t)
const PRODUCT = { title: 'Lamp', price: '12.00', image: 'https://example.com/lamp.jpg' }
const maintenance = process.env.TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL

function unavailable (t: Test, res: LightMyRequestResponse, name: string): void {
  t.equal(res.statusCode, 503, `${name}: 503`, { body: res.body.slice(0, 200) })
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: a problem document`)
  t.ok(Number(res.headers['retry-after']) > 0, `${name}: Retry-After`)
  t.notMatch(res.body, /^id,title/, `${name}: no CSV header was sent`)
}

async function seeded (t: Test, env: Record<string, string>): Promise<FastifyInstance> {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { DATABASE_URL: url!, ...env })
  const created = await app.inject({ method: 'POST', url: '/products', headers: bearer(issuer.adminToken()), payload: PRODUCT })
  t.equal(created.statusCode, 201)
  return app
}

const READS = ['/products', '/products/1', '/products?sort=-price', '/products/changes', '/products/export?format=csv', '/products/export?format=ndjson']

if (url !== null) {
  const database = new URL(url).pathname.slice(1)

  t.test('a database not accepting connections (55000): every read is a 503, then 200 once it opens', async (t) => {
    const app = await seeded(t, {})
    await queryPostgres(maintenance, `ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`)
    t.teardown(() => queryPostgres(maintenance, `ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`))
    await queryPostgres(maintenance, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database])
    for (const path of READS) unavailable(t, await app.inject({ method: 'GET', url: path }), path)
    await queryPostgres(maintenance, `ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`)
    for (const path of READS) t.equal((await app.inject({ method: 'GET', url: path })).statusCode, 200, `${path}: 200 again`)
  })

  t.test('a locked table and an exhausted pool: the exports answer 503, not a 200 cut short', async (t) => {
    // One connection: a read waiting on the lock holds it, so the exports wait for the pool.
    const app = await seeded(t, { DATABASE_POOL_SIZE: '1' })
    const holder = new pg.Client({ connectionString: url })
    holder.on('error', () => {})
    await holder.connect()
    t.teardown(() => holder.end())
    await holder.query('BEGIN')
    await holder.query('LOCK TABLE products IN ACCESS EXCLUSIVE MODE')
    const blocked = app.inject({ method: 'GET', url: '/products/export?format=csv' })
    await new Promise((resolve) => setTimeout(resolve, 200))
    const [csv, ndjson] = await Promise.all([
      app.inject({ method: 'GET', url: '/products/export?format=csv' }),
      app.inject({ method: 'GET', url: '/products/export?format=ndjson' })
    ])
    unavailable(t, csv, 'CSV export waiting for the pool')
    unavailable(t, ndjson, 'NDJSON export waiting for the pool')
    unavailable(t, await blocked, 'CSV export waiting for the lock')
    await holder.query('ROLLBACK')
    const csvAgain = await app.inject({ method: 'GET', url: '/products/export?format=csv' })
    t.equal(csvAgain.statusCode, 200)
    t.match(csvAgain.body, /^id,title,price,image,createdAt,updatedAt\n1,Lamp,12.00,/, 'the whole CSV once the lock is gone')
  })
}
