import type { Test } from 'tap'
import type { Product, ProductQuery, ProductSortField } from '../../../src/store/types.js'
import { tagged, context, input, query, okValue, compare, sortKey, type StoreFor } from './helpers.js'

/** The product repository's writes: create, update, delete, preconditions, concurrency, bulk. */
export function productContract (t: Test, storeFor: StoreFor): void {
  t.test('create, get, update and delete a product; missing ids are not-found outcomes', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const created = okValue(await store.products.create(input(`${tag} Mug`, 1250), context(tag)))
    t.match(created, { title: `${tag} Mug`, priceCents: 1250, version: 1 })
    t.same(await store.products.get(created.id), created, 'read back exactly, timestamps to the millisecond')
    const updated = okValue(await store.products.update(created.id, { priceCents: 999 }, context(tag)))
    t.match(updated, { id: created.id, title: `${tag} Mug`, priceCents: 999, version: 2 })
    t.ok(updated.updatedAt.getTime() >= created.updatedAt.getTime())
    t.same(updated.createdAt, created.createdAt)
    const deleted = await store.products.delete(created.id, context(tag))
    t.same(deleted, { status: 'ok', value: updated }, 'delete returns the product as it was')
    t.equal(await store.products.get(created.id), null)
    t.same(await store.products.update(created.id, { title: 'x' }, context(tag)), { status: 'not-found' })
    t.same(await store.products.delete(created.id, context(tag)), { status: 'not-found' })
    const huge = Number.MAX_SAFE_INTEGER
    t.equal(await store.products.get(huge), null, 'any safe integer id is just not found')
    t.same(await store.products.update(huge, { title: 'x' }, context(tag)), { status: 'not-found' })
    t.same(await store.products.deleteMany([huge], context(tag)), { status: 'unknown-ids', ids: [huge] })
    t.same((await store.audit.list({ limit: 1, productId: huge, actor: null, action: null, from: null, to: null, beforeId: null })).items, [])
  })

  t.test('a precondition is checked on the current row; a refused write changes nothing', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const product = okValue(await store.products.create(input(`${tag} Lamp`), context(tag)))
    const seen: Product[] = []
    const refused = await store.products.update(product.id, { title: `${tag} Other` }, context(tag), (current) => {
      seen.push(current)
      return current.version === 7
    })
    t.same(refused, { status: 'precondition-failed', current: product })
    t.same(seen, [product], 'the precondition saw the current product')
    t.same(await store.products.delete(product.id, context(tag), () => false), { status: 'precondition-failed', current: product })
    t.same(await store.products.get(product.id), product, 'unchanged')
    const audit = await store.audit.list({ limit: 10, productId: product.id, actor: null, action: null, from: null, to: null, beforeId: null })
    t.same(audit.items.map((entry) => entry.action), ['create'], 'no audit entry for refused writes')
    const ok = await store.products.delete(product.id, context(tag), (current) => current.version === 1)
    t.equal(ok.status, 'ok')
  })

  t.test('two concurrent writes with one version precondition: exactly one wins', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const product = okValue(await store.products.create(input(`${tag} Race`), context(tag)))
    const ifVersion1 = (current: Product) => current.version === 1
    const outcomes = await Promise.all([
      store.products.update(product.id, { priceCents: 1 }, context(tag), ifVersion1),
      store.products.update(product.id, { priceCents: 2 }, context(tag), ifVersion1)
    ])
    t.same(outcomes.map((o) => o.status).sort(), ['ok', 'precondition-failed'])
    t.equal((await store.products.get(product.id))?.version, 2)
  })

  t.test('concurrent writes without a precondition all apply, each on the version before it', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const product = okValue(await store.products.create(input(`${tag} Busy`), context(tag)))
    const writes = 12
    const outcomes = await Promise.all(Array.from({ length: writes }, (_, i) =>
      store.products.update(product.id, i % 2 ? { priceCents: 100 + i } : { title: `${tag} Busy ${i}` }, context(tag))))
    t.same(outcomes.map((o) => o.status), outcomes.map(() => 'ok'), 'none is lost or refused')
    t.equal((await store.products.get(product.id))?.version, 1 + writes)
    const trail = await store.audit.list({ limit: 100, productId: product.id, actor: null, action: 'update', from: null, to: null, beforeId: null })
    t.same(trail.items.map((e) => [e.before?.version, e.after?.version]).reverse(),
      Array.from({ length: writes }, (_, i) => [i + 1, i + 2]), 'one audit entry per version, from the one before')
  })
}

