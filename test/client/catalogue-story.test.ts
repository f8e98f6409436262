import type { AddressInfo } from 'node:net'
import t from 'tap'
import { createStoreClient } from '../../client/index.js'
import { startApp, startIssuer } from '../helpers/app.js'

// The typed client (client/index.ts on the generated client/schema.ts) walks the catalogue
// story against the real app listening on 127.0.0.1, as a frontend would. tsc checks this
// file too, so a path, parameter or field the document does not have fails the build.

t.test('the typed client walks the whole catalogue story against the real app', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const admin = createStoreClient({ baseUrl, token: issuer.adminToken() })
  const anonymous = createStoreClient({ baseUrl })

  const created = await admin.POST('/products', {
    body: { title: 'Typed Lamp', price: '19.90', image: 'https://example.com/lamp.jpg' },
    params: { header: { 'idempotency-key': 'story-lamp-1' } }
  })
  t.equal(created.response.status, 201)
  const lamp = created.data
  if (!lamp) throw new Error('no product created')
  t.match(lamp, { title: 'Typed Lamp', price: '19.90' })
  t.equal(created.response.headers.get('location'), `/products/${lamp.id}`)

  const page = await anonymous.GET('/products', { params: { query: { sort: '-id', limit: 5 } } })
  t.equal(page.response.status, 200)
  t.equal(page.data?.items[0]?.id, lamp.id, 'the newest product heads the list sorted by -id')

  const found = await anonymous.GET('/products', { params: { query: { q: 'typed lamp' } } })
  t.same(found.data?.items.map((product) => product.id), [lamp.id], 'search finds it')

  const got = await anonymous.GET('/products/{id}', { params: { path: { id: lamp.id } } })
  t.same(got.data, lamp)
  const etag = got.response.headers.get('etag')
  t.ok(etag, 'a read sends the ETag')

  const updated = await admin.PATCH('/products/{id}', {
    params: { path: { id: lamp.id }, header: { 'if-match': etag ?? '' } },
    body: { price: 17.5 }
  })
  t.equal(updated.response.status, 200)
  t.equal(updated.data?.price, '17.50')
  const stale = await admin.PATCH('/products/{id}', {
    params: { path: { id: lamp.id }, header: { 'if-match': etag ?? '' } },
    body: { price: '15.00' }
  })
  t.equal(stale.response.status, 412, 'the old ETag no longer matches')
  t.equal(stale.error?.status, 412, 'the error is the typed Problem')

  const me = await admin.GET('/me')
  t.match(me.data, { sub: 'auth0|admin-1', isAdmin: true })

  const removed = await admin.DELETE('/products/{id}', { params: { path: { id: lamp.id } } })
  t.equal(removed.response.status, 204)
  const gone = await anonymous.GET('/products/{id}', { params: { path: { id: lamp.id } } })
  t.equal(gone.response.status, 404)
  t.equal(gone.error?.detail, `Product ${lamp.id} does not exist.`)

  const loggedOut = await admin.POST('/logout')
  t.same(loggedOut.data, { revoked: true, logoutUrl: null })
  const after = await admin.GET('/me')
  t.equal(after.response.status, 401, 'the token is revoked')
  t.match(after.response.headers.get('www-authenticate'), /^Bearer /)
})

t.test('the token may be a function, asked on every request', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  let asked = 0
  const client = createStoreClient({ baseUrl, token: async () => { asked++; return issuer.userToken() } })
  const me = await client.GET('/me')
  t.equal(me.data?.sub, 'auth0|user-1')
  t.equal(asked, 1)
})
