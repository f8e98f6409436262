import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../helpers/app.js'
import { profileOf } from '../helpers/issuer.js'
import { CROSS_PROCESS_RECHECK_MS } from '../../src/store/sqlite/revocation-repository.js'

const PRODUCT = { title: 'Chair', price: '1.00', image: 'https://example.com/c.jpg' }

function tempDatabase (t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-api-identity-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return `file:${join(dir, 'store.db')}`
}

t.test('GET /me: the token\'s rights and the issuer\'s profile', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)

  const anonymous = await app.inject({ method: 'GET', url: '/me' })
  t.equal(anonymous.statusCode, 401)
  t.equal(anonymous.headers['www-authenticate'], 'Bearer realm="store-api"')

  const token = issuer.token({ sub: 'auth0|alice', [issuer.roleClaim]: ['editor', 'admin'], permissions: ['read:products'] })
  const me = await app.inject({ method: 'GET', url: '/me', headers: bearer(token) })
  t.equal(me.statusCode, 200)
  const { name, email, picture } = profileOf('auth0|alice')
  t.same(me.json(), { sub: 'auth0|alice', name, email, picture, roles: ['editor', 'admin'], permissions: ['read:products'], isAdmin: true })

  const again = await app.inject({ method: 'GET', url: '/me', headers: bearer(token) })
  t.same(again.json(), me.json())
  t.equal(issuer.userinfoRequests, 1, 'the profile is cached per subject')

  const m2m = issuer.token({ sub: 'svc@clients', [issuer.roleClaim]: undefined, permissions: ['write:products'] })
  const machine = await app.inject({ method: 'GET', url: '/me', headers: bearer(m2m) })
  t.match(machine.json(), { sub: 'svc@clients', roles: [], permissions: ['write:products'], isAdmin: true })

  const plain = await app.inject({ method: 'GET', url: '/me', headers: bearer(issuer.token({ sub: 'auth0|bob', [issuer.roleClaim]: 'user' })) })
  t.match(plain.json(), { sub: 'auth0|bob', roles: ['user'], isAdmin: false })
})

t.test('GET /me without a working userinfo: 200 with null profile fields, never a 5xx or a hang', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { USERINFO_TIMEOUT_MS: '200' })
  const modes = [
    ['down', { kind: 'down' }],
    ['refusing the token', { kind: 'refuse' }],
    ['slow', { kind: 'slow', delayMs: 5000 }]
  ] as const
  for (const [label, mode] of modes) {
    issuer.userinfoMode = mode
    const started = Date.now()
    const me = await app.inject({ method: 'GET', url: '/me', headers: bearer(issuer.userToken({ sub: `auth0|${label}` })) })
    t.equal(me.statusCode, 200, `userinfo ${label}`)
    t.match(me.json(), { sub: `auth0|${label}`, name: null, email: null, picture: null, roles: ['user'], isAdmin: false })
    t.ok(Date.now() - started < 2000, `userinfo ${label}: answered without waiting on the issuer`)
  }

  // A refusal is not remembered: the same subject with a token userinfo accepts gets its profile.
  issuer.userinfoMode = { kind: 'up' }
  const recovered = await app.inject({ method: 'GET', url: '/me', headers: bearer(issuer.userToken({ sub: 'auth0|refusing the token' })) })
  t.equal(recovered.json().name, profileOf('auth0|refusing the token').name)
})

