import t from 'tap'
import { allIds, bulkJson, cents, createOne, expectedOrder, hasDuplicates, IMAGE, names, PRICES, PROBLEM, setup, sleep, SORTS, TITLE_STEMS, walk } from '../../helpers/products.js'
import type { ProductJson } from '../../../src/lib/product-json.js'

// GET /products: every sort pages through all products once; search, price filters, parameter validation.
// The real app (in-memory SQLite, or PostgreSQL with TEST_DATABASE=postgres), tokens from a local issuer.

t.test('listing: every sort pages through all products once, in order, with ties broken by id', async (t) => {
  const { app, admin } = await setup(t)

  // ~300 products in three batches (so createdAt varies), with duplicate titles and prices.
  const products = new Map<number, ProductJson>()
  for (let batch = 0; batch < 3; batch++) {
    const rows = Array.from({ length: 100 }, (_, i) => {
      const n = batch * 100 + i
      // Every third product shares its title exactly with another; the rest get a suffix.
      const stem = TITLE_STEMS[n % TITLE_STEMS.length] ?? 'x'
      const title = n % 3 === 0 ? stem : `${stem} ${n % 7}`
      return { title, price: PRICES[(n * 7) % PRICES.length], image: IMAGE }
    })
    for (const item of await bulkJson(app, admin, rows)) products.set(item.id, item)
    await sleep(3)
  }
  t.equal(products.size, 300)
  // Some updates, so updatedAt is not just createdAt.
  const ids = [...products.keys()]
  for (const id of ids.filter((_, i) => i % 11 === 0)) {
    const res = await app.inject({ method: 'PATCH', url: `/products/${id}`, headers: admin, payload: { price: '10.00' } })
    t.equal(res.statusCode, 200)
    products.set(id, res.json())
    await sleep(1)
  }

  for (const sort of SORTS) {
    const { ids: seen, pages, items } = await walk(app, `sort=${sort}&limit=17`)
    t.equal(pages, Math.ceil(300 / 17), `${sort}: 18 pages of 17`)
    t.notOk(hasDuplicates(seen), `${sort}: no product twice`)
    t.same([...seen].sort((a, b) => a - b), [...ids].sort((a, b) => a - b), `${sort}: no product missed`)
    t.same(seen, expectedOrder(products.values(), sort), `${sort}: in the expected order`)
    t.same(items.slice(0, 3), expectedOrder(products.values(), sort).slice(0, 3).map((id) => products.get(id)), `${sort}: items are the products`)
  }

  // Filters and sorts together: the filtered subset, still in order and complete.
  const filtered = await walk(app, 'sort=-title&limit=17&q=apple&minPrice=5.05&maxPrice=42')
  const wanted = [...products.values()].filter((p) => p.title.toLowerCase().includes('apple') && cents(p.price) >= 505 && cents(p.price) <= 4200)
  t.ok(wanted.length > 17, 'the filtered subset spans several pages')
  t.same(filtered.ids, expectedOrder(wanted, '-title'), 'q + price range + sort + paging')

  // A cursor belongs to its sort.
  const first = await app.inject({ method: 'GET', url: '/products?sort=price&limit=17' })
  const cursor = first.json().nextCursor as string
  t.type(cursor, 'string')
  for (const other of ['-price', 'title', 'id']) {
    const res = await app.inject({ method: 'GET', url: `/products?sort=${other}&limit=17&cursor=${encodeURIComponent(cursor)}` })
    t.equal(res.statusCode, 400, `a sort=price cursor with sort=${other} is refused`)
    t.same(names(res), ['cursor'], 'the error names cursor')
  }
  const defaultSort = await app.inject({ method: 'GET', url: `/products?limit=17&cursor=${encodeURIComponent(cursor)}` })
  t.equal(defaultSort.statusCode, 400, 'and with the default sort (id)')

  // Creating and deleting other products between pages: the products that existed for the
  // whole walk are each seen exactly once, whatever the sort.
  const live = new Set(await allIds(app))
  let counter = 0
  for (const sort of SORTS) {
    const doomed = [...live].filter((_, i) => i % 16 === 5).slice(0, 20)
    const stable = new Set([...live].filter((id) => !doomed.includes(id)))
    const created: number[] = []
    const { ids: seen } = await walk(app, `sort=${sort}&limit=17`, async (page) => {
      const victim = doomed[page - 1]
      if (victim !== undefined) {
        const del = await app.inject({ method: 'DELETE', url: `/products/${victim}`, headers: admin })
        if (del.statusCode !== 204) throw new Error(`delete ${victim}: ${del.statusCode}`)
        live.delete(victim)
      }
      counter++
      const stem = TITLE_STEMS[counter % TITLE_STEMS.length] ?? 'x'
      const product = await createOne(app, admin, { title: `${stem} new ${counter}`, price: PRICES[counter % PRICES.length], image: IMAGE })
      created.push(product.id)
      live.add(product.id)
    })
    t.notOk(hasDuplicates(seen), `${sort} under churn: no product twice`)
    const missed = [...stable].filter((id) => !seen.includes(id))
    t.same(missed, [], `${sort} under churn: every product that existed throughout was visited`)
    const allowed = new Set([...stable, ...doomed, ...created])
    t.same(seen.filter((id) => !allowed.has(id)), [], `${sort} under churn: nothing unknown`)
  }
})

