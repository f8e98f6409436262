import t from 'tap'
import { bearer, startApp, startIssuer } from '../../helpers/app.js'

const PIZZA = { title: 'Yummy Pizza', price: '10.00', image: 'https://example.com/pizza.jpg' }

t.test('products: the tutorial story through the API', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const admin = bearer(issuer.adminToken())
  const user = bearer(issuer.userToken())

  const empty = await app.inject({ method: 'GET', url: '/products' })
  t.equal(empty.statusCode, 200)
  t.same(empty.json(), { items: [], nextCursor: null }, 'a test database starts empty (no demo data outside development)')

  const forbidden = await app.inject({ method: 'POST', url: '/products', headers: user, payload: PIZZA })
  t.equal(forbidden.statusCode, 403, 'a signed-in user is not an admin')

  const created = await app.inject({ method: 'POST', url: '/products', headers: admin, payload: PIZZA })
  t.equal(created.statusCode, 201)
  const product = created.json()
  t.equal(created.headers.location, `/products/${product.id}`)
  t.match(product, { title: 'Yummy Pizza', price: '10.00', image: PIZZA.image })
  t.equal(product.createdAt, product.updatedAt)
  t.ok(!Number.isNaN(Date.parse(product.createdAt)))

  const fetched = await app.inject({ method: 'GET', url: `/products/${product.id}` })
  t.same(fetched.json(), product, 'anyone can read it back, unchanged')

  const replaced = await app.inject({
    method: 'PUT',
    url: `/products/${product.id}`,
    headers: admin,
    payload: { title: 'Pizza Margherita', price: 12.5, image: 'http://example.com/m.jpg' }
  })
  t.equal(replaced.statusCode, 200)
  t.match(replaced.json(), { id: product.id, title: 'Pizza Margherita', price: '12.50', createdAt: product.createdAt })

  const patched = await app.inject({ method: 'PATCH', url: `/products/${product.id}`, headers: admin, payload: { price: '13' } })
  t.equal(patched.statusCode, 200)
  t.match(patched.json(), { title: 'Pizza Margherita', price: '13.00', image: 'http://example.com/m.jpg' })
  t.ok(Date.parse(patched.json().updatedAt) >= Date.parse(product.updatedAt))

  const deleted = await app.inject({ method: 'DELETE', url: `/products/${product.id}`, headers: admin })
  t.equal(deleted.statusCode, 204)
  t.equal(deleted.body, '')
  const gone = await app.inject({ method: 'GET', url: `/products/${product.id}` })
  t.equal(gone.statusCode, 404)
  t.equal(gone.headers['content-type'], 'application/problem+json; charset=utf-8')

  for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
    const missing = await app.inject({ method, url: '/products/999999', headers: admin, payload: method === 'DELETE' ? undefined : PIZZA })
    t.equal(missing.statusCode, 404, `${method} of an unknown id is 404`)
  }
})

t.test('products: the Auth0 RBAC permission also makes an admin', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const m2m = issuer.token({ sub: 'client@clients', permissions: ['read:products', 'write:products'] })
  const created = await app.inject({ method: 'POST', url: '/products', headers: bearer(m2m), payload: PIZZA })
  t.equal(created.statusCode, 201)
  const roleString = issuer.token({ [issuer.roleClaim]: 'admin' })
  const alsoCreated = await app.inject({ method: 'POST', url: '/products', headers: bearer(roleString), payload: PIZZA })
  t.equal(alsoCreated.statusCode, 201, 'a role claim that is a plain string counts too')
  const readOnly = issuer.token({ permissions: ['read:products'], [issuer.roleClaim]: ['administrator'] })
  const refused = await app.inject({ method: 'POST', url: '/products', headers: bearer(readOnly), payload: PIZZA })
  t.equal(refused.statusCode, 403)
  t.match(refused.headers['www-authenticate'], /error="insufficient_scope"/)
})