t.test('user records: created on first use, lastSeenAt written at most once a minute', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const admin = bearer(issuer.adminToken())

  const none = await app.inject({ method: 'GET', url: '/admin/users/auth0%7Ccarol', headers: admin })
  t.equal(none.statusCode, 404, 'unknown subject')

  const carol = issuer.userToken({ sub: 'auth0|carol' })
  await app.inject({ method: 'GET', url: '/products', headers: bearer(carol) })
  const stillNone = await app.inject({ method: 'GET', url: '/admin/users/auth0%7Ccarol', headers: admin })
  t.equal(stillNone.statusCode, 404, 'a public route does not look at tokens')

  await app.inject({ method: 'GET', url: '/me', headers: bearer(carol) })
  const record = await app.inject({ method: 'GET', url: '/admin/users/auth0%7Ccarol', headers: admin })
  t.equal(record.statusCode, 200)
  const first = record.json()
  const profile = profileOf('auth0|carol')
  t.match(first, { sub: 'auth0|carol', name: profile.name, email: profile.email, picture: profile.picture, isAdmin: false })
  t.equal(first.firstSeenAt, first.lastSeenAt)

  // Within the minute, more requests do not touch the row.
  await new Promise((resolve) => setTimeout(resolve, 20))
  for (let i = 0; i < 5; i++) await app.inject({ method: 'GET', url: '/me', headers: bearer(carol) })
  const unchanged = await app.inject({ method: 'GET', url: '/admin/users/auth0%7Ccarol', headers: admin })
  t.equal(unchanged.json().lastSeenAt, first.lastSeenAt, 'lastSeenAt is throttled')

  // A change of rights is recorded at once: "isAdmin as last seen".
  await app.inject({ method: 'GET', url: '/me', headers: bearer(issuer.adminToken({ sub: 'auth0|carol' })) })
  const promoted = await app.inject({ method: 'GET', url: '/admin/users/auth0%7Ccarol', headers: admin })
  t.equal(promoted.json().isAdmin, true)
  t.ok(promoted.json().lastSeenAt > first.lastSeenAt)
  t.equal(promoted.json().firstSeenAt, first.firstSeenAt)

  // Authorization comes from the token, never from the table.
  const demoted = await app.inject({ method: 'POST', url: '/products', headers: bearer(carol), payload: PRODUCT })
  t.equal(demoted.statusCode, 403, 'a user token stays a user token whatever the record says')
})

t.test('admin user listing: admins only, most recently seen first, paged', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const subjects = Array.from({ length: 7 }, (_, i) => `auth0|u${i}`)
  for (const sub of subjects) {
    await app.inject({ method: 'GET', url: '/me', headers: bearer(issuer.userToken({ sub })) })
    await new Promise((resolve) => setTimeout(resolve, 3))
  }
  const user = await app.inject({ method: 'GET', url: '/admin/users', headers: bearer(issuer.userToken()) })
  t.equal(user.statusCode, 403)
  t.match(user.headers['www-authenticate'], /insufficient_scope/)
  const anonymous = await app.inject({ method: 'GET', url: '/admin/users' })
  t.equal(anonymous.statusCode, 401)
  const oneUser = await app.inject({ method: 'GET', url: '/admin/users/auth0%7Cu1', headers: bearer(issuer.userToken()) })
  t.equal(oneUser.statusCode, 403)

  const admin = bearer(issuer.adminToken({ sub: 'auth0|boss' }))
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const url: string = `/admin/users?limit=3${cursor ? `&cursor=${cursor}` : ''}`
    const page = await app.inject({ method: 'GET', url, headers: admin })
    t.equal(page.statusCode, 200)
    const body = page.json() as { items: Array<{ sub: string }>; nextCursor: string | null }
    seen.push(...body.items.map((item) => item.sub))
    cursor = body.nextCursor
  } while (cursor)
  // The listing admin was seen last (by the listing itself), the refused user just before.
  t.same(seen, ['auth0|boss', 'auth0|user-1', ...subjects.slice().reverse()])
  const bad = await app.inject({ method: 'GET', url: '/admin/users?cursor=nope', headers: admin })
  t.equal(bad.statusCode, 400)
})

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

t.test('expired idempotency records are purged, freeing their keys', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const headers = { ...bearer(issuer.adminToken()), 'idempotency-key': 'nightly-import' }
  t.equal((await app.inject({ method: 'POST', url: '/products', headers, payload: PRODUCT })).statusCode, 201)
  const other = { ...PRODUCT, title: 'Another chair' }
  t.equal((await app.inject({ method: 'POST', url: '/products', headers, payload: other })).statusCode, 422, 'the key is taken')
  t.equal(await app.store.idempotency.purgeBefore(new Date(Date.now() - 60_000)), 0, 'a fresh record is kept')
  t.equal(await app.store.idempotency.purgeBefore(new Date(Date.now() + 1000)), 1, 'an expired one goes')
  t.equal((await app.inject({ method: 'POST', url: '/products', headers, payload: other })).statusCode, 201, 'and its key is free again')
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