t.test('listing: search, price filters and parameter validation', async (t) => {
  const { app, admin } = await setup(t)
  const titles: Array<[string, string]> = [
    ['Red wooden chair', '10.00'],
    ['Red table', '10.50'],
    ['Blue CHAIR', '20.00'],
    ['chair, red and comfy', '20.01'],
    ['ÉCLAIR au chocolat', '3.20'],
    ['Straße sign', '9.99'],
    ['100% cotton', '0.00'],
    ['under_score', '99999.99']
  ]
  const byTitle = new Map<string, number>()
  for (const [title, price] of titles) byTitle.set(title, (await createOne(app, admin, { title, price, image: IMAGE })).id)
  const id = (title: string) => byTitle.get(title) as number

  const search = async (q: string, extra = '') => {
    const res = await app.inject({ method: 'GET', url: `/products?q=${encodeURIComponent(q)}${extra}` })
    t.equal(res.statusCode, 200, `q=${q}${extra}`)
    return (res.json().items as ProductJson[]).map((p) => p.id).sort((a, b) => a - b)
  }
  const ids = (...list: string[]) => list.map(id).sort((a, b) => a - b)

  t.same(await search('red CHAIR'), ids('Red wooden chair', 'chair, red and comfy'), 'every word must match, case-insensitively, in any order')
  t.same(await search('chair'), ids('Red wooden chair', 'Blue CHAIR', 'chair, red and comfy'))
  t.same(await search('RED'), ids('Red wooden chair', 'Red table', 'chair, red and comfy'))
  t.same(await search('  red   table  '), ids('Red table'), 'extra white space is ignored')
  t.same(await search('red purple'), [], 'a word that matches nothing matches nothing')
  t.same(await search('éclair'), ids('ÉCLAIR au chocolat'), 'Unicode lower-casing: éclair finds ÉCLAIR')
  t.same(await search('ÉCLAIR'), ids('ÉCLAIR au chocolat'))
  t.same(await search('straße'), ids('Straße sign'))
  t.same(await search('%'), ids('100% cotton'), '% is not a wildcard')
  t.same(await search('_'), ids('under_score'), '_ is not a wildcard')
  t.same(await search('a b c d e f g h'), [], 'eight words are allowed')
  t.same(await search('chair', '&minPrice=10.5&maxPrice=20.01'), ids('Blue CHAIR', 'chair, red and comfy'), 'q and a price range together')

  const priced = async (query: string) => {
    const res = await app.inject({ method: 'GET', url: `/products?${query}` })
    t.equal(res.statusCode, 200, query)
    return (res.json().items as ProductJson[]).map((p) => p.id).sort((a, b) => a - b)
  }
  t.same(await priced('minPrice=10&maxPrice=10.5'), ids('Red wooden chair', 'Red table'), 'both bounds are inclusive')
  t.same(await priced('minPrice=10.50&maxPrice=10.50'), ids('Red table'), 'equal bounds: exactly that price')
  t.same(await priced('minPrice=20.01'), ids('chair, red and comfy', 'under_score'), 'minPrice alone')
  t.same(await priced('maxPrice=0'), ids('100% cotton'), 'maxPrice alone, zero')
  t.same(await priced('minPrice=10.01&maxPrice=10.49'), [], 'nothing in between')
  t.same(await priced('minPrice=99999.99'), ids('under_score'), 'the largest price')

  const inverted = await app.inject({ method: 'GET', url: '/products?minPrice=20&maxPrice=10' })
  t.equal(inverted.statusCode, 400, 'minPrice > maxPrice')
  t.equal(inverted.headers['content-type'], PROBLEM)
  t.ok(names(inverted).some((field) => field === 'minPrice' || field === 'maxPrice'), 'names the price range')

  const bad: Array<[string, string]> = [
    ['sort=bogus', 'sort'],
    ['sort=-', 'sort'],
    ['minPrice=abc', 'minPrice'],
    ['maxPrice=1.234', 'maxPrice'],
    ['minPrice=-1', 'minPrice'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    [`q=${'a'.repeat(201)}`, 'q'],
    ['q=a%20b%20c%20d%20e%20f%20g%20h%20i', 'q'],
    ['q=one+two+three+four+five+six+seven+eight+nine+ten', 'q'],
    ['colour=red', 'colour'],
    ['cursor=not-a-cursor', 'cursor']
  ]
  for (const [query, field] of bad) {
    const res = await app.inject({ method: 'GET', url: `/products?${query}` })
    t.equal(res.statusCode, 400, `${query.slice(0, 40)} is refused`)
    t.equal(res.headers['content-type'], PROBLEM)
    t.ok(Array.isArray(res.json().errors), `${query.slice(0, 40)}: errors array`)
    t.ok(names(res).includes(field), `${query.slice(0, 40)}: names ${field} in querystring`, { errors: res.json().errors })
  }
  const twoHundred = await app.inject({ method: 'GET', url: `/products?q=${'a'.repeat(200)}` })
  t.equal(twoHundred.statusCode, 200, 'q of exactly 200 characters is fine')
})
