import t from 'tap'
import { startApp, startIssuer } from '../helpers/app.js'

t.test('health and readiness', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)

  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })

  const ready = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', database: 'ok', signingKeys: 'ok', sharedBudgets: 'off' })
  t.ok(ready.headers['x-request-id'], 'every response carries its request id')

  const echoed = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-123' } })
  t.equal(echoed.headers['x-request-id'], 'trace-123', 'a plain caller-supplied request id is kept')
  const replaced = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id\twith "quotes"' } })
  t.not(replaced.headers['x-request-id'], 'bad id\twith "quotes"', 'an unsafe one is replaced')

  // The database going away is what readiness exists to report.
  await app.store.close()
  const notReady = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(notReady.statusCode, 503)
  t.equal(notReady.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(notReady.json(), { status: 503, title: 'Service Unavailable' })
  const stillAlive = await app.inject({ method: 'GET', url: '/health' })
  t.equal(stillAlive.statusCode, 200, 'liveness does not depend on the database')
})

t.test('unknown routes and methods are problem+json 404s', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  for (const [method, url] of [['GET', '/nope'], ['DELETE', '/products'], ['GET', '/products/1/extra'], ['GET', '/%E0%A4%A']] as const) {
    const res = await app.inject({ method, url })
    t.ok(res.statusCode === 404 || res.statusCode === 400, `${method} ${url} is ${res.statusCode}`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.notMatch(res.body, /\n\s+at /, 'no stack trace')
  }
})

t.test('readiness reports whether the issuer\'s signing keys can be had', async (t) => {
  const issuer = await startIssuer(t)
  issuer.mode = { kind: 'down' }
  const app = await startApp(t, issuer, { JWKS_COOLDOWN_SECONDS: '0' })
  const down = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(down.statusCode, 503, 'no keys and an issuer that fails: not ready')
  t.match(down.json(), { status: 503, detail: /signing keys/ })

  issuer.mode = { kind: 'up' }
  const up = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(up.statusCode, 200)
  t.equal(up.json().signingKeys, 'ok')
  // A verified token puts its key in the cache.
  t.equal((await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${issuer.userToken()}` } })).statusCode, 200)

  issuer.mode = { kind: 'down' }
  const requestsBefore = issuer.jwksRequests
  const cached = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(cached.statusCode, 200, 'an issuer outage does not take the API out while keys are cached')
  t.equal(issuer.jwksRequests, requestsBefore, 'a recent successful fetch is enough: no fetch per probe')
})
