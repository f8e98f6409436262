import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../helpers/app.js'
import { CROSS_PROCESS_RECHECK_MS } from '../../src/store/sqlite/revocation-repository.js'

// POST /logout and the revocations it writes: the real app, tokens from a local issuer (test/helpers/issuer.ts).

const PRODUCT = { title: 'Chair', price: '1.00', image: 'https://example.com/c.jpg' }

function tempDatabase (t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-api-logout-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return `file:${join(dir, 'store.db')}`
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** The same token with the lowest padding bit of its signature's last character flipped. */
function respell (token: string): string {
  const last = BASE64URL.indexOf(token.slice(-1))
  return `${token.slice(0, -1)}${BASE64URL[last ^ 1]}`
}

t.test('POST /logout revokes the presented token, on every protected route and across restarts', async (t) => {
  const issuer = await startIssuer(t)
  const env = { DATABASE_URL: tempDatabase(t), AUTH0_CLIENT_ID: 'abcDEF123', AUTH0_LOGOUT_RETURN_TO: 'https://shop.example/bye?x=1&y=2' }
  const app = await startApp(t, issuer, env)

  const withJti = issuer.adminToken({ sub: 'auth0|admin-9', jti: 'token-1' })
  const withoutJti = issuer.adminToken({ sub: 'auth0|admin-9', jti: undefined, nonce: 'second' })
  const other = issuer.adminToken({ sub: 'auth0|admin-9', jti: 'token-2' })

  const out = await app.inject({ method: 'POST', url: '/logout', headers: bearer(withJti) })
  t.equal(out.statusCode, 200)
  t.same(out.json(), {
    revoked: true,
    logoutUrl: `${new URL(issuer.url).origin}/v2/logout?client_id=abcDEF123&returnTo=https%3A%2F%2Fshop.example%2Fbye%3Fx%3D1%26y%3D2`
  })
  const outToo = await app.inject({ method: 'POST', url: '/logout', headers: { ...bearer(withoutJti), 'content-type': 'application/json' }, payload: '{}' })
  t.equal(outToo.statusCode, 200, 'a token without jti is revoked by its hash')

  const protectedCalls = [
    { method: 'GET', url: '/me' },
    { method: 'POST', url: '/logout' },
    { method: 'POST', url: '/products', payload: PRODUCT },
    { method: 'PUT', url: '/products/1', payload: PRODUCT },
    { method: 'PATCH', url: '/products/1', payload: { price: '2.00' } },
    { method: 'DELETE', url: '/products/1' },
    { method: 'GET', url: '/admin/users' },
    { method: 'GET', url: '/admin/users/auth0%7Cadmin-9' }
  ] as const
  for (const token of [withJti, withoutJti]) {
    for (const call of protectedCalls) {
      const res = await app.inject({ ...call, headers: bearer(token) })
      t.equal(res.statusCode, 401, `${call.method} ${call.url} refuses the revoked token`)
      t.match(res.headers['www-authenticate'], /error="invalid_token", error_description="token revoked"/)
    }
  }
  const stillFine = await app.inject({ method: 'GET', url: '/me', headers: bearer(other) })
  t.equal(stillFine.statusCode, 200, 'another token of the same user still works')
  // The signature's last base64url character carries padding bits that decoders ignore: the
  // same signed token, spelled differently, still verifies, and must still be revoked.
  const respelledOther = await app.inject({ method: 'GET', url: '/me', headers: bearer(respell(other)) })
  t.equal(respelledOther.statusCode, 200, 'another spelling of a valid token verifies')
  for (const [name, token] of [['jti', withJti], ['hash', withoutJti]] as const) {
    const res = await app.inject({ method: 'GET', url: '/me', headers: bearer(respell(token)) })
    t.equal(res.statusCode, 401, `a token revoked by ${name}, spelled differently, is still refused`)
  }
  await app.close()

  const restarted = await startApp(t, issuer, env)
  const afterRestart = await restarted.inject({ method: 'GET', url: '/me', headers: bearer(withJti) })
  t.equal(afterRestart.statusCode, 401, 'revocations survive a restart')
  const hashAfterRestart = await restarted.inject({ method: 'GET', url: '/me', headers: bearer(withoutJti) })
  t.equal(hashAfterRestart.statusCode, 401)
  const otherAfterRestart = await restarted.inject({ method: 'GET', url: '/me', headers: bearer(other) })
  t.equal(otherAfterRestart.statusCode, 200)
})

t.test('POST /logout {"everywhere": true}: every token issued until now dies, later ones work', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const now = Math.floor(Date.now() / 1000)
  const older = issuer.userToken({ sub: 'auth0|dave', iat: now - 100, jti: 'old' })
  const current = issuer.userToken({ sub: 'auth0|dave', iat: now, jti: 'current' })
  const noIat = issuer.userToken({ sub: 'auth0|dave', iat: undefined, jti: 'no-iat' })
  const someoneElse = issuer.userToken({ sub: 'auth0|erin', iat: now - 100 })

  const out = await app.inject({ method: 'POST', url: '/logout', headers: bearer(current), payload: { everywhere: true } })
  t.equal(out.statusCode, 200)
  t.same(out.json(), { revoked: true, logoutUrl: null }, 'no logout URL without AUTH0_CLIENT_ID and AUTH0_LOGOUT_RETURN_TO')

  for (const [label, token] of [['current', current], ['older', older], ['without iat', noIat]] as const) {
    const res = await app.inject({ method: 'GET', url: '/me', headers: bearer(token) })
    t.equal(res.statusCode, 401, `the ${label} token is revoked`)
  }
  const other = await app.inject({ method: 'GET', url: '/me', headers: bearer(someoneElse) })
  t.equal(other.statusCode, 200, 'other users are untouched')
  const later = issuer.userToken({ sub: 'auth0|dave', iat: now + 2, jti: 'new' })
  const fresh = await app.inject({ method: 'GET', url: '/me', headers: bearer(later) })
  t.equal(fresh.statusCode, 200, 'a token issued after the logout works')

  const bad = await app.inject({ method: 'POST', url: '/logout', headers: bearer(later), payload: { everywhere: 'yes' } })
  t.equal(bad.statusCode, 400, 'everywhere must be a boolean')
  const unknown = await app.inject({ method: 'POST', url: '/logout', headers: bearer(later), payload: { all: true } })
  t.equal(unknown.statusCode, 400, 'unknown fields are refused')
  const stillWorks = await app.inject({ method: 'GET', url: '/me', headers: bearer(later) })
  t.equal(stillWorks.statusCode, 200, 'a refused logout revoked nothing')
})

