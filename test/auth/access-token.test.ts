import { createSign, randomUUID } from 'node:crypto'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import type { Principal } from '../../src/auth/principal.js'
import { loadConfig } from '../../src/config.js'
import { issuerEnv, startIssuer } from '../helpers/app.js'
import { base64url, type TestIssuer } from '../helpers/issuer.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

/** What the app made of an Authorization header: the principal and token it admitted, or its refusal. */
type Verifier = (header: string | undefined) => Promise<{ principal: Principal; token: string; frozen: boolean }>

function now (): number {
  return Math.floor(Date.now() / 1000)
}

class Refused extends Error {
  constructor (readonly status: number, readonly challenge: string) {
    super(`refused: ${status} ${challenge}`)
  }
}

/**
 * The real app, with one more route that shows what `authenticate` admitted: a token goes
 * from the header through request.jwtVerify(), get-jwks and the claim checks to a principal.
 */
async function verifierFor (t: Test, issuer: TestIssuer): Promise<Verifier> {
  const app = await buildApp(loadConfig(issuerEnv(issuer)))
  app.get('/test/principal', { onRequest: app.authenticate }, async (request) => ({
    principal: request.principal,
    token: request.accessToken,
    frozen: Object.isFrozen(request.principal)
  }))
  t.teardown(() => app.close())
  await app.ready()
  return async (header) => {
    const response = await app.inject({ method: 'GET', url: '/test/principal', headers: header === undefined ? {} : { authorization: header } })
    if (response.statusCode !== 200) throw new Refused(response.statusCode, String(response.headers['www-authenticate'] ?? ''))
    return response.json()
  }
}

/** An RS256 token by the issuer's key with the payload given as raw JSON text (for 1e400 and the like). */
function rawToken (issuer: TestIssuer, payloadJson: string): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: issuer.key.kid }))
  const input = `${header}.${base64url(payloadJson)}`
  return `${input}.${createSign('RSA-SHA256').update(input).sign(issuer.key.privateKey).toString('base64url')}`
}

/** The refusal a verification ends in: status, the description in the challenge. */
async function refusal (verify: Verifier, header: string | undefined): Promise<{ status: number; challenge: string }> {
  try {
    await verify(header)
  } catch (error) {
    if (!(error instanceof Refused)) throw error
    return { status: error.status, challenge: error.challenge }
  }
  throw new Error('the token was accepted')
}

t.test('a good token becomes a principal', async (t) => {
  const issuer = await startIssuer(t)
  const verify = await verifierFor(t, issuer)
  const iat = now() - 10.75
  const token = issuer.token({ sub: 'auth0|ann', jti: 'j-1', iat, [issuer.roleClaim]: ['admin'], permissions: ['read:x'] })
  const { principal, token: verified, frozen } = await verify(`Bearer ${token}`)
  t.equal(verified, token)
  t.match(principal, { sub: 'auth0|ann', roles: ['admin'], permissions: ['read:x'], isAdmin: true, tokenId: 'jti:j-1' })
  t.equal(principal.iat, Math.floor(iat), 'a fractional iat counts in whole seconds, as "log out everywhere" does')
  t.ok(frozen, 'the principal cannot be changed by a route')
})

t.test('the header: missing, another scheme, malformed', async (t) => {
  const issuer = await startIssuer(t)
  const verify = await verifierFor(t, issuer)
  for (const header of [undefined, '', 'Basic dXNlcjpwYXNz']) {
    t.same(await refusal(verify, header), { status: 401, challenge: 'Bearer realm="store-api"' }, `${JSON.stringify(header)}: a bare challenge`)
  }
  t.match((await refusal(verify, 'Bearer  a.b.c')).challenge, /error="invalid_token".*Bearer <token>/)
  t.match((await refusal(verify, 'Bearer abc')).challenge, /not a signed JWT/)
  t.match((await refusal(verify, `Bearer ${'a'.repeat(9000)}`)).challenge, /too large/)
})

