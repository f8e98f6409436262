import t from 'tap'
import { bearer, startApp, startIssuer } from '../../helpers/app.js'
import { allIds, IMAGE, names, PROBLEM, setup } from '../../helpers/products.js'

// Idempotency-Key on POST /products and /products/bulk: replays, refusals, races, key format.
// The real app (in-memory SQLite, or PostgreSQL with TEST_DATABASE=postgres), tokens from a local issuer.

t.test('Idempotency-Key', async (t) => {
  const { issuer, app, admin } = await setup(t)
  const count = async () => (await allIds(app)).length
  const body = { title: 'Once only', price: '12.34', image: IMAGE }

  const first = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'idempotency-key': 'key-1' }, payload: body })
  t.equal(first.statusCode, 201)
  t.notOk(first.headers['idempotent-replayed'], 'the first answer is not a replay')
  t.equal(await count(), 1)
  for (let i = 0; i < 2; i++) {
    const again = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'idempotency-key': 'key-1' }, payload: body })
    t.equal(again.statusCode, 201, 'the replay has the same status')
    t.equal(again.body, first.body, 'and an identical body')
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.equal(again.headers.location, first.headers.location, 'and the same Location')
    t.equal(again.headers.etag, first.headers.etag, 'and the same ETag')
    t.match(again.headers['content-type'], /^application\/json/)
  }
  t.equal(await count(), 1, 'no second product')

  const different = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'idempotency-key': 'key-1' }, payload: { ...body, price: '12.35' } })
  t.equal(different.statusCode, 422, 'same key, different body')
  t.equal(different.headers['content-type'], PROBLEM)
  t.equal(await count(), 1)

  const admin2 = bearer(issuer.adminToken({ sub: 'auth0|admin-2' }))
  const theirs = await app.inject({ method: 'POST', url: '/products', headers: { ...admin2, 'idempotency-key': 'key-1' }, payload: body })
  t.equal(theirs.statusCode, 201, 'another subject with the same key is independent')
  t.notOk(theirs.headers['idempotent-replayed'])
  t.not(theirs.json().id, first.json().id, 'and gets its own product')
  t.equal(await count(), 2)

  // Concurrent first requests with one key: one product.
  for (let round = 0; round < 5; round++) {
    const before = await count()
    const key = `race-${round}`
    const [a, b] = await Promise.all([
      app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'idempotency-key': key }, payload: { ...body, title: `Race ${round}` } }),
      app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'idempotency-key': key }, payload: { ...body, title: `Race ${round}` } })
    ])
    t.equal(await count(), before + 1, `round ${round}: exactly one product created`)
    const [winner, loser] = a.headers['idempotent-replayed'] ? [b, a] : [a, b]
    t.equal(winner.statusCode, 201, `round ${round}: one is created`)
    t.ok(
      loser.statusCode === 201 && loser.headers['idempotent-replayed'] === 'true' && loser.body === winner.body,
      `round ${round}: the other is the replay of the first (${loser.statusCode})`
    )
  }

  // Bulk honours keys.
  const rows = [{ title: 'Bulk A', price: '1.00', image: IMAGE }, { title: 'Bulk B', price: '2.00', image: IMAGE }]
  const beforeBulk = await count()
  const bulk1 = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, 'idempotency-key': 'bulk-key' }, payload: rows })
  t.equal(bulk1.statusCode, 201)
  const bulk2 = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, 'idempotency-key': 'bulk-key' }, payload: rows })
  t.equal(bulk2.statusCode, 201)
  t.equal(bulk2.body, bulk1.body, 'bulk replay: identical body')
  t.equal(bulk2.headers['idempotent-replayed'], 'true')
  t.equal(await count(), beforeBulk + 2, 'bulk replay created nothing')
  const bulk3 = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, 'idempotency-key': 'bulk-key' }, payload: rows.slice(0, 1) })
  t.equal(bulk3.statusCode, 422, 'bulk: same key, different body')
  const csv = 'title,price,image\nCsv once,3.00,https://example.com/c.jpg\n'
  const csvHeaders = { ...admin, 'content-type': 'text/csv', 'idempotency-key': 'bulk-csv-key' }
  const csv1 = await app.inject({ method: 'POST', url: '/products/bulk', headers: csvHeaders, payload: csv })
  const csv2 = await app.inject({ method: 'POST', url: '/products/bulk', headers: csvHeaders, payload: csv })
  t.equal(csv1.statusCode, 201)
  t.equal(csv2.body, csv1.body, 'a CSV bulk replays too')
  t.equal(csv2.headers['idempotent-replayed'], 'true')
  t.equal(await count(), beforeBulk + 3)

  // Key format.
  const before = await count()
  const long = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'idempotency-key': 'k'.repeat(256) }, payload: body })
  t.equal(long.statusCode, 400, 'a key longer than 255 characters')
  t.ok(names(long, 'headers').includes('idempotency-key'), 'names the header')
  const longest = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'idempotency-key': 'k'.repeat(255) }, payload: body })
  t.equal(longest.statusCode, 201, '255 characters is fine')
  const longBulk = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, 'idempotency-key': 'k'.repeat(256) }, payload: rows })
  t.equal(longBulk.statusCode, 400, 'bulk: a key longer than 255 characters')
  t.equal(await count(), before + 1)

  // A request refused by validation does not use up its key.
  const refusals: Array<[string, string, unknown, unknown]> = [
    ['schema: title missing', '/products', { price: '1.00', image: IMAGE }, body],
    ['schema: unknown field', '/products', { ...body, colour: 'red' }, body],
    ['price with three decimals (JSON number)', '/products', { ...body, price: 1.234 }, body],
    ['price above the maximum (JSON number)', '/products', { ...body, price: 99999.999 }, body],
    ['bulk: a bad row', '/products/bulk', [...rows, { title: 'Bad', price: 'abc', image: IMAGE }], rows],
    ['bulk: empty array', '/products/bulk', [], rows]
  ]
  for (const [name, url, bad, good] of refusals) {
    const key = `refused-${name}`.replace(/[^\x21-\x7e]/g, '-')
    const headers = { ...admin, 'idempotency-key': key }
    const start = await count()
    const refused = await app.inject({ method: 'POST', url, headers, payload: bad as object })
    t.equal(refused.statusCode, 400, `${name}: 400`)
    t.equal(await count(), start, `${name}: nothing created`)
    const retried = await app.inject({ method: 'POST', url, headers, payload: good as object })
    t.equal(retried.statusCode, 201, `${name}: the same key with a valid body then gets 201`, { body: retried.body })
    t.notOk(retried.headers['idempotent-replayed'], `${name}: not a replay`)
  }
})

t.test('expired idempotency records are purged, freeing their keys', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const headers = { ...bearer(issuer.adminToken()), 'idempotency-key': 'nightly-import' }
  t.equal((await app.inject({ method: 'POST', url: '/products', headers, payload: { title: 'Chair', price: '1.00', image: IMAGE } })).statusCode, 201)
  const other = { title: 'Another chair', price: '1.00', image: IMAGE }
  t.equal((await app.inject({ method: 'POST', url: '/products', headers, payload: other })).statusCode, 422, 'the key is taken')
  t.equal(await app.store.idempotency.purgeBefore(new Date(Date.now() - 60_000)), 0, 'a fresh record is kept')
  t.equal(await app.store.idempotency.purgeBefore(new Date(Date.now() + 1000)), 1, 'an expired one goes')
  t.equal((await app.inject({ method: 'POST', url: '/products', headers, payload: other })).statusCode, 201, 'and its key is free again')
})
