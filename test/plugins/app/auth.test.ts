import { createSign, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../../helpers/app.js'
import { base64url, forge, newSigningKey, type SigningKey, type TestIssuer } from '../../helpers/issuer.js'

/** The `t` a subtest callback receives. */
type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const PRODUCT = { title: 'x', price: '1.00', image: 'https://example.com/a.jpg' }
const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const NO_ERROR_CODE = 'Bearer realm="store-api"'

function post (app: FastifyInstance, headers: Record<string, string> = {}, url = '/products'): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, headers, payload: PRODUCT })
}

function decodePayload (token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

function now (): number {
  return Math.floor(Date.now() / 1000)
}

/** A unique jti, so that two otherwise identical tokens never share fast-jwt's verify cache entry. */
function fresh (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { jti: randomUUID(), ...overrides }
}

/** A compact JWS with raw JSON text for header and payload, RS256-signed with `key`. */
function signRaw (headerJson: string, payloadJson: string, key: SigningKey): string {
  const input = `${base64url(headerJson)}.${base64url(payloadJson)}`
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key.privateKey).toString('base64url')}`
}

/** Standard (not url-safe) base64 of the JSON, grown with spaces until it ends in '=' padding. */
function padded (value: unknown): string {
  let text = JSON.stringify(value)
  while (!Buffer.from(text).toString('base64').endsWith('=')) text += ' '
  return Buffer.from(text).toString('base64')
}

async function productCount (app: FastifyInstance): Promise<number> {
  const list = await app.inject({ method: 'GET', url: '/products?limit=100' })
  return (list.json() as { items: unknown[] }).items.length
}

/** The shape every refused request has, whatever the reason: a problem+json 401 (never a 500). */
function assertProblem (t: Test, res: LightMyRequestResponse, status: number, name: string): void {
  t.equal(res.statusCode, status, `${name}: ${status}`)
  t.equal(res.headers['content-type'], PROBLEM_JSON, `${name}: problem+json`)
  let body: { status?: unknown } = {}
  try {
    body = res.json()
  } catch {}
  t.equal(body.status, status, `${name}: body.status is ${status}`)
}

/** 401 invalid_token, with an error_description; optionally one that names the expected reason. */
function assertInvalidToken (t: Test, res: LightMyRequestResponse, name: string, reason?: RegExp): void {
  assertProblem(t, res, 401, name)
  const challenge = String(res.headers['www-authenticate'] ?? '')
  t.match(challenge, /^Bearer realm="store-api"/, `${name}: Bearer realm`)
  t.match(challenge, /error="invalid_token"/, `${name}: error="invalid_token"`)
  const description = /error_description="([^"]*)"/.exec(challenge)?.[1]
  t.ok(description, `${name}: has an error_description (${description})`)
  if (reason) t.match(description ?? '', reason, `${name}: refused for the right reason (${description})`)
}

/** 401 with a bare challenge: the request carried no bearer token at all (RFC 6750 section 3.1). */
function assertMissingToken (t: Test, res: LightMyRequestResponse, name: string): void {
  assertProblem(t, res, 401, name)
  t.equal(res.headers['www-authenticate'], NO_ERROR_CODE, `${name}: challenge without an error code`)
}

async function assertNothingCreated (t: Test, app: FastifyInstance, name: string): Promise<void> {
  const list = await app.inject({ method: 'GET', url: '/products' })
  t.same(list.json(), { items: [], nextCursor: null }, `${name}: nothing was created`)
}

/**
 * A fresh app whose cache already holds the issuer's published key: a user token is
 * authenticated (403 on the admin route, so nothing is created). Without this, the first
 * unknown kid would use up the JWKS cooldown and every later case would fail for that reason.
 */
async function warmApp (t: Test, issuer: TestIssuer, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const app = await startApp(t, issuer, env)
  const warm = await post(app, bearer(issuer.userToken(fresh())))
  t.equal(warm.statusCode, 403, 'warm-up: the published key is fetched and cached')
  return app
}

/** An admin token (unique jti) signed by `key` or with extra header fields. */
function adminToken (issuer: TestIssuer, options: { key?: SigningKey; header?: Record<string, unknown> } = {}): string {
  return issuer.token(fresh({ sub: 'auth0|admin-1', [issuer.roleClaim]: ['admin'] }), options)
}

type Case = [name: string, token: string, reason?: RegExp]

t.test('auth: claims are checked (exp, nbf, aud, iss, sub)', async (t) => {
  const issuer = await startIssuer(t)
  const app = await warmApp(t, issuer)
  const url = issuer.url
  const cases: Case[] = [
    ['expired a minute ago', issuer.adminToken(fresh({ iat: now() - 3600, exp: now() - 60 })), /expired/],
    ['expired 10 s ago (beyond the 5 s tolerance)', issuer.adminToken(fresh({ iat: now() - 3600, exp: now() - 10 })), /expired/],
    ['nbf a minute in the future', issuer.adminToken(fresh({ nbf: now() + 60 })), /not valid yet/],
    ['nbf 10 s in the future', issuer.adminToken(fresh({ nbf: now() + 10 })), /not valid yet/],
    ['wrong aud', issuer.adminToken(fresh({ aud: 'https://other-api.test/' })), /aud/],
    ['aud without the trailing slash', issuer.adminToken(fresh({ aud: issuer.audience.slice(0, -1) })), /aud/],
    ['aud array without the right audience', issuer.adminToken(fresh({ aud: ['https://other-api.test/', `${issuer.url}userinfo`] })), /aud/],
    ['aud empty array', issuer.adminToken(fresh({ aud: [] })), /aud/],
    ['aud a number', issuer.adminToken(fresh({ aud: 5 })), /aud/],
    ['missing aud', issuer.adminToken(fresh({ aud: undefined })), /aud/],
    ['wrong iss', issuer.adminToken(fresh({ iss: 'https://evil.example/' })), /iss/],
    ['iss without the trailing slash', issuer.adminToken(fresh({ iss: url.slice(0, -1) })), /iss/],
    ['iss with a doubled trailing slash', issuer.adminToken(fresh({ iss: `${url}/` })), /iss/],
    ['iss with a leading space', issuer.adminToken(fresh({ iss: ` ${url}` })), /iss/],
    ['iss with a trailing space', issuer.adminToken(fresh({ iss: `${url} ` })), /iss/],
    ['iss with a trailing newline', issuer.adminToken(fresh({ iss: `${url}\n` })), /iss/],
    ['iss as localhost instead of 127.0.0.1', issuer.adminToken(fresh({ iss: url.replace('127.0.0.1', 'localhost') })), /iss/],
    ['iss upper-cased', issuer.adminToken(fresh({ iss: url.toUpperCase() })), /iss/],
    ['iss as an array holding the right issuer', issuer.adminToken(fresh({ iss: [url] })), /iss/],
    ['iss as an array with the right issuer and another', issuer.adminToken(fresh({ iss: ['https://evil.example/', url] })), /iss/],
    ['missing iss', issuer.adminToken(fresh({ iss: undefined })), /iss/],
    ['missing exp', issuer.adminToken(fresh({ exp: undefined })), /exp/],
    ['exp as a string', issuer.adminToken(fresh({ exp: String(now() + 3600) })), /exp/],
    ['exp null', issuer.adminToken(fresh({ exp: null })), /exp/],
    ['nbf as a string in the future', issuer.adminToken(fresh({ nbf: String(now() + 3600) })), /nbf/],
    ['missing sub', issuer.adminToken(fresh({ sub: undefined })), /sub/],
    ['empty sub', issuer.adminToken(fresh({ sub: '' })), /sub/],
    ['sub a number', issuer.adminToken(fresh({ sub: 42 })), /sub/],
    ['payload JSON null', signRaw(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: issuer.key.kid }), 'null', issuer.key)],
    ['payload a JSON array', signRaw(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: issuer.key.kid }), '[]', issuer.key)],
    ['payload a JSON number', signRaw(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: issuer.key.kid }), '12345', issuer.key)],
    ['payload not JSON', signRaw(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: issuer.key.kid }), 'not json', issuer.key)]
  ]
  for (const [name, token, reason] of cases) {
    assertInvalidToken(t, await post(app, bearer(token)), name, reason)
    await assertNothingCreated(t, app, name)
  }

  // The control: the same claims with the right values are accepted.
  const withArray = await post(app, bearer(issuer.adminToken(fresh({ aud: ['https://other-api.test/', issuer.audience] }))))
  t.equal(withArray.statusCode, 201, 'an aud array that contains the configured audience is accepted')
  const withinTolerance = await post(app, bearer(issuer.adminToken(fresh({ iat: now() - 60, exp: now() - 1 }))))
  t.equal(withinTolerance.statusCode, 201, 'a token expired 1 s ago is still inside the 5 s clock tolerance')
  t.equal(await productCount(app), 2, 'only the two accepted requests created anything')
})

t.test('auth: a token verified once stops working when it expires, remembered or not', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  // Expired 3 s ago: inside the 5 s tolerance for one to two seconds more (now() is whole seconds).
  const token = issuer.adminToken(fresh({ iat: now() - 60, exp: now() - 3 }))
  const me = () => app.inject({ method: 'GET', url: '/me', headers: bearer(token) })
  t.equal((await me()).statusCode, 200, 'accepted inside the tolerance')
  t.equal((await me()).statusCode, 200, 'and again, from the verified-token cache')
  await sleep(2100)
  assertInvalidToken(t, await me(), 'the same token past exp + tolerance', /expired/)
})

t.test('auth: a remembered token lends nothing to a token that copies its signature', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const token = issuer.userToken(fresh({ sub: 'auth0|user-1' }))
  const me = (value: string) => app.inject({ method: 'GET', url: '/me', headers: { authorization: value } })
  t.equal((await me(`Bearer ${token}`)).statusCode, 200, 'the real token is verified and remembered')
  const [header, , signature] = token.split('.')
  const payload = base64url(JSON.stringify({ ...decodePayload(token), [issuer.roleClaim]: ['admin'] }))
  const forged = `${header}.${payload}.${signature}`
  assertInvalidToken(t, await me(`Bearer ${forged}`), 'same signature, admin role added to the payload')
  assertInvalidToken(t, await me(`Bearer ${token.slice(1)}`), 'the real token less its first character')
  t.equal((await me(`bearer ${token}`)).statusCode, 200, 'the real token under a lower-case scheme')
  t.equal((await me(`Bearer ${token}`)).statusCode, 200, 'the real token still works')
})

t.test('auth: only RS256 signatures by the published key', async (t) => {
  const issuer = await startIssuer(t)
  const app = await warmApp(t, issuer)
  const kid = issuer.key.kid
  const claims = () => issuer.claims(fresh({ sub: 'auth0|admin-1', [issuer.roleClaim]: ['admin'] }))
  const pem = issuer.key.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const jwkText = JSON.stringify({ ...issuer.key.publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' })
  const foreign = newSigningKey(kid)

  const cases: Case[] = []
  for (const alg of ['none', 'None', 'NONE']) {
    cases.push([`alg ${alg}, empty signature`, forge({ alg, typ: 'JWT', kid }, claims(), { none: true })])
    cases.push([`alg ${alg}, bogus signature`, `${forge({ alg, typ: 'JWT', kid }, claims(), { none: true })}AAAA`])
    cases.push([`alg ${alg}, no kid`, forge({ alg, typ: 'JWT' }, claims(), { none: true })])
  }
  for (const [alg, hash] of [['HS256', 'sha256'], ['HS384', 'sha384'], ['HS512', 'sha512']] as const) {
    cases.push([`${alg} keyed with the public key PEM`, forge({ alg, typ: 'JWT', kid }, claims(), { hmac: { secret: pem, hash } }), /algorithm|invalid/i])
    cases.push([`${alg} keyed with the public JWK JSON`, forge({ alg, typ: 'JWT', kid }, claims(), { hmac: { secret: jwkText, hash } }), /algorithm|invalid/i])
  }
  cases.push(
    ['RS512 by the right private key', forge({ alg: 'RS512', typ: 'JWT', kid }, claims(), { rsa: issuer.key.privateKey, rsaAlgorithm: 'RSA-SHA512' }), /algorithm|invalid/i],
    ['PS256 by the right private key', forge({ alg: 'PS256', typ: 'JWT', kid }, claims(), { rsa: issuer.key.privateKey, pss: true }), /algorithm|invalid/i],
    ['alg RS256 but signed RS512', forge({ alg: 'RS256', typ: 'JWT', kid }, claims(), { rsa: issuer.key.privateKey, rsaAlgorithm: 'RSA-SHA512' }), /signature|invalid/i],
    ['signature of another token', (() => {
      const [h, p] = issuer.adminToken(fresh()).split('.')
      const [, , s] = issuer.userToken(fresh()).split('.')
      return `${h}.${p}.${s}`
    })(), /signature|invalid/i],
    ['payload changed after signing', (() => {
      const [h, , s] = issuer.userToken(fresh()).split('.')
      return `${h}.${base64url(JSON.stringify(claims()))}.${s}`
    })(), /signature|invalid/i],
    ['a foreign RSA key reusing the published kid', adminToken(issuer, { key: foreign }), /signature|invalid/i],
    ['no kid, signed by the right key', forge({ alg: 'RS256', typ: 'JWT' }, claims(), { rsa: issuer.key.privateKey }), /kid/],
    ['kid a number', forge({ alg: 'RS256', typ: 'JWT', kid: 1 }, claims(), { rsa: issuer.key.privateKey }), /kid/],
    ['kid an object', forge({ alg: 'RS256', typ: 'JWT', kid: { kid } }, claims(), { rsa: issuer.key.privateKey }), /kid/],
    ['kid an array holding the real kid', forge({ alg: 'RS256', typ: 'JWT', kid: [kid] }, claims(), { rsa: issuer.key.privateKey }), /kid/]
  )
  for (const [name, token, reason] of cases) {
    assertInvalidToken(t, await post(app, bearer(token)), name, reason)
    await assertNothingCreated(t, app, name)
  }
})

t.test('auth: nothing in the token header chooses the key (kid, jku, x5u, jwk)', async (t) => {
  const issuer = await startIssuer(t)
  // A second local issuer stands in for the attacker's server; it must never be asked for anything.
  const attacker = await startIssuer(t)
  const app = await warmApp(t, issuer)
  const evil = attacker.key
  const attackerJwks = `${attacker.url}.well-known/jwks.json`
  const evilJwk = { ...evil.publicKey.export({ format: 'jwk' }), kid: evil.kid, alg: 'RS256', use: 'sig' }
  const claims = () => issuer.claims(fresh({ sub: 'auth0|admin-1', [issuer.roleClaim]: ['admin'] }))
  const byRealKey = (header: Record<string, unknown>) => forge({ alg: 'RS256', typ: 'JWT', ...header }, claims(), { rsa: issuer.key.privateKey })
  const byEvilKey = (header: Record<string, unknown>) => forge({ alg: 'RS256', typ: 'JWT', ...header }, claims(), { rsa: evil.privateKey })

  const cases: Case[] = [
    ['unknown kid', byRealKey({ kid: `kid-${randomUUID()}` }), /signing key is not known/],
    ['kid holding a path', byRealKey({ kid: '../../etc/passwd' }), /signing key is not known/],
    ['kid holding SQL', byRealKey({ kid: "' OR 1=1 --" }), /kid|signing key is not known/],
    ['kid holding a URL', byRealKey({ kid: attackerJwks }), /signing key is not known/],
    ['kid over 128 characters', byRealKey({ kid: 'k'.repeat(129) }), /kid/],
    ['kid with a NUL byte', byRealKey({ kid: `${issuer.key.kid}\u0000` }), /kid/],
    ['attacker token with the attacker iss', forge({ alg: 'RS256', typ: 'JWT', kid: evil.kid }, { ...claims(), iss: attacker.url }, { rsa: evil.privateKey }), /iss|signing key is not known/]
  ]
  for (const [param, value] of [['jku', attackerJwks], ['x5u', attackerJwks], ['jwk', evilJwk]] as const) {
    cases.push(
      [`${param} to the attacker key, no kid`, byEvilKey({ [param]: value }), /kid/],
      [`${param} to the attacker key, the issuer's kid`, byEvilKey({ [param]: value, kid: issuer.key.kid }), /signature/],
      [`${param} to the attacker key, the attacker's kid`, byEvilKey({ [param]: value, kid: evil.kid }), /signing key is not known/]
    )
  }
  cases.push(['x5c with the attacker key, the issuer kid', byEvilKey({ kid: issuer.key.kid, x5c: ['MIIB'] }), /signature/])
  for (const [name, token, reason] of cases) {
    assertInvalidToken(t, await post(app, bearer(token)), name, reason)
    await assertNothingCreated(t, app, name)
  }
  t.equal(attacker.jwksRequests, 0, 'the attacker server was never contacted')
})