t.test('signature, algorithm and key: only RS256 by a key of the configured issuer', async (t) => {
  const issuer = await startIssuer(t)
  const other = await startIssuer(t)
  const verify = await verifierFor(t, issuer)
  t.match((await refusal(verify, `Bearer ${other.token({ iss: issuer.url })}`)).challenge, /signing key is not known/, 'a key the issuer does not publish')
  t.match((await refusal(verify, `Bearer ${issuer.token({}, { header: { kid: randomUUID() } })}`)).challenge, /signing key is not known/, 'a key resolver refusal is passed on as it is')
  const [h, p] = issuer.token().split('.')
  t.match((await refusal(verify, `Bearer ${h}.${p}.${other.token().split('.')[2]}`)).challenge, /signature/, 'a signature by another key')
  t.match((await refusal(verify, `Bearer ${issuer.token({ iss: other.url })}`)).challenge, /iss/, 'another iss')
  t.match((await refusal(verify, `Bearer ${issuer.token({ aud: 'https://other/' })}`)).challenge, /aud/, 'another aud')
})

t.test('date claims: issued in the future, expiring before issue, out of range', async (t) => {
  const issuer = await startIssuer(t)
  const verify = await verifierFor(t, issuer)
  const refused: Array<[string, string, RegExp]> = [
    ['iat an hour ahead', issuer.token({ iat: now() + 3600 }), /issued in the future/],
    ['iat 10 s ahead (beyond the 5 s tolerance)', issuer.token({ iat: now() + 10 }), /issued in the future/],
    ['iat 1e308', issuer.token({ iat: 1e308 }), /issued in the future/],
    ['iat a string', issuer.token({ iat: String(now()) }), /iat/],
    ['iat null', issuer.token({ iat: null }), /iat/],
    ['iat 1e400 (Infinity once parsed)', rawToken(issuer, `{"iss":"${issuer.url}","aud":"${issuer.audience}","sub":"x","exp":${now() + 60},"iat":1e400}`), /iat/],
    ['exp before iat (both inside the tolerance)', issuer.token({ iat: now() + 3, exp: now() + 2 }), /expires before it was issued/],
    ['exp 9e12 (past the largest Date)', issuer.token({ exp: 9e12 }), /exp claim is out of range/],
    ['exp in the year 10000', issuer.token({ exp: 253_402_300_800 }), /exp claim is out of range/],
    ['exp 1e400 (Infinity once parsed)', rawToken(issuer, `{"iss":"${issuer.url}","aud":"${issuer.audience}","sub":"x","exp":1e400}`), /exp claim is out of range/],
    ['exp -1e308', issuer.token({ exp: -1e308 }), /out of range|expired/],
    ['nbf 1e308', issuer.token({ nbf: 1e308 }), /out of range|not valid yet/]
  ]
  for (const [name, token, reason] of refused) {
    const { status, challenge } = await refusal(verify, `Bearer ${token}`)
    t.equal(status, 401, `${name}: 401`)
    t.match(challenge, /error="invalid_token"/, `${name}: invalid_token`)
    t.match(challenge, reason, `${name}: ${challenge}`)
  }
  const accepted: Array<[string, string]> = [
    ['iat 2 s ahead (inside the tolerance)', issuer.token({ iat: now() + 2 })],
    ['no iat', issuer.token({ iat: undefined })],
    ['exp in the year 9999', issuer.token({ exp: 253_402_300_799 })],
    ['a fractional exp', issuer.token({ exp: now() + 60.5 })],
    ['a negative iat', issuer.token({ iat: -5 })]
  ]
  for (const [name, token] of accepted) {
    await t.resolves(verify(`Bearer ${token}`), name)
  }
})

t.test('a control character in sub or jti is refused, naming the claim (PostgreSQL text cannot hold NUL)', async (t) => {
  const issuer = await startIssuer(t)
  const verify = await verifierFor(t, issuer)
  const refused: Array<[string, string, RegExp]> = [
    ['NUL in sub', issuer.token({ sub: 'auth0|a\u0000b' }), /sub claim contains a control character/],
    ['a newline in sub', issuer.token({ sub: 'auth0|a\nforged log line' }), /sub claim/],
    ['NUL in jti', issuer.token({ jti: 'j\u0000' }), /jti claim contains a control character/],
    ['DEL in jti', issuer.token({ jti: 'j\u007f' }), /jti claim/]
  ]
  for (const [name, token, reason] of refused) {
    const { status, challenge } = await refusal(verify, `Bearer ${token}`)
    t.equal(status, 401, `${name}: 401`)
    t.match(challenge, /error="invalid_token"/, `${name}: invalid_token`)
    t.match(challenge, reason, `${name}: ${challenge}`)
  }
  await t.resolves(verify(`Bearer ${issuer.token({ sub: 'auth0|ünïcode ok', jti: 'j-ok' })}`), 'other characters are fine')
})