t.test('products: price is exact both ways', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const admin = bearer(issuer.adminToken())
  const cases: Array<[string | number, string]> = [
    ['0', '0.00'], [0, '0.00'], ['0.1', '0.10'], [0.1, '0.10'], ['899.99', '899.99'], [899.99, '899.99'],
    ['99999.99', '99999.99'], [99999.99, '99999.99'], [1.05, '1.05'], [0.29, '0.29'], ['00042.5', '42.50'], [1e2, '100.00']
  ]
  for (const [price, expected] of cases) {
    const res = await app.inject({ method: 'POST', url: '/products', headers: admin, payload: { ...PIZZA, price } })
    t.equal(res.statusCode, 201, `${JSON.stringify(price)} is accepted`)
    t.equal(res.json().price, expected, `${JSON.stringify(price)} is stored as ${expected}`)
    const back = await app.inject({ method: 'GET', url: `/products/${res.json().id}` })
    t.equal(back.json().price, expected)
  }
  const rejected: unknown[] = [
    '-1', -0.01, '100000', 100000, 99999.999, '1.234', 0.1 + 0.2, '1e3', '', ' 1.00', '1.', '.5', 'NaN', 'Infinity', '١٢', null, true, [], {}, '0x10'
  ]
  for (const price of rejected) {
    const res = await app.inject({ method: 'POST', url: '/products', headers: admin, payload: { ...PIZZA, price } })
    t.equal(res.statusCode, 400, `${JSON.stringify(price)} is refused`)
    t.ok(res.json().errors.some((e: { field: string }) => e.field === 'price'), 'the error names price')
  }
  const list = await app.inject({ method: 'GET', url: '/products?limit=100' })
  t.equal(list.json().items.length, cases.length, 'nothing was stored by a refused request')
})