t.test('auth: malformed tokens and Authorization headers', async (t) => {
  const issuer = await startIssuer(t)
  const app = await warmApp(t, issuer)
  const good = issuer.adminToken(fresh())
  const [h, p, s] = good.split('.')

  const tokens: Case[] = [
    ['"abc"', 'abc', /not a signed JWT/],
    ['"a.b.c"', 'a.b.c'],
    ['"..."', '...', /not a signed JWT/],
    ['".."', '..', /not a signed JWT/],
    ['"a.b"', 'a.b', /not a signed JWT/],
    ['non-base64 characters', '!!!.@@@.###'],
    ['non-base64 JSON text', '{"alg":"RS256"}.{"sub":"x"}.sig'],
    ['a header in padded standard base64', `${padded({ alg: 'RS256', typ: 'JWT', kid: issuer.key.kid })}.${p}.${s}`],
    ['header not JSON', `${base64url('not json')}.${p}.${s}`],
    ['header JSON null', `${base64url('null')}.${p}.${s}`],
    ['header a JSON string', `${base64url('"RS256"')}.${p}.${s}`],
    ['an extra fourth segment', `${good}.${s}`, /not a signed JWT/],
    ['an empty fourth segment', `${good}.`, /not a signed JWT/],
    ['a missing signature', `${h}.${p}.`, /not a signed JWT/],
    ['a token over 8 KiB', issuer.adminToken(fresh({ padding: 'x'.repeat(8192) })), /too large/]
  ]
  for (const [name, token, reason] of tokens) {
    assertInvalidToken(t, await post(app, { authorization: `Bearer ${token}` }), name, reason)
    await assertNothingCreated(t, app, name)
  }

  const headers: Case[] = [
    ['two spaces after Bearer', `Bearer  ${good}`, /Bearer/],
    ['a tab after Bearer', `Bearer\t${good}`, /Bearer/],
    ['Bearer and no token', 'Bearer', /Bearer/],
    ['Bearer, a space and no token', 'Bearer ', /Bearer/],
    ['a second word after the token', `Bearer ${good} ${good}`, /Bearer/],
    ['two Bearer credentials, comma-separated', `Bearer ${good}, Bearer ${good}`, /Bearer/]
  ]
  for (const [name, header, reason] of headers) {
    assertInvalidToken(t, await post(app, { authorization: header }), name, reason)
    await assertNothingCreated(t, app, name)
  }

  assertMissingToken(t, await post(app), 'no Authorization header')
  assertMissingToken(t, await post(app, { authorization: 'Basic dXNlcjpwYXNzd29yZA==' }), 'Basic credentials')
  assertMissingToken(t, await post(app, { authorization: `Token ${good}` }), 'another scheme carrying a valid token')
  assertMissingToken(t, await post(app, { authorization: good }), 'a bare token with no scheme')
  await assertNothingCreated(t, app, 'no bearer token')
})

