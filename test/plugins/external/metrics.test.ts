import t from 'tap'
import { startApp, startIssuer } from '../../helpers/app.js'

const TOKEN = 'metrics-token-0123456789'

t.test('GET /metrics is off unless METRICS_TOKEN is set', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(response.statusCode, 404)
})

t.test('GET /metrics answers only the METRICS_TOKEN bearer, in Prometheus text', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { METRICS_TOKEN: TOKEN })
  for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Bearer ${TOKEN}x`, TOKEN]) {
    const refused = await app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} })
    t.equal(refused.statusCode, 401, `refused: ${String(authorization)}`)
    t.match(refused.headers['content-type'], /^application\/problem\+json/)
    t.notMatch(refused.body, /process_cpu/, 'no metric leaks')
  }
  t.equal((await app.inject({ method: 'GET', url: '/products' })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/products/999999' })).statusCode, 404)
  const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/plain/)
  t.match(response.body, /http_request_duration_seconds_bucket\{[^}]*method="GET"[^}]*route="\/products"[^}]*status_code="200"/, 'latency per route and status')
  t.match(response.body, /http_request_duration_seconds_count\{[^}]*route="\/products\/:id"[^}]*status_code="404"[^}]*\} 1/, 'a count per route and status')
  t.match(response.body, /process_resident_memory_bytes \d+/, 'process metrics')
})

t.test('wrong /metrics tokens spend the failed-authentication budget, the one /me enforces', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { METRICS_TOKEN: TOKEN, RATE_LIMIT_AUTH_FAILURES: '10' })
  const metrics = (authorization: string) => app.inject({ method: 'GET', url: '/metrics', headers: { authorization } })
  const statuses: number[] = []
  for (let i = 0; i < 12; i++) statuses.push((await metrics(`Bearer wrong-token-${i}`)).statusCode)
  t.same(statuses, [...Array(10).fill(401), 429, 429], 'twelve wrong tokens: ten 401s, then 429')
  const refused = await metrics('Bearer wrong-token-again')
  t.equal(refused.statusCode, 429)
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  t.ok(Number(refused.headers['retry-after']) >= 1, `Retry-After: ${String(refused.headers['retry-after'])}`)
  t.notMatch(refused.body, /process_cpu/, 'no metric leaks')
  const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer not.a.token' } })
  t.equal(me.statusCode, 429, 'the same budget: a wrong token on /me is now refused with 429 as well')
  t.equal((await metrics(`Bearer ${TOKEN}`)).statusCode, 200, 'only failures count: the right token still gets the metrics')
})

t.test('failures on /me and on /metrics count in one budget', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { METRICS_TOKEN: TOKEN, RATE_LIMIT_AUTH_FAILURES: '4' })
  for (let i = 0; i < 3; i++) {
    const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer wrong.token.${i}` } })
    t.equal(me.statusCode, 401, `/me failure ${i + 1}: 401`)
  }
  const fourth = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token' } })
  t.equal(fourth.statusCode, 401, 'the fourth failure, on /metrics: still 401')
  t.equal(fourth.headers['www-authenticate'], 'Bearer realm="metrics"')
  const fifth = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token' } })
  t.equal(fifth.statusCode, 429, 'the fifth failure, on /metrics: 429, the budget /me spent')
  t.ok(Number(fifth.headers['retry-after']) >= 1)
})
