// The read path's precomputed part: the products' cached JSON.
import t from 'tap'
import { createProductJsonCache, toProductJson } from '../src/lib/product-json.js'

const product = (version: number, title = 'Lamp', id = 1) => ({
  id, title, priceCents: 1999, image: 'https://example.com/l.jpg', createdAt: new Date(1000), updatedAt: new Date(1000 + version), version
})

t.test('a product\'s cached JSON follows its version and timestamps', async (t) => {
  const cache = createProductJsonCache(10)
  t.same(JSON.parse(cache.json(product(1))), toProductJson(product(1)))
  t.equal(cache.json(product(1, 'Other title')), cache.json(product(1)), 'the same version is served from the cache')
  t.match(cache.json(product(2, 'Desk')), /"title":"Desk"/, 'a new version is made afresh')
  const reused = { ...product(2, 'Chair'), createdAt: new Date(5000) }
  t.match(cache.json(reused), /"title":"Chair"/, 'a re-used id with other timestamps is made afresh')
})

t.test('the cache keeps at most its size', async (t) => {
  const cache = createProductJsonCache(3)
  for (let id = 1; id <= 10; id++) cache.json(product(1, `P${id}`, id))
  t.equal(cache.size, 3)
  t.match(cache.json(product(1, 'again', 1)), /"title":"again"/, 'an evicted product is made afresh')
})
