import t from 'tap'
import { bearer, startApp, startIssuer } from '../helpers/app.js'

// GET /admin/users: the real app, tokens from a local issuer (test/helpers/issuer.ts).

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
