import t from 'tap'
import { bearer, startApp, startIssuer } from '../helpers/app.js'
import { profileOf } from '../helpers/issuer.js'

// GET /me and the user records it keeps: the real app, tokens from a local issuer (test/helpers/issuer.ts).

const PRODUCT = { title: 'Chair', price: '1.00', image: 'https://example.com/c.jpg' }

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
