import { randomUUID } from 'node:crypto'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../helpers/app.js'

// The figure: 500 requests with random kids, measured at the issuer, with the
// default failed-authentication budget (30 a minute per IP) left in place.
t.test('a flood of random kids: at most 3 JWKS fetches, every answer 401 or 429', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { RATE_LIMIT_AUTH_FAILURES: '30' })
  const statuses = new Map<number, number>()
  const before = issuer.jwksRequests
  for (let batch = 0; batch < 10; batch++) {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        app.inject({ method: 'GET', url: '/me', headers: bearer(issuer.token({}, { header: { kid: randomUUID() } })) }))
    )
    for (const response of responses) {
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1)
      t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    }
  }
  const fetches = issuer.jwksRequests - before
  t.comment(`500 random-kid requests: ${fetches} JWKS fetch(es); statuses ${JSON.stringify(Object.fromEntries(statuses))}`)
  t.ok(fetches <= 3, `at most 3 JWKS fetches (saw ${fetches})`)
  t.equal((statuses.get(401) ?? 0) + (statuses.get(429) ?? 0), 500, 'every request is 401 or 429')
  t.equal(statuses.get(401), 30, 'the first 30 failures are 401, then the budget is spent')
  const legit = await app.inject({ method: 'GET', url: '/me', headers: bearer(issuer.userToken()) })
  t.equal(legit.statusCode, 200, 'a real token from the same IP still works after the flood')
})
