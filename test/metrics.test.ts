import t from 'tap'
import { startApp, startIssuer } from './helpers/app.js'

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