/** Bulk writes and export: all or nothing, and every product in id order. */
export function productBulkContract (t: Test, storeFor: StoreFor): void {
  t.test('a failed bulk write leaves neither products nor audit entries', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    await t.rejects(store.products.createMany([input(`${tag} Good`), input(`${tag} Bad`, -5)], context(tag)))
    t.same((await store.products.list(query([tag]))).items, [])
    t.same((await store.audit.list({ limit: 10, productId: null, actor: tag, action: null, from: null, to: null, beforeId: null })).items, [])
  })

  t.test('createMany and deleteMany are all or nothing', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const created = okValue(await store.products.createMany([input(`${tag} A`, 1), input(`${tag} B`, 2), input(`${tag} C`, 3)], context(tag)))
    t.same(created.map((p) => p.title), [`${tag} A`, `${tag} B`, `${tag} C`], 'in input order')
    t.ok(created[0]!.id < created[1]!.id && created[1]!.id < created[2]!.id, 'ids ascending')
    const ids = created.map((p) => p.id)
    const missing = Math.max(...ids) + 1_000_000
    t.same(await store.products.deleteMany([ids[0]!, missing], context(tag)), { status: 'unknown-ids', ids: [missing] })
    t.equal((await store.products.list(query([tag]))).items.length, 3, 'nothing deleted')
    t.same(await store.products.deleteMany([...ids, ids[0]!], context(tag)), { status: 'ok', deleted: 3 })
    t.same((await store.products.list(query([tag]))).items, [])
    const audit = await store.audit.list({ limit: 10, productId: null, actor: tag, action: null, from: null, to: null, beforeId: null })
    t.same(audit.items.map((e) => e.action).sort(), ['bulk-create', 'bulk-create', 'bulk-create', 'bulk-delete', 'bulk-delete', 'bulk-delete'])
  })

  t.test('streamAll yields every product in id order', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const created = okValue(await store.products.createMany(['x', 'y', 'z'].map((n) => input(`${tag} ${n}`)), context(tag)))
    const ids: number[] = []
    for await (const product of store.products.streamAll()) ids.push(product.id)
    t.same(ids, [...ids].sort((a, b) => a - b), 'ascending')
    t.equal(new Set(ids).size, ids.length, 'no repeats')
    t.same(ids.filter((id) => created.some((p) => p.id === id)), created.map((p) => p.id))
  })
}

/** Listing: keyset pages in every order, search words, price bounds. */
export function productListContract (t: Test, storeFor: StoreFor): void {
  t.test('keyset paging visits every product once, in order, for every sort and direction', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const names = ['b', 'B', 'a', 'É', 'e', 'z', 'Zed', 'b', 'éa', 'A', 'ü', 'b']
    const products = okValue(await store.products.createMany(names.map((n, i) => input(`${tag} ${n}`, (i % 4) * 100)), context(tag)))
    // createMany shares one timestamp: updatedAt ties are broken by id; vary some anyway.
    for (const product of products.slice(0, 4)) await store.products.update(product.id, { image: 'https://example.test/q.png' }, context(tag))
    const current = (await store.products.list(query([tag]))).items
    t.equal(current.length, names.length)
    for (const field of ['id', 'title', 'price', 'createdAt', 'updatedAt'] as const) {
      for (const descending of [false, true]) {
        const expected = [...current]
          .sort((a, b) => compare(sortKey(a, field), sortKey(b, field)) || a.id - b.id)
          .map((p) => p.id)
        if (descending) expected.reverse()
        const seen: number[] = []
        let after: ProductQuery['after'] = null
        for (let pages = 0; pages < 20; pages++) {
          const page = await store.products.list(query([tag], { limit: 5, sort: { field, descending }, after }))
          seen.push(...page.items.map((p) => p.id))
          after = page.next
          if (after === null) break
        }
        t.same(seen, expected, `${field} ${descending ? 'descending' : 'ascending'}`)
      }
    }
  })

  t.test('a cursor value of the other type: numbers order before text', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const ids = okValue(await store.products.createMany([input(`${tag} a`, 5), input(`${tag} b`, 6)], context(tag))).map((p) => p.id)
    const page = async (field: ProductSortField, descending: boolean, value: string | number) =>
      (await store.products.list(query([tag], { sort: { field, descending }, after: { value, id: 0 } }))).items.map((p) => p.id)
    t.same(await page('price', false, 'text'), [], 'ascending after text: nothing')
    t.same(await page('price', true, 'text'), [ids[1], ids[0]], 'descending below text: everything')
    t.same(await page('title', false, 12), ids, 'ascending after a number: everything')
    t.same(await page('title', true, 12), [], 'descending below a number: nothing')
    t.same(await page('createdAt', false, Number.MAX_SAFE_INTEGER), [], 'a huge timestamp is just past the end')
  })

  t.test('search: every word, case-insensitive, Unicode, wildcards taken literally', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const titles = ['Éclair au chocolat', 'ÉCLAIR', 'éclair vanille', 'Tarte', '100% pur', 'a_b', 'ab']
    okValue(await store.products.createMany(titles.map((title) => input(`${title} ${tag}`)), context(tag)))
    const found = async (words: string[]) => (await store.products.list(query([...words, tag]))).items.map((p) => p.title.replace(` ${tag}`, '')).sort()
    t.same(await found(['éclair']), ['Éclair au chocolat', 'éclair vanille', 'ÉCLAIR'].sort())
    t.same(await found(['éclair', 'chocolat']), ['Éclair au chocolat'])
    t.same(await found(['clai', 'anil']), ['éclair vanille'], 'words are substrings')
    t.same(await found(['%']), ['100% pur'])
    t.same(await found(['a_b']), ['a_b'])
    t.same(await found(['_']), ['a_b'])
    t.same(await found(['nothing']), [])
    t.same(await found(['a\u0000b']), [], 'a word with NUL matches nothing')
    t.equal((await found([])).length, titles.length)
  })

  t.test('price filters are inclusive bounds', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    okValue(await store.products.createMany([0, 100, 250, 999, 9999999].map((price) => input(`${tag} p`, price)), context(tag)))
    const prices = async (min: number | null, max: number | null) =>
      (await store.products.list(query([tag], { minPriceCents: min, maxPriceCents: max, sort: { field: 'price', descending: false } }))).items.map((p) => p.priceCents)
    t.same(await prices(100, null), [100, 250, 999, 9999999])
    t.same(await prices(null, 250), [0, 100, 250])
    t.same(await prices(100, 999), [100, 250, 999])
    t.same(await prices(300, 200), [])
  })
}