t.test('auth: tokens are read only from the Authorization header', async (t) => {
  const issuer = await startIssuer(t)
  const app = await warmApp(t, issuer)
  const admin = issuer.adminToken(fresh())
  assertMissingToken(t, await post(app, {}, `/products?access_token=${admin}`), 'access_token query parameter')
  assertMissingToken(t, await post(app, { cookie: `token=${admin}` }), 'token cookie')
  assertMissingToken(t, await post(app, { cookie: `access_token=${admin}; token=${admin}` }), 'access_token cookie')
  assertMissingToken(t, await post(app, { 'x-access-token': admin }), 'x-access-token header')
  await assertNothingCreated(t, app, 'tokens outside the Authorization header')
  const control = await post(app, bearer(admin))
  t.equal(control.statusCode, 201, 'the same token in the Authorization header is accepted')
})

t.test('auth: a valid token without admin rights is 403 insufficient_scope', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const res = await post(app, bearer(issuer.userToken(fresh())))
  assertProblem(t, res, 403, 'user token on an admin route')
  const challenge = String(res.headers['www-authenticate'] ?? '')
  t.match(challenge, /^Bearer realm="store-api"/)
  t.match(challenge, /error="insufficient_scope"/)
  t.match(challenge, /error_description="[^"]+"/)
  t.match(challenge, /scope="write:products"/)
  await assertNothingCreated(t, app, 'user token')
})