t.test('expired revocations are purged', async (t) => {
  const issuer = await startIssuer(t)
  const env = { DATABASE_URL: tempDatabase(t) }
  const app = await startApp(t, issuer, env)
  const now = Math.floor(Date.now() / 1000)
  const shortLived = issuer.userToken({ jti: 'short', exp: now + 30 })
  t.equal((await app.inject({ method: 'POST', url: '/logout', headers: bearer(shortLived) })).statusCode, 200)
  t.equal(await app.store.revocations.purgeExpired(new Date()), 0, 'an unexpired revocation is kept')
  t.equal(await app.store.revocations.isRevoked('auth0|user-1', 'jti:short', now), true)
  t.equal(await app.store.revocations.purgeExpired(new Date(Date.now() + 60_000)), 1, 'once the token has expired its revocation goes')
  t.equal(await app.store.revocations.isRevoked('auth0|user-1', 'jti:short', now), false)
})

t.test('a logout through another process on the same database is seen within a second', async (t) => {
  const issuer = await startIssuer(t)
  const env = { DATABASE_URL: tempDatabase(t) }
  const first = await startApp(t, issuer, env)
  const second = await startApp(t, issuer, env)
  const token = issuer.userToken({ sub: 'auth0|frank', jti: 'shared' })
  t.equal((await first.inject({ method: 'GET', url: '/me', headers: bearer(token) })).statusCode, 200, 'known good on the first instance')
  t.equal((await second.inject({ method: 'POST', url: '/logout', headers: bearer(token) })).statusCode, 200, 'logged out on the second')
  t.equal((await second.inject({ method: 'GET', url: '/me', headers: bearer(token) })).statusCode, 401, 'refused at once where it was revoked')
  await sleep(CROSS_PROCESS_RECHECK_MS + 50)
  const after = await first.inject({ method: 'GET', url: '/me', headers: bearer(token) })
  t.equal(after.statusCode, 401, 'the first instance refuses it once its recheck interval has passed')
  t.match(after.headers['www-authenticate'], /token revoked/)
})

t.test("logging out one user's token leaves another user's token with the same jti working", async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { DATABASE_URL: tempDatabase(t) })
  // A jti is unique per issuer and subject at best; two subjects may well share one.
  const alice = issuer.userToken({ sub: 'auth0|alice', jti: 'same-jti' })
  const bob = issuer.userToken({ sub: 'auth0|bob', jti: 'same-jti' })
  t.equal((await app.inject({ method: 'GET', url: '/me', headers: bearer(bob) })).statusCode, 200, "bob's token works")
  t.equal((await app.inject({ method: 'POST', url: '/logout', headers: bearer(alice) })).statusCode, 200)
  const aliceAgain = await app.inject({ method: 'GET', url: '/me', headers: bearer(alice) })
  t.equal(aliceAgain.statusCode, 401, "alice's token is revoked")
  const bobAgain = await app.inject({ method: 'GET', url: '/me', headers: bearer(bob) })
  t.equal(bobAgain.statusCode, 200, "bob's token, sharing its jti, still works")
  t.equal(await app.store.revocations.isRevoked('auth0|bob', 'jti:same-jti', null), false)
  t.equal(await app.store.revocations.isRevoked('auth0|alice', 'jti:same-jti', null), true)
})