t.test('products: validation edges', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const admin = bearer(issuer.adminToken())
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/products', headers: { ...admin, ...headers }, payload: payload as object })

  const trimmed = await post({ ...PIZZA, title: `   ${'a'.repeat(50)}   ` })
  t.equal(trimmed.statusCode, 201)
  t.equal(trimmed.json().title, 'a'.repeat(50), 'the title is stored trimmed')

  const badBodies: Array<[string, unknown, string]> = [
    ['title too long', { ...PIZZA, title: 'a'.repeat(51) }, 'title'],
    ['title blank', { ...PIZZA, title: '    ' }, 'title'],
    ['title empty', { ...PIZZA, title: '' }, 'title'],
    ['title a number', { ...PIZZA, title: 5 }, 'title'],
    ['title missing', { price: '1.00', image: PIZZA.image }, 'title'],
    ['image not a URL', { ...PIZZA, image: 'not a url' }, 'image'],
    ['image javascript:', { ...PIZZA, image: 'javascript:alert(1)' }, 'image'],
    ['image ftp', { ...PIZZA, image: 'ftp://example.com/a.jpg' }, 'image'],
    ['image too long', { ...PIZZA, image: `https://example.com/${'a'.repeat(240)}` }, 'image'],
    ['unknown field', { ...PIZZA, colour: 'red' }, 'colour'],
    ['client-set id', { ...PIZZA, id: 7 }, 'id'],
    ['client-set createdAt', { ...PIZZA, createdAt: '2020-01-01T00:00:00.000Z' }, 'createdAt']
  ]
  for (const [name, body, field] of badBodies) {
    const res = await post(body)
    t.equal(res.statusCode, 400, name)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${name}: problem+json`)
    const problem = res.json()
    t.match(problem, { type: 'about:blank', title: 'Bad Request', status: 400 }, `${name}: problem shape`)
    t.ok(problem.errors.some((e: { field: string; in: string }) => e.field === field && e.in === 'body'), `${name}: names ${field}`)
  }

  const malformed = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"title": "x",' })
  t.equal(malformed.statusCode, 400, 'malformed JSON')
  t.match(malformed.json(), { status: 400, detail: /JSON/ })
  t.notMatch(malformed.body, /at .*\(.*:\d+:\d+\)/, 'no stack trace')

  const pollution = await app.inject({
    method: 'POST',
    url: '/products',
    headers: { ...admin, 'content-type': 'application/json' },
    payload: '{"title":"x","price":"1.00","image":"https://e.com/a","__proto__":{"admin":true}}'
  })
  t.equal(pollution.statusCode, 400, 'a __proto__ key is refused by the JSON parser')
  t.equal(pollution.headers['content-type'], 'application/problem+json; charset=utf-8')

  const emptyJson = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'content-type': 'application/json' }, payload: '' })
  t.equal(emptyJson.statusCode, 400, 'empty JSON body')

  const array = await post([PIZZA])
  t.equal(array.statusCode, 400, 'an array is not a product')

  const text = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'content-type': 'text/plain' }, payload: 'hello' })
  t.equal(text.statusCode, 415, 'text/plain is not accepted')
  t.equal(text.headers['content-type'], 'application/problem+json; charset=utf-8')

  const emptyPatch = await app.inject({ method: 'PATCH', url: `/products/${trimmed.json().id}`, headers: admin, payload: {} })
  t.equal(emptyPatch.statusCode, 400, 'an empty PATCH changes nothing and says so')

  const partialPut = await app.inject({ method: 'PUT', url: `/products/${trimmed.json().id}`, headers: admin, payload: { title: 'only a title' } })
  t.equal(partialPut.statusCode, 400, 'PUT is a full replace')
  const unchanged = await app.inject({ method: 'GET', url: `/products/${trimmed.json().id}` })
  t.same(unchanged.json(), trimmed.json(), 'refused writes changed nothing')

  for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999', '%00', 'null', '1e3x']) {
    const res = await app.inject({ method: 'GET', url: `/products/${id}` })
    t.ok(res.statusCode === 400 || res.statusCode === 404, `malformed id ${id} is ${res.statusCode}`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  }
  const longId = await app.inject({ method: 'GET', url: `/products/${'9'.repeat(500)}` })
  t.equal(longId.statusCode, 414, 'an absurdly long id is refused cleanly')
  t.equal(longId.headers['content-type'], 'application/problem+json; charset=utf-8')
})

t.test('products: paging visits every product exactly once', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const admin = bearer(issuer.adminToken())
  const ids: number[] = []
  for (let i = 0; i < 45; i++) {
    const res = await app.inject({ method: 'POST', url: '/products', headers: admin, payload: { ...PIZZA, title: `Product ${i}` } })
    ids.push(res.json().id)
  }
  const firstDefault = await app.inject({ method: 'GET', url: '/products' })
  t.equal(firstDefault.json().items.length, 20, 'default limit is 20')

  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/products?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const page = await app.inject({ method: 'GET', url })
    t.equal(page.statusCode, 200)
    const body = page.json() as { items: Array<{ id: number }>; nextCursor: string | null }
    seen.push(...body.items.map((item) => item.id))
    cursor = body.nextCursor
    pages++
  } while (cursor && pages < 20)
  t.same(seen, ids, 'every product once, in order')
  t.equal(pages, 7)

  for (const query of ['limit=0', 'limit=101', 'limit=abc', 'limit=-5', 'cursor=%%%', 'cursor=bm90LWpzb24', 'cursor=eyJhZnRlcklkIjoieCJ9', 'unknown=1']) {
    const res = await app.inject({ method: 'GET', url: `/products?${query}` })
    t.equal(res.statusCode, 400, `${query} is refused`)
    t.ok(Array.isArray(res.json().errors) && res.json().errors.length > 0, `${query}: the error names the parameter`)
  }
})

t.test('products: restart keeps the data (file database)', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = mkdtempSync(join(tmpdir(), 'store-api-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const issuer = await startIssuer(t)
  const env = { DATABASE_URL: `file:${join(dir, 'nested', 'store.db')}` }

  const first = await startApp(t, issuer, env)
  const created = await first.inject({ method: 'POST', url: '/products', headers: bearer(issuer.adminToken()), payload: PIZZA })
  t.equal(created.statusCode, 201)
  await first.close()

  const second = await startApp(t, issuer, env)
  const back = await second.inject({ method: 'GET', url: `/products/${created.json().id}` })
  t.same(back.json(), created.json(), 'the product survived the restart')
})