t.test('auth: JWKS fetches', async (t) => {
  t.test('(a) a flood of unknown kids costs at most 2 JWKS fetches (default 30 s cooldown)', async (t) => {
    const issuer = await startIssuer(t)
    const app = await startApp(t, issuer)
    const before = issuer.jwksRequests
    const statuses: number[] = []
    for (let batch = 0; batch < 5; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => post(app, bearer(adminToken(issuer, { header: { kid: `kid-${randomUUID()}` } }))))
      )
      responses.forEach((res, i) => {
        statuses.push(res.statusCode)
        assertInvalidToken(t, res, `random kid ${batch * 20 + i + 1}`)
      })
    }
    t.equal(statuses.length, 100)
    t.ok(statuses.every((status) => status === 401), 'all 100 are 401 invalid_token')
    const fetches = issuer.jwksRequests - before
    t.comment(`JWKS fetches for 100 random unknown kids: ${fetches}`)
    t.ok(fetches <= 2, `at most 2 JWKS fetches (observed ${fetches})`)
    await assertNothingCreated(t, app, 'random kids')
  })

  t.test('(b) a down or slow issuer: cached keys keep working, a new kid fails fast', async (t) => {
    const issuer = await startIssuer(t)
    const app = await warmApp(t, issuer, { JWKS_TIMEOUT_MS: '300', JWKS_COOLDOWN_SECONDS: '0' })
    // A key the issuer does publish but that the app has not fetched yet.
    const newKey = newSigningKey()
    issuer.published.push(newKey)
    let created = 0

    issuer.mode = { kind: 'down' }
    let res = await post(app, bearer(issuer.adminToken(fresh())))
    t.equal(res.statusCode, 201, 'down: a token with the cached kid is accepted')
    if (res.statusCode === 201) created++
    let fetchesBefore = issuer.jwksRequests
    res = await post(app, bearer(adminToken(issuer, { key: newKey })))
    assertInvalidToken(t, res, 'down: a token with an uncached kid', /keys could not be fetched/)
    t.ok(issuer.jwksRequests > fetchesBefore, 'down: the JWKS was tried')

    issuer.mode = { kind: 'slow', delayMs: 10_000 }
    let started = Date.now()
    res = await post(app, bearer(issuer.adminToken(fresh())))
    t.equal(res.statusCode, 201, 'slow: a token with the cached kid is accepted')
    if (res.statusCode === 201) created++
    t.ok(Date.now() - started < 3000, 'slow: ...without waiting for the issuer')
    fetchesBefore = issuer.jwksRequests
    started = Date.now()
    res = await post(app, bearer(adminToken(issuer, { key: newKey })))
    const elapsed = Date.now() - started
    assertInvalidToken(t, res, 'slow: a token with an uncached kid', /keys could not be fetched/)
    t.ok(elapsed < 3000, `slow: the 401 does not hang on the issuer (took ${elapsed} ms with a 300 ms JWKS timeout)`)
    t.ok(issuer.jwksRequests > fetchesBefore, 'slow: the JWKS was tried')

    issuer.mode = { kind: 'up' }
    res = await post(app, bearer(adminToken(issuer, { key: newKey })))
    t.equal(res.statusCode, 201, 'up again: the failures were not cached, the new kid now works')
    if (res.statusCode === 201) created++
    t.equal(await productCount(app), created, 'the refused requests created nothing')
  })

  t.test('(d) the keys are fetched at startup; an issuer down at startup does not stop the boot', async (t) => {
    const issuer = await startIssuer(t)
    const app = await startApp(t, issuer)
    const atBoot = issuer.jwksRequests
    t.ok(atBoot > 0, `the JWKS was fetched while the app started (${atBoot} requests)`)
    t.equal((await app.inject({ method: 'GET', url: '/me', headers: bearer(issuer.userToken(fresh())) })).statusCode, 200)
    t.equal(issuer.jwksRequests, atBoot, 'the first request needed no JWKS fetch')

    const downIssuer = await startIssuer(t)
    downIssuer.mode = { kind: 'down' }
    const started = Date.now()
    // The default 30 s cooldown: the failed look at startup must not hold the first request back.
    const late = await startApp(t, downIssuer, { JWKS_TIMEOUT_MS: '300' })
    t.ok(Date.now() - started < 5000, 'the app started anyway, without waiting long')
    t.ok(downIssuer.jwksRequests > 0, 'the JWKS was tried at startup')
    downIssuer.mode = { kind: 'up' }
    t.equal((await late.inject({ method: 'GET', url: '/me', headers: bearer(downIssuer.userToken(fresh())) })).statusCode, 200,
      'once the issuer is back, the keys are fetched on demand')

    // An issuer that accepts connections and never answers, with a JWKS timeout longer than
    // Fastify's 10 s plugin timeout: the startup fetch is given up on, the boot goes on.
    const silentIssuer = await startIssuer(t)
    silentIssuer.mode = { kind: 'slow', delayMs: 60_000 }
    const bootStarted = Date.now()
    await startApp(t, silentIssuer, { JWKS_TIMEOUT_MS: '12000' })
    const bootMs = Date.now() - bootStarted
    t.ok(bootMs < 8000, `a silent issuer delays the boot by the warm-up budget only (${bootMs} ms)`)
  })

  t.test('(c) rotation: a new key is picked up once the cooldown has passed', async (t) => {
    const issuer = await startIssuer(t)
    const app = await warmApp(t, issuer, { JWKS_COOLDOWN_SECONDS: '1' })
    const oldKey = issuer.key
    const newKey = issuer.rotate()
    t.not(newKey.kid, oldKey.kid)

    const immediate = await post(app, bearer(adminToken(issuer, { key: newKey })))
    if (immediate.statusCode === 201) {
      t.pass('the new key was accepted at once')
    } else {
      assertInvalidToken(t, immediate, 'new key inside the cooldown', /signing key is not known/)
      await assertNothingCreated(t, app, 'new key inside the cooldown')
      await sleep(1100)
      const later = await post(app, bearer(adminToken(issuer, { key: newKey })))
      t.equal(later.statusCode, 201, 'the new key is accepted just over 1 s later')
    }
    const old = await post(app, bearer(adminToken(issuer, { key: oldKey })))
    t.comment(`a token signed with the rotated-out key right after rotation: ${old.statusCode} (the PEM stays cached until its 10 min re-check)`)
    t.ok(old.statusCode === 201 || old.statusCode === 401, 'the rotated-out key is a 201 or a 401, never a 500')
  })

  t.test('an unknown kid seen before the first good request does not lock out the published key', async (t) => {
    const issuer = await startIssuer(t)
    const app = await startApp(t, issuer)
    const probe = await post(app, bearer(adminToken(issuer, { header: { kid: `kid-${randomUUID()}` } })))
    assertInvalidToken(t, probe, 'unknown kid on a cold app')
    const res = await post(app, bearer(issuer.userToken(fresh())))
    t.equal(res.statusCode, 403, 'a valid token with the published kid is authenticated (403 for a user, not 401)', {
      found: { status: res.statusCode, challenge: res.headers['www-authenticate'] }
    })
  })
})
