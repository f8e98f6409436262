import { createSign } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../helpers/app.js'
import { base64url, type TestIssuer } from '../helpers/issuer.js'

function now (): number {
  return Math.floor(Date.now() / 1000)
}

/** JSON text for a claim value: most are JSON.stringify'd, a few must be written raw (1e400 parses to Infinity). */
type ClaimValue = { json: string; label: string }
const v = (value: unknown, label = JSON.stringify(value)): ClaimValue => ({ json: JSON.stringify(value), label })
const raw = (json: string): ClaimValue => ({ json, label: json })

function values (): ClaimValue[] {
  const at = now()
  return [
    v(9e12), v(1e15), v(1e308), raw('1e400'), raw('-1e400'), v(-1), v(-1e12), v(-1e308), v(0), v(1e-7),
    v(at + 0.5, 'now + 0.5'), v(at - 0.5, 'now - 0.5'), v(at + 3600.25, 'now + 3600.25'), v(at - 3600.75, 'now - 3600.75'),
    v(at + 2, 'now + 2'), v(at + 10, 'now + 10'), v(at + 86_400 * 365 * 100, 'now + 100 years'),
    v(253_402_300_799), v(253_402_300_800),
    v(String(at + 3600), 'a string number'), v(''), v('abc'), v(null), v(true), v([at]), v({ n: at })
  ]
}

let serial = 0
/** An RS256 token by the issuer's key, its payload written as JSON text with one claim set to `value`. */
function tokenWith (issuer: TestIssuer, claim: string, value: ClaimValue): { token: string; sub: string } {
  serial++
  const sub = `auth0|claims-${serial}`
  const claims = issuer.claims({ sub, jti: `claims-${serial}`, [issuer.roleClaim]: ['user'] })
  delete claims[claim]
  const json = `${JSON.stringify(claims).slice(0, -1)},"${claim}":${value.json}}`
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: issuer.key.kid }))
  const input = `${header}.${base64url(json)}`
  return { token: `${input}.${createSign('RSA-SHA256').update(input).sign(issuer.key.privateKey).toString('base64url')}`, sub }
}

async function me (app: FastifyInstance, token: string): Promise<number> {
  return (await app.inject({ method: 'GET', url: '/me', headers: bearer(token) })).statusCode
}

// Every value an issuer could sign in exp, iat or nbf ends in a 4xx at authentication or in a
// logout that works (the token is refused afterwards); never a 500.
t.test('numeric claims: every value is refused at authentication or can be logged out', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const outcomes = { refused: 0, loggedOut: 0 }
  for (const claim of ['exp', 'iat', 'nbf']) {
    for (const value of values()) {
      for (const everywhere of [false, true]) {
        const name = `${claim}=${value.label}${everywhere ? ', everywhere' : ''}`
        const { token } = tokenWith(issuer, claim, value)
        const first = await me(app, token)
        t.ok(first === 200 || (first >= 400 && first < 500), `${name}: GET /me is 200 or 4xx (${first})`)
        if (first !== 200) {
          outcomes.refused++
          continue
        }
        const out = await app.inject({ method: 'POST', url: '/logout', headers: bearer(token), payload: { everywhere } })
        t.equal(out.statusCode, 200, `${name}: logout works (${out.body.slice(0, 200)})`)
        t.equal(await me(app, token), 401, `${name}: the token is refused after the logout`)
        outcomes.loggedOut++
      }
    }
  }
  t.comment(`refused at authentication: ${outcomes.refused}; accepted and logged out: ${outcomes.loggedOut}`)
  t.ok(outcomes.loggedOut > 0 && outcomes.refused > 0, 'both outcomes were exercised')
})

t.test('a token issued in the future is refused, so it cannot outlive "log out everywhere"', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const sub = 'auth0|future'
  const future = issuer.userToken({ sub, jti: 'future', iat: now() + 3600 })
  const res = await app.inject({ method: 'GET', url: '/me', headers: bearer(future) })
  t.equal(res.statusCode, 401, 'an iat an hour ahead: 401')
  t.match(String(res.headers['www-authenticate']), /error="invalid_token".*issued in the future/)
  const current = issuer.userToken({ sub, jti: 'current' })
  t.equal((await app.inject({ method: 'POST', url: '/logout', headers: bearer(current), payload: { everywhere: true } })).statusCode, 200)
  t.equal(await me(app, future), 401, 'still refused after the logout everywhere')

  const backwards = issuer.userToken({ sub: 'auth0|backwards', iat: now() + 3, exp: now() + 2 })
  const refused = await app.inject({ method: 'GET', url: '/me', headers: bearer(backwards) })
  t.equal(refused.statusCode, 401, 'exp before iat: 401')
  t.match(String(refused.headers['www-authenticate']), /expires before it was issued/)
})
