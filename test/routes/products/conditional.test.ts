import t from 'tap'
import { auditAll, createOne, IMAGE, PROBLEM, setup } from '../../helpers/products.js'

// Conditional requests on products: ETag, If-None-Match, If-Match.
// The real app (in-memory SQLite, or PostgreSQL with TEST_DATABASE=postgres), tokens from a local issuer.

t.test('conditional requests: ETag, If-None-Match, If-Match', async (t) => {
  const { app, admin } = await setup(t)
  const product = await createOne(app, admin, { title: 'Lamp', price: '25.00', image: IMAGE })
  const other = await createOne(app, admin, { title: 'Desk', price: '125.00', image: IMAGE })
  const url = `/products/${product.id}`
  const history = async (id: number) => (await auditAll(app, admin, `productId=${id}`)).length

  // GET one: strong ETag, 304 on a match (weak comparison), 200 once it changed.
  const got = await app.inject({ method: 'GET', url })
  const etag = got.headers.etag as string
  t.match(etag, /^"[^"]+"$/, 'a strong ETag')
  const notModified = await app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } })
  t.equal(notModified.statusCode, 304)
  t.equal(notModified.body, '', '304 has no body')
  t.equal(notModified.headers.etag, etag, '304 repeats the ETag')
  const weak = await app.inject({ method: 'GET', url, headers: { 'if-none-match': `W/${etag}` } })
  t.equal(weak.statusCode, 304, 'If-None-Match uses weak comparison')
  const listed = await app.inject({ method: 'GET', url, headers: { 'if-none-match': `"nope", ${etag}` } })
  t.equal(listed.statusCode, 304, 'a list of tags containing the current one')
  const otherTag = await app.inject({ method: 'GET', url, headers: { 'if-none-match': '"nope"' } })
  t.equal(otherTag.statusCode, 200, 'another tag: 200')
  t.same(otherTag.json(), product)

  const patched = await app.inject({ method: 'PATCH', url, headers: admin, payload: { price: '26.00' } })
  t.equal(patched.statusCode, 200)
  const etag2 = patched.headers.etag as string
  t.ok(etag2 && etag2 !== etag, 'PATCH answers with a new ETag')
  const stale = await app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } })
  t.equal(stale.statusCode, 200, 'the old tag no longer matches')
  t.equal(stale.json().price, '26.00')
  t.equal(stale.headers.etag, etag2, 'GET sends the same tag PATCH announced')

  // The list.
  const list = await app.inject({ method: 'GET', url: '/products' })
  const listTag = list.headers.etag as string
  t.ok(listTag, 'the list sends an ETag')
  const list304 = await app.inject({ method: 'GET', url: '/products', headers: { 'if-none-match': listTag } })
  t.equal(list304.statusCode, 304)
  t.equal(list304.body, '')
  const changes: Array<[string, () => Promise<unknown>]> = [
    ['an update', () => app.inject({ method: 'PATCH', url: `/products/${other.id}`, headers: admin, payload: { title: 'Desk 2' } })],
    ['a create', () => createOne(app, admin, { title: 'Chair', price: '5.00', image: IMAGE })],
    ['a delete', () => app.inject({ method: 'DELETE', url: `/products/${other.id}`, headers: admin })]
  ]
  let previous = listTag
  for (const [name, change] of changes) {
    await change()
    const after = await app.inject({ method: 'GET', url: '/products', headers: { 'if-none-match': previous } })
    t.equal(after.statusCode, 200, `after ${name} the list is 200`)
    const tag = after.headers.etag as string
    t.ok(tag && tag !== previous, `after ${name} the list has a new ETag`)
    previous = tag
  }
  const filteredTag = (await app.inject({ method: 'GET', url: '/products?q=lamp' })).headers.etag as string
  t.equal((await app.inject({ method: 'GET', url: '/products?q=lamp', headers: { 'if-none-match': filteredTag } })).statusCode, 304, 'a filtered list too')

  // Stale If-Match: 412, nothing changes, no audit entry.
  const before = (await app.inject({ method: 'GET', url })).json()
  const entries = await history(product.id)
  const refusals: Array<[string, 'PUT' | 'PATCH' | 'DELETE', object | undefined]> = [
    ['PUT', 'PUT', { title: 'Replaced', price: '1.00', image: IMAGE }],
    ['PATCH', 'PATCH', { price: '1.00' }],
    ['DELETE', 'DELETE', undefined]
  ]
  for (const [name, method, payload] of refusals) {
    for (const header of [etag, `W/${etag2}`, '"999-1"']) {
      const res = await app.inject({ method, url, headers: { ...admin, 'if-match': header }, ...(payload ? { payload } : {}) })
      t.equal(res.statusCode, 412, `${name} with If-Match ${header} is 412`)
      t.equal(res.headers['content-type'], PROBLEM, `${name}: problem+json`)
      t.equal(res.json().status, 412)
    }
  }
  t.same((await app.inject({ method: 'GET', url })).json(), before, 'refused writes changed nothing')
  t.equal(await history(product.id), entries, 'refused writes wrote no audit entry')

  // Current tag: success with a new ETag.
  const put = await app.inject({ method: 'PUT', url, headers: { ...admin, 'if-match': etag2 }, payload: { title: 'Lamp 2', price: '30.00', image: IMAGE } })
  t.equal(put.statusCode, 200, 'PUT with the current tag')
  const etag3 = put.headers.etag as string
  t.ok(etag3 && etag3 !== etag2, 'PUT answers with a new ETag')
  t.equal((await app.inject({ method: 'GET', url })).headers.etag, etag3)
  const patch = await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': `"x", ${etag3}` }, payload: { price: '31.00' } })
  t.equal(patch.statusCode, 200, 'PATCH with a list containing the current tag')
  const etag4 = patch.headers.etag as string
  t.ok(etag4 && etag4 !== etag3)
  const star = await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '*' }, payload: { price: '32.00' } })
  t.equal(star.statusCode, 200, 'If-Match: * on an existing product')
  t.equal(star.json().price, '32.00')
  t.not(star.headers.etag, etag4)
  for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
    const payload = method === 'PUT' ? { title: 'x', price: '1.00', image: IMAGE } : method === 'PATCH' ? { price: '1.00' } : undefined
    for (const header of ['*', '"999999-1"']) {
      const res = await app.inject({ method, url: '/products/999999', headers: { ...admin, 'if-match': header }, ...(payload ? { payload } : {}) })
      t.equal(res.statusCode, 404, `${method} of an unknown id with If-Match ${header} is 404`)
    }
  }
  const del = await app.inject({ method: 'DELETE', url, headers: { ...admin, 'if-match': star.headers.etag as string } })
  t.equal(del.statusCode, 204, 'DELETE with the current tag')
  t.equal((await app.inject({ method: 'GET', url })).statusCode, 404)
  const starGone = await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '*' }, payload: { price: '1.00' } })
  t.equal(starGone.statusCode, 404, 'If-Match: * on a deleted product is 404')

  // Two writers with the same If-Match: exactly one wins, every time.
  const racer = await createOne(app, admin, { title: 'Race', price: '1.00', image: IMAGE })
  let wins = 0
  for (let round = 0; round < 20; round++) {
    const current = (await app.inject({ method: 'GET', url: `/products/${racer.id}` })).headers.etag as string
    const auditBefore = await history(racer.id)
    const [a, b] = await Promise.all([
      app.inject({ method: 'PATCH', url: `/products/${racer.id}`, headers: { ...admin, 'if-match': current }, payload: { price: `${round}.01` } }),
      app.inject({ method: 'PATCH', url: `/products/${racer.id}`, headers: { ...admin, 'if-match': current }, payload: { price: `${round}.02` } })
    ])
    const statuses = [a.statusCode, b.statusCode].sort()
    t.same(statuses, [200, 412], `round ${round}: one 200 and one 412`)
    const winner = a.statusCode === 200 ? a : b
    const now = (await app.inject({ method: 'GET', url: `/products/${racer.id}` })).json()
    t.equal(now.price, winner.json().price, `round ${round}: the winner's write is what is stored`)
    t.equal(await history(racer.id), auditBefore + 1, `round ${round}: one audit entry`)
    if (statuses[0] === 200 && statuses[1] === 412) wins++
  }
  t.equal(wins, 20)
})
