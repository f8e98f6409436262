import t from 'tap'
import { bearer, startApp, startIssuer } from '../helpers/app.js'
import { postgresUrl } from '../helpers/services.js'

// Without the verifier's check these reached PostgreSQL (which cannot store NUL in text) and answered 500.
t.test('on PostgreSQL, a token with NUL in sub or jti is a 401, never a 500', async (t) => {
  const url = await postgresUrl(t)
  if (!url) return
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { DATABASE_URL: url })
  for (const [name, claims] of [['sub', { sub: 'auth0|a\u0000b' }], ['jti', { jti: 'j\u0000' }]] as const) {
    for (const [method, path] of [['GET', '/me'], ['POST', '/logout']] as const) {
      const res = await app.inject({ method, url: path, headers: bearer(issuer.userToken(claims)) })
      t.equal(res.statusCode, 401, `${name}, ${method} ${path}: 401`)
      t.match(String(res.headers['www-authenticate']), new RegExp(`invalid_token.*${name} claim`), `${name}: the claim is named`)
    }
  }
})
