import t from 'tap'
import { bearer } from '../helpers/app.js'
import { auditAll, hasDuplicates, IMAGE, setup, sleep, type AuditJson } from '../helpers/products.js'
import type { ProductJson } from '../../src/lib/product-json.js'

// The audit trail: /admin/audit and /products/:id/history.
// The real app (in-memory SQLite, or PostgreSQL with TEST_DATABASE=postgres), tokens from a local issuer.

t.test('audit trail', async (t) => {
  const { issuer, app, user } = await setup(t)
  const actor = 'auth0|auditor-7'
  const admin = bearer(issuer.adminToken({ sub: actor }))
  const otherActor = 'auth0|auditor-8'
  const admin2 = bearer(issuer.adminToken({ sub: otherActor }))
  const entriesFor = async (productId: number) => auditAll(app, admin, `productId=${productId}`)

  const t0 = new Date()
  await sleep(5)
  // create
  const createdRes = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'x-request-id': 'my-req-1' }, payload: { title: 'Audited', price: '10.00', image: IMAGE } })
  t.equal(createdRes.statusCode, 201)
  t.equal(createdRes.headers['x-request-id'], 'my-req-1')
  const created = createdRes.json() as ProductJson
  let entries = await entriesFor(created.id)
  t.equal(entries.length, 1, 'create: one entry')
  t.match(entries[0], { actor, action: 'create', productId: created.id, before: null, after: created, requestId: 'my-req-1' })
  t.equal(entries[0]?.at, created.createdAt, 'the entry is dated with the change')
  await sleep(5)
  const t1 = new Date()
  await sleep(5)

  // update (PUT)
  const put = await app.inject({ method: 'PUT', url: `/products/${created.id}`, headers: { ...admin, 'x-request-id': 'my-req-2' }, payload: { title: 'Audited 2', price: '20.50', image: IMAGE } })
  t.equal(put.statusCode, 200)
  entries = await entriesFor(created.id)
  t.equal(entries.length, 2)
  t.match(entries[0], { actor, action: 'update', productId: created.id, requestId: 'my-req-2' }, 'PUT is an update')
  t.same(entries[0]?.before, created, 'before is the product as it was')
  t.same(entries[0]?.after, put.json(), 'after is the product as it became')
  t.equal(entries[0]?.before?.price, '10.00')
  t.equal(entries[0]?.after?.price, '20.50', 'prices are strings')

  // update (PATCH), by another admin
  const patch = await app.inject({ method: 'PATCH', url: `/products/${created.id}`, headers: { ...admin2, 'x-request-id': 'my-req-3' }, payload: { price: 30.1 } })
  t.equal(patch.statusCode, 200)
  entries = await entriesFor(created.id)
  t.match(entries[0], { actor: otherActor, action: 'update', requestId: 'my-req-3', before: { price: '20.50', title: 'Audited 2' }, after: { price: '30.10', title: 'Audited 2' } }, 'PATCH is an update by its own actor')

  // Refused writes write nothing.
  const count = entries.length
  const etag = (await app.inject({ method: 'GET', url: `/products/${created.id}` })).headers.etag as string
  const refused = [
    await app.inject({ method: 'PATCH', url: `/products/${created.id}`, headers: { ...admin, 'if-match': '"0-0"' }, payload: { price: '1.00' } }),
    await app.inject({ method: 'DELETE', url: `/products/${created.id}`, headers: { ...admin, 'if-match': '"0-0"' } }),
    await app.inject({ method: 'PUT', url: `/products/${created.id}`, headers: { ...admin, 'if-match': '"0-0"' }, payload: { title: 'x', price: '1.00', image: IMAGE } }),
    await app.inject({ method: 'PATCH', url: `/products/${created.id}`, headers: admin, payload: { price: 'abc' } }),
    await app.inject({ method: 'PATCH', url: `/products/${created.id}`, headers: admin, payload: { price: 1.234 } }),
    await app.inject({ method: 'PUT', url: `/products/${created.id}`, headers: admin, payload: { title: 'only' } }),
    await app.inject({ method: 'PATCH', url: `/products/${created.id}`, headers: user, payload: { price: '1.00' } })
  ]
  t.same(refused.map((r) => r.statusCode), [412, 412, 412, 400, 400, 400, 403])
  t.equal((await entriesFor(created.id)).length, count, 'refused writes (412, 400, 403) wrote no entry')
  t.equal((await app.inject({ method: 'GET', url: `/products/${created.id}` })).headers.etag, etag)

  await sleep(5)
  const t2 = new Date()
  await sleep(5)

  // delete
  const del = await app.inject({ method: 'DELETE', url: `/products/${created.id}`, headers: { ...admin, 'x-request-id': 'my-req-4' } })
  t.equal(del.statusCode, 204)
  const history = await app.inject({ method: 'GET', url: `/products/${created.id}/history`, headers: admin })
  t.equal(history.statusCode, 200, 'history still works after the product is deleted')
  const items = history.json().items as AuditJson[]
  t.same(items.map((e) => e.action), ['delete', 'update', 'update', 'create'], 'newest first')
  t.same(items.map((e) => e.requestId), ['my-req-4', 'my-req-3', 'my-req-2', 'my-req-1'])
  t.ok(items.every((e, i) => i === 0 || ((items[i - 1] as AuditJson).id > e.id && Date.parse((items[i - 1] as AuditJson).at) >= Date.parse(e.at))), 'ids and times descend')
  t.match(items[0], { actor, action: 'delete', productId: created.id, after: null, before: { price: '30.10', title: 'Audited 2' } })
  const pagedHistory = await app.inject({ method: 'GET', url: `/products/${created.id}/history?limit=3`, headers: admin })
  t.equal(pagedHistory.json().items.length, 3)
  const rest = await app.inject({ method: 'GET', url: `/products/${created.id}/history?limit=3&cursor=${encodeURIComponent(pagedHistory.json().nextCursor)}`, headers: admin })
  t.same(rest.json().items.map((e: AuditJson) => e.action), ['create'], 'history pages')
  t.equal(rest.json().nextCursor, null)
  t.equal((await app.inject({ method: 'GET', url: `/products/${created.id}/history`, headers: user })).statusCode, 403, 'history: non-admin 403')
  t.equal((await app.inject({ method: 'GET', url: `/products/${created.id}/history` })).statusCode, 401, 'history: anonymous 401')
  await sleep(5)
  const t3 = new Date()
  await sleep(5)

  // bulk-create and bulk-delete: one entry per product
  const bulk = await app.inject({
    method: 'POST',
    url: '/products/bulk',
    headers: { ...admin2, 'x-request-id': 'my-req-5', 'content-type': 'text/csv' },
    payload: 'title,price,image\nB1,1.10,https://e.com/1\nB2,2.20,https://e.com/2\nB3,3.30,https://e.com/3\n'
  })
  t.equal(bulk.statusCode, 201)
  const bulkItems = bulk.json().items as ProductJson[]
  const bulkEntries = await auditAll(app, admin, 'action=bulk-create')
  t.equal(bulkEntries.length, 3, 'bulk-create: one entry per product')
  t.same(bulkEntries.map((e) => e.productId).sort((a, b) => a - b), bulkItems.map((p) => p.id).sort((a, b) => a - b))
  for (const entry of bulkEntries) {
    t.match(entry, { actor: otherActor, action: 'bulk-create', before: null, requestId: 'my-req-5' })
    t.same(entry.after, bulkItems.find((p) => p.id === entry.productId), 'after is the created product')
  }
  const bulkDel = await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: { ...admin, 'x-request-id': 'my-req-6' }, payload: { ids: bulkItems.slice(0, 2).map((p) => p.id) } })
  t.equal(bulkDel.statusCode, 200)
  const delEntries = await auditAll(app, admin, 'action=bulk-delete')
  t.equal(delEntries.length, 2, 'bulk-delete: one entry per product')
  for (const entry of delEntries) {
    t.match(entry, { actor, action: 'bulk-delete', after: null, requestId: 'my-req-6' })
    t.same(entry.before, bulkItems.find((p) => p.id === entry.productId), 'before is the deleted product')
  }
  const refusedBulk = await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: admin, payload: { ids: [bulkItems[2]?.id, 999999] } })
  t.equal(refusedBulk.statusCode, 404)
  const refusedImport = await app.inject({ method: 'POST', url: '/products/bulk', headers: admin, payload: [{ title: 'ok', price: '1.00', image: IMAGE }, { title: 'bad', price: 'x', image: IMAGE }] })
  t.equal(refusedImport.statusCode, 400)
  const all = await auditAll(app, admin)
  t.equal(all.length, 4 + 3 + 2, 'refused bulk operations wrote nothing')

  // Filters.
  t.ok(all.every((e, i) => i === 0 || (all[i - 1] as AuditJson).id > e.id), 'newest first')
  t.same((await auditAll(app, admin, `actor=${encodeURIComponent(otherActor)}`)).map((e) => e.requestId), ['my-req-5', 'my-req-5', 'my-req-5', 'my-req-3'], 'by actor')
  t.same((await auditAll(app, admin, 'action=update')).map((e) => e.requestId), ['my-req-3', 'my-req-2'], 'by action')
  t.same((await auditAll(app, admin, 'action=delete')).map((e) => e.productId), [created.id])
  t.same((await auditAll(app, admin, `productId=${bulkItems[0]?.id}`)).map((e) => e.action), ['bulk-delete', 'bulk-create'], 'by productId')
  t.same((await auditAll(app, admin, `productId=${bulkItems[0]?.id}&action=bulk-create&actor=${encodeURIComponent(otherActor)}`)).length, 1, 'filters combine')
  t.same((await auditAll(app, admin, `productId=${bulkItems[0]?.id}&actor=${encodeURIComponent(actor)}&action=bulk-create`)).length, 0)
  const range = (from: Date, to: Date) => `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`
  t.same((await auditAll(app, admin, range(t1, t2))).map((e) => e.requestId), ['my-req-3', 'my-req-2'], 'from/to')
  t.same((await auditAll(app, admin, `from=${encodeURIComponent(t3.toISOString())}`)).map((e) => e.requestId), ['my-req-6', 'my-req-6', 'my-req-5', 'my-req-5', 'my-req-5'], 'from alone')
  t.same((await auditAll(app, admin, `to=${encodeURIComponent(t1.toISOString())}`)).map((e) => e.requestId), ['my-req-1'], 'to alone')
  t.same((await auditAll(app, admin, range(t0, t0))), [], 'an empty range')
  const exact = all[all.length - 1] as AuditJson
  t.same((await auditAll(app, admin, `from=${encodeURIComponent(exact.at)}&to=${encodeURIComponent(exact.at)}`)).map((e) => e.id), [exact.id], 'from and to are inclusive')
  const inverted = await app.inject({ method: 'GET', url: `/admin/audit?from=${encodeURIComponent(t2.toISOString())}&to=${encodeURIComponent(t1.toISOString())}`, headers: admin })
  t.equal(inverted.statusCode, 400, 'from after to')

  // Paging: no duplicates, nothing missed.
  const paged: AuditJson[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/admin/audit?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const res = await app.inject({ method: 'GET', url, headers: admin })
    t.equal(res.statusCode, 200)
    paged.push(...(res.json().items as AuditJson[]))
    cursor = res.json().nextCursor
    pages++
  } while (cursor && pages < 50)
  t.equal(pages, 5)
  t.notOk(hasDuplicates(paged.map((e) => e.id)), 'audit paging: no duplicates')
  t.same(paged, all, 'audit paging: the same entries in the same order')
  const filteredPages = await app.inject({ method: 'GET', url: '/admin/audit?action=bulk-create&limit=2', headers: admin })
  const filteredNext = await app.inject({ method: 'GET', url: `/admin/audit?action=bulk-create&limit=2&cursor=${encodeURIComponent(filteredPages.json().nextCursor)}`, headers: admin })
  t.same([...filteredPages.json().items, ...filteredNext.json().items].map((e: AuditJson) => e.id), bulkEntries.map((e) => e.id), 'filtered paging')
  t.equal(filteredNext.json().nextCursor, null)

  // Access and parameters.
  t.equal((await app.inject({ method: 'GET', url: '/admin/audit', headers: user })).statusCode, 403, 'non-admin: 403')
  const anonymous = await app.inject({ method: 'GET', url: '/admin/audit' })
  t.equal(anonymous.statusCode, 401, 'anonymous: 401')
  t.match(anonymous.headers['www-authenticate'], /^Bearer/)
  for (const query of ['action=bogus', 'from=yesterday', 'productId=0', 'limit=0', 'cursor=%2A%2A', 'unknown=1']) {
    const res = await app.inject({ method: 'GET', url: `/admin/audit?${query}`, headers: admin })
    t.equal(res.statusCode, 400, `audit ${query} is 400`)
  }
})
