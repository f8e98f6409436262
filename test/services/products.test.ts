import t from 'tap'
import { productService } from '../../src/services/products.js'
import { openSqliteStore } from '../../src/store/sqlite/store.js'
import type { Product } from '../../src/store/types.js'

// The product rules, called directly on a real (in-memory SQLite) store: no HTTP involved.

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

const IMAGE = 'https://example.com/s.jpg'
const context = { actor: 'auth0|tester', requestId: 'r-1' }
const sort = { field: 'id' as const, descending: false }

async function service (t: Tap) {
  const store = await openSqliteStore(':memory:')
  t.teardown(() => store.close())
  return { store, products: productService(store) }
}

function created<T> (outcome: { status: string, value?: T }): T {
  if (outcome.status !== 'created') throw new Error(`expected created, got ${outcome.status}`)
  return outcome.value as T
}

t.test('a draft is stored with its title trimmed and its price in exact cents', async (t) => {
  const { products } = await service(t)
  const lamp = created(await products.create({ title: '  Lamp ', price: '899.9', image: IMAGE }, context, null))
  t.match(lamp, { title: 'Lamp', priceCents: 89990, version: 1 })
  t.match(created(await products.create({ title: 'Desk', price: 0.29, image: IMAGE }, context, null)), { priceCents: 29 })
  t.same(await products.create({ title: 'Odd', price: 1.234, image: IMAGE }, context, null), {
    status: 'invalid', errors: [{ field: 'price', message: 'must be from 0.00 to 99999.99 with at most two decimals' }]
  }, 'a number with three decimals is refused, not rounded')
  t.same(await products.update(lamp.id, { price: 0.1 + 0.2 }, context), { status: 'invalid', errors: [{ field: 'price', message: 'must be from 0.00 to 99999.99 with at most two decimals' }] })
  const patched = await products.update(lamp.id, { title: ' Lamp 2 ' }, context)
  t.match(patched, { status: 'ok', value: { title: 'Lamp 2', priceCents: 89990, version: 2 } }, 'a patch changes only its fields')
})

t.test('If-Match: any, the current tag, or the write is refused with the current product', async (t) => {
  const { products } = await service(t)
  const lamp = created(await products.create({ title: 'Lamp', price: '1.00', image: IMAGE }, context, null))
  const v2 = await products.update(lamp.id, { price: '2.00' }, context, { kind: 'etags', tags: ['"0-0"', `"${lamp.id}-1"`] })
  t.match(v2, { status: 'ok', value: { version: 2 } }, 'one of the listed tags is current')
  const stale = await products.update(lamp.id, { price: '3.00' }, context, { kind: 'etags', tags: [`"${lamp.id}-1"`] })
  t.match(stale, { status: 'precondition-failed', current: { version: 2, priceCents: 200 } })
  t.match(await products.update(lamp.id, { price: '3.00' }, context, { kind: 'etags', tags: [`W/"${lamp.id}-2"`] }), { status: 'precondition-failed' }, 'a weak tag never matches')
  t.match(await products.update(lamp.id, { price: '3.00' }, context, { kind: 'any' }), { status: 'ok', value: { version: 3 } })
  t.match(await products.delete(lamp.id, context, { kind: 'etags', tags: [`"${lamp.id}-2"`] }), { status: 'precondition-failed' })
  t.match(await products.delete(lamp.id, context, { kind: 'etags', tags: [`"${lamp.id}-3"`] }), { status: 'ok' })
  t.same(await products.delete(lamp.id, context), { status: 'not-found' })
  t.same(await products.update(lamp.id, { title: 'Gone' }, context, { kind: 'any' }), { status: 'not-found' })
})

t.test('search words and the price range', async (t) => {
  const { products } = await service(t)
  for (const [title, price] of [['Red Lamp', '10.00'], ['Blue lamp', '20.00'], ['Red chair', '30.00']] as const) {
    await products.create({ title, price, image: IMAGE }, context, null)
  }
  const titles = async (request: { q?: string, minPrice?: string, maxPrice?: string }) => {
    const outcome = await products.list({ limit: 10, sort, after: null, ...request })
    return outcome.status === 'ok' ? outcome.page.items.map((p) => p.title) : outcome
  }
  t.same(await titles({ q: 'LAMP  red' }), ['Red Lamp'], 'every word, case-insensitive')
  t.same(await titles({ minPrice: '15', maxPrice: '30.00' }), ['Blue lamp', 'Red chair'], 'bounds inclusive')
  t.same(await titles({ minPrice: '10.01', maxPrice: '10' }), { status: 'invalid', errors: [{ field: 'minPrice', message: 'must not be greater than maxPrice' }] })
  t.same(await titles({ q: 'a A a b c d e f g h' }), [], 'repeated words count once: 8 distinct are allowed')
  t.same(await titles({ q: 'a b c d e f g h i' }), { status: 'invalid', errors: [{ field: 'q', message: 'has more than 8 words' }] })
})

t.test('bulk rows: every bad row named in row order, with the parse errors; all or nothing', async (t) => {
  const { products, store } = await service(t)
  const good = { title: 'Good', price: '1.00', image: IMAGE }
  const outcome = await products.createMany(
    [good, { title: 'No price', image: IMAGE }, undefined, { ...good, price: 1.001 }],
    [{ row: 3, field: '', message: 'is not valid JSON' }],
    context,
    null
  )
  t.same(outcome, {
    status: 'invalid',
    errors: [
      { row: 2, field: 'price', message: 'is required' },
      { row: 3, field: '', message: 'is not valid JSON' },
      { row: 4, field: 'price', message: 'must be from 0.00 to 99999.99 with at most two decimals' }
    ]
  })
  t.equal((await store.products.list({ limit: 10, sort, words: [], minPriceCents: null, maxPriceCents: null, after: null })).items.length, 0, 'nothing created')
  t.same(await products.createMany([], [], context, null), { status: 'invalid', errors: [{ field: '', message: 'has no products' }] })
  t.same(await products.createMany(Array.from({ length: 1001 }, () => good), [], context, null), { status: 'invalid', errors: [{ field: '', message: 'has 1001 rows; at most 1000 per request' }] })
  const made = created(await products.createMany([good, { ...good, title: ' Two ' }], [], context, null))
  t.same(made.map((p) => p.title), ['Good', 'Two'])
})

t.test('Idempotency-Key: the same request replays the first result, another is refused', async (t) => {
  const { products } = await service(t)
  const key = { sub: 'auth0|tester', key: 'k-1', requestHash: 'h-1' }
  const draft = { title: 'Once', price: '5.00', image: IMAGE }
  const first = created(await products.create(draft, context, key))
  const again = await products.create({ ...draft, title: 'Ignored' }, context, key)
  t.same(again, { status: 'replayed', value: first }, 'the stored product, Dates and version included')
  t.same(await products.create(draft, context, { ...key, requestHash: 'h-2' }), { status: 'key-reused' })
  t.same(await products.create({ ...draft, price: 'x' }, context, { ...key, key: 'k-2' }), {
    status: 'invalid', errors: [{ field: 'price', message: 'must be from 0.00 to 99999.99 with at most two decimals' }]
  }, 'an invalid draft is refused before its key is looked at')
  const many = created(await products.createMany([draft, draft], [], context, { ...key, key: 'k-3' }))
  const manyAgain = await products.createMany([draft, draft], [], context, { ...key, key: 'k-3' })
  t.same(manyAgain, { status: 'replayed', value: many })
  t.ok((manyAgain as { value: Product[] }).value.every((p) => p.createdAt instanceof Date), 'Dates round-trip')
})
