import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { parse as parseCsv } from 'csv-parse/sync'
import t from 'tap'
import { bearer, startApp, startIssuer } from './helpers/app.js'
import type { TestIssuer } from './helpers/issuer.js'
import type { ProductJson } from '../src/lib/product-json.js'

/**
 * "Admin power": search, filters and keyset-paged sorts; ETags, If-None-Match and If-Match;
 * Idempotency-Key; bulk import, export and delete; the audit trail. The real app, in-memory
 * SQLite, tokens from a local issuer.
 */

interface AuditJson {
  id: number
  at: string
  actor: string
  action: string
  productId: number
  before: ProductJson | null
  after: ProductJson | null
  requestId: string
}

interface FieldErrorJson {
  in: string
  row?: number
  field: string
  message: string
}

type Headers = Record<string, string>
type Sort = 'id' | '-id' | 'title' | '-title' | 'price' | '-price' | 'createdAt' | '-createdAt' | 'updatedAt' | '-updatedAt'

const SORTS: Sort[] = ['id', '-id', 'title', '-title', 'price', '-price', 'createdAt', '-createdAt', 'updatedAt', '-updatedAt']
const IMAGE = 'https://example.com/p.jpg'
const PROBLEM = 'application/problem+json; charset=utf-8'

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function cents (price: string): number {
  const [whole = '0', fraction = '00'] = price.split('.')
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
}

/** The order each sort must give: the field, then id, both in the sort's direction. */
function expectedOrder (products: Iterable<ProductJson>, sort: Sort): number[] {
  const descending = sort.startsWith('-')
  const field = descending ? sort.slice(1) : sort
  const key = (p: ProductJson): string | number => {
    switch (field) {
      case 'title': return p.title.toLowerCase()
      case 'price': return cents(p.price)
      case 'createdAt': return Date.parse(p.createdAt)
      case 'updatedAt': return Date.parse(p.updatedAt)
      default: return p.id
    }
  }
  return [...products]
    .sort((a, b) => {
      const ka = key(a)
      const kb = key(b)
      const byKey = ka < kb ? -1 : ka > kb ? 1 : 0
      const order = byKey !== 0 ? byKey : a.id - b.id
      return descending ? -order : order
    })
    .map((p) => p.id)
}

function hasDuplicates (ids: number[]): boolean {
  return new Set(ids).size !== ids.length
}

function names (response: LightMyRequestResponse, where = 'querystring'): string[] {
  const errors = (response.json() as { errors?: FieldErrorJson[] }).errors ?? []
  return errors.filter((error) => error.in === where).map((error) => error.field)
}

/** Follows nextCursor from the first page to the last; `between` runs after every page. */
async function walk (
  app: FastifyInstance,
  query: string,
  between?: (page: number) => Promise<void>
): Promise<{ ids: number[]; pages: number; items: ProductJson[] }> {
  const items: ProductJson[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/products?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const res = await app.inject({ method: 'GET', url })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    const body = res.json() as { items: ProductJson[]; nextCursor: string | null }
    items.push(...body.items)
    cursor = body.nextCursor
    pages++
    if (between) await between(pages)
  } while (cursor && pages < 1000)
  return { ids: items.map((item) => item.id), pages, items }
}

/** Every product's id, read through the listing with the largest page. */
async function allIds (app: FastifyInstance): Promise<number[]> {
  return (await walk(app, 'limit=100')).ids
}

async function auditAll (app: FastifyInstance, headers: Headers, query = ''): Promise<AuditJson[]> {
  const entries: AuditJson[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/admin/audit?limit=100${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const res = await app.inject({ method: 'GET', url, headers })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    const body = res.json() as { items: AuditJson[]; nextCursor: string | null }
    entries.push(...body.items)
    cursor = body.nextCursor
    pages++
  } while (cursor && pages < 1000)
  return entries
}

/** A subtest, as tap passes it (the last overload of t.test takes just the callback). */
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

async function setup (t: Tap): Promise<{
  issuer: TestIssuer
  app: FastifyInstance
  admin: Headers
  user: Headers
}> {
  const issuer = await startIssuer(t)
  // Far more requests than a client would make in a minute: lift the rate limits.
  const app = await startApp(t, issuer, { RATE_LIMIT_READS: '1000000', RATE_LIMIT_WRITES: '1000000' })
  return { issuer, app, admin: bearer(issuer.adminToken()), user: bearer(issuer.userToken()) }
}

async function createOne (app: FastifyInstance, admin: Headers, body: Record<string, unknown>, headers: Headers = {}): Promise<ProductJson> {
  const res = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, ...headers }, payload: body })
  if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`)
  return res.json() as ProductJson
}

async function bulkJson (app: FastifyInstance, admin: Headers, rows: unknown[], headers: Headers = {}): Promise<ProductJson[]> {
  const res = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, ...headers }, payload: rows as object })
  if (res.statusCode !== 201) throw new Error(`bulk: ${res.statusCode} ${res.body}`)
  return (res.json() as { items: ProductJson[] }).items
}

// Titles with ties once lower-cased, mixed case, and non-ASCII letters that lower-case.
const TITLE_STEMS = ['Apple', 'apple', 'APPLE pie', 'Banana', 'banana split', 'Cherry', 'Éclair', 'éclair', 'Zebra', 'zebra', 'Ωmega', 'Mango', 'mango', 'Kiwi', 'Straße']
const PRICES = ['1.00', '9.99', '10.00', '10.50', '42.00', '0.00', '99999.99', '5.05', '20', '7.5']

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

t.test('bulk import: JSON array, NDJSON and CSV, all or nothing', async (t) => {
  const { app, admin, user } = await setup(t)
  const count = async () => (await allIds(app)).length
  const post = (payload: string | object, contentType?: string, headers: Headers = admin) =>
    app.inject({ method: 'POST', url: '/products/bulk', headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) }, payload })

  const json = await post([
    { title: 'Json one', price: '0.10', image: IMAGE },
    { title: '  Json two  ', price: 899.99, image: IMAGE },
    { title: 'Json three', price: 0.29, image: IMAGE }
  ])
  t.equal(json.statusCode, 201, 'JSON array')
  t.equal(json.json().created, 3)
  t.same(json.json().items.map((p: ProductJson) => [p.title, p.price]), [['Json one', '0.10'], ['Json two', '899.99'], ['Json three', '0.29']], 'exact prices, trimmed titles, in order')

  const ndjson = await post('{"title":"Nd one","price":"1.5","image":"https://example.com/a.jpg"}\r\n\n{"title":"Nd two","price":99999.99,"image":"https://example.com/b.jpg"}\n', 'application/x-ndjson')
  t.equal(ndjson.statusCode, 201, 'NDJSON (CRLF, blank lines skipped)')
  t.same(ndjson.json().items.map((p: ProductJson) => [p.title, p.price]), [['Nd one', '1.50'], ['Nd two', '99999.99']])

  const csvBody = [
    'title,price,image',
    '"Chair, ""deluxe"" edition",149.9,https://example.com/chair.jpg',
    'Plain table,0,https://example.com/table.jpg',
    'Éclair,3.05,https://example.com/e.jpg',
    ''
  ].join('\n')
  const csv = await post(csvBody, 'text/csv')
  t.equal(csv.statusCode, 201, 'CSV')
  t.same(csv.json(), { created: 3, items: csv.json().items }, '{ created, items }')
  t.same(csv.json().items.map((p: ProductJson) => [p.title, p.price, p.image]), [
    ['Chair, "deluxe" edition', '149.90', 'https://example.com/chair.jpg'],
    ['Plain table', '0.00', 'https://example.com/table.jpg'],
    ['Éclair', '3.05', 'https://example.com/e.jpg']
  ], 'quoted comma and doubled quote')
  const reordered = await post('\ufeffprice,image,title\r\n7.00,https://example.com/r.jpg,Reordered\r\n', 'text/csv; charset=utf-8')
  t.equal(reordered.statusCode, 201, 'CSV with a BOM, CRLF, a charset and the columns in another order')
  t.same(reordered.json().items.map((p: ProductJson) => [p.title, p.price]), [['Reordered', '7.00']])
  for (const item of csv.json().items as ProductJson[]) {
    t.same((await app.inject({ method: 'GET', url: `/products/${item.id}` })).json(), item, `${item.title} is stored as returned`)
  }
  const total = await count()
  t.equal(total, 9)

  // One bad row: 400 naming row and field, nothing created.
  const badCases: Array<[string, string | object, string | undefined, Array<{ row: number; field: string }>]> = [
    ['JSON: bad price in row 2', [{ title: 'ok', price: '1.00', image: IMAGE }, { title: 'bad', price: 'abc', image: IMAGE }, { title: 'ok', price: '1.00', image: IMAGE }], undefined, [{ row: 2, field: 'price' }]],
    ['JSON: price 1.234 in row 1', [{ title: 'bad', price: 1.234, image: IMAGE }, { title: 'ok', price: '1.00', image: IMAGE }], undefined, [{ row: 1, field: 'price' }]],
    ['JSON: row 3 missing title', [{ title: 'ok', price: '1.00', image: IMAGE }, { title: 'ok', price: '1.00', image: IMAGE }, { price: '1.00', image: IMAGE }], undefined, [{ row: 3, field: 'title' }]],
    ['NDJSON: bad image in row 2', '{"title":"ok","price":"1.00","image":"https://e.com/a"}\n{"title":"bad","price":"1.00","image":"ftp://e.com/a"}\n', 'application/x-ndjson', [{ row: 2, field: 'image' }]],
    ['NDJSON: row 1 not JSON', '{"title":"ok",\n{"title":"ok","price":"1.00","image":"https://e.com/a"}\n', 'application/x-ndjson', [{ row: 1, field: '' }]],
    ['NDJSON: unknown field in row 2 after a blank line', '{"title":"ok","price":"1.00","image":"https://e.com/a"}\n\n{"title":"x","price":"1.00","image":"https://e.com/a","colour":"red"}\n', 'application/x-ndjson', [{ row: 2, field: 'colour' }]],
    ['CSV: bad price in row 3', 'title,price,image\nok,1.00,https://e.com/a\nok,2.00,https://e.com/b\nbad,-1,https://e.com/c\n', 'text/csv', [{ row: 3, field: 'price' }]],
    ['CSV: title too long in row 1', `title,price,image\n${'a'.repeat(51)},1.00,https://e.com/a\nok,1.00,https://e.com/b\n`, 'text/csv', [{ row: 1, field: 'title' }]],
    ['CSV: missing field in row 2', 'title,price,image\nok,1.00,https://e.com/a\nshort,1.00\n', 'text/csv', [{ row: 2, field: '' }]]
  ]
  for (const [name, payload, type, expected] of badCases) {
    const res = await post(payload, type)
    t.equal(res.statusCode, 400, name)
    t.equal(res.headers['content-type'], PROBLEM)
    const errors = (res.json().errors ?? []) as FieldErrorJson[]
    for (const want of expected) {
      t.ok(errors.some((e) => e.row === want.row && e.field === want.field && typeof e.message === 'string' && e.message.length > 0),
        `${name}: an error for row ${want.row}, field '${want.field}'`, { errors })
    }
    t.ok(errors.every((e) => expected.some((want) => want.row === e.row)), `${name}: no other row blamed`, { errors })
    t.equal(await count(), total, `${name}: nothing created`)
  }
  const twoBad = await post([{ title: '', price: '1.00', image: IMAGE }, { title: 'ok', price: '1.00', image: IMAGE }, { title: 'x', price: '1.00', image: 'nope' }])
  t.equal(twoBad.statusCode, 400)
  // A field may carry several messages (an image that is neither a URI nor http(s)); the rows and fields are what count.
  const blamed = [...new Set(((twoBad.json().errors ?? []) as FieldErrorJson[]).map((e) => `${e.row}:${e.field}`))]
  t.same(blamed, ['1:title', '3:image'], 'every bad row is reported, in row order')

  const wrongHeaders = ['name,price,image\nx,1.00,https://e.com/a\n', 'title,price\nx,1.00\n', 'title,price,image,extra\nx,1.00,https://e.com/a,1\n', 'x,1.00,https://e.com/a\n']
  for (const payload of wrongHeaders) {
    const res = await post(payload, 'text/csv')
    t.equal(res.statusCode, 400, `CSV header ${JSON.stringify(payload.split('\n')[0])} is refused`)
    t.ok(Array.isArray(res.json().errors))
  }
  const unterminated = await post('title,price,image\n"open,1.00,https://e.com/a\n', 'text/csv')
  t.equal(unterminated.statusCode, 400, 'malformed CSV (unterminated quote)')

  const row = { title: 'Many', price: '1.00', image: IMAGE }
  const tooManyJson = await post(Array.from({ length: 1001 }, () => row))
  t.equal(tooManyJson.statusCode, 400, '1001 rows (JSON)')
  const tooManyNd = await post(`${JSON.stringify(row)}\n`.repeat(1001), 'application/x-ndjson')
  t.equal(tooManyNd.statusCode, 400, '1001 rows (NDJSON)')
  const tooManyCsv = await post(`title,price,image\n${'Many,1.00,https://e.com/a\n'.repeat(1001)}`, 'text/csv')
  t.equal(tooManyCsv.statusCode, 400, '1001 rows (CSV)')
  t.equal(await count(), total, 'nothing created by oversized batches')

  const empties: Array<[string, string | object, string | undefined]> = [
    ['empty JSON array', [], undefined],
    ['empty NDJSON', '', 'application/x-ndjson'],
    ['blank NDJSON', '\n\n', 'application/x-ndjson'],
    ['CSV header only', 'title,price,image\n', 'text/csv'],
    ['empty CSV', '', 'text/csv']
  ]
  for (const [name, payload, type] of empties) {
    const res = await post(payload, type)
    t.equal(res.statusCode, 400, name)
    t.equal(res.headers['content-type'], PROBLEM)
  }
  const emptyJsonBody = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, 'content-type': 'application/json' }, payload: '' })
  t.equal(emptyJsonBody.statusCode, 400, 'empty JSON body')
  const notArray = await post({ title: 'x', price: '1.00', image: IMAGE })
  t.equal(notArray.statusCode, 400, 'a JSON object is not a batch')

  const csvSingle = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'content-type': 'text/csv' }, payload: 'title,price,image\nx,1.00,https://e.com/a\n' })
  t.equal(csvSingle.statusCode, 415, 'CSV on POST /products is 415')
  const ndSingle = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: '{"title":"x","price":"1.00","image":"https://e.com/a"}\n' })
  t.equal(ndSingle.statusCode, 415, 'NDJSON on POST /products is 415')
  const xml = await post('<products/>', 'application/xml')
  t.equal(xml.statusCode, 415, 'XML on the bulk route is 415')

  t.equal((await post([row], undefined, user)).statusCode, 403, 'a non-admin cannot import')
  t.equal((await post([row], undefined, {})).statusCode, 401, 'anonymous cannot import')
  t.equal(await count(), total, 'nothing was created by any refused batch')
})

t.test('export and bulk delete', async (t) => {
  const { app, admin, user } = await setup(t)
  // Enough rows to cross the export's batch boundaries; titles that CSV must quote.
  const special = ['Comma, inside', 'Quote "inside"', 'Astral 😀', 'Ünïcödé ✓', '=1+1', ' trailing ']
  const rows = Array.from({ length: 520 }, (_, i) => ({
    title: special[i % 37] ?? `Product ${i}`,
    price: `${i}.${String(i % 100).padStart(2, '0')}`,
    image: `https://example.com/${i}.jpg`
  }))
  const created = new Map<number, ProductJson>()
  for (const item of await bulkJson(app, admin, rows)) created.set(item.id, item)
  t.equal(created.size, 520)
  t.ok([...created.values()].some((p) => p.title === 'Astral 😀'), 'a title outside the BMP')

  const csv = await app.inject({ method: 'GET', url: '/products/export?format=csv' })
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/, 'CSV content type')
  const records = parseCsv(csv.body, { columns: true }) as Array<Record<string, string>>
  t.same(Object.keys(records[0] ?? {}), ['id', 'title', 'price', 'image', 'createdAt', 'updatedAt'], 'CSV header')
  t.equal(records.length, 520, 'every product')
  t.same(records.map((r) => Number(r.id)), [...created.keys()].sort((a, b) => a - b), 'each exactly once, in id order')
  const csvMismatch = records.filter((r) => {
    const p = created.get(Number(r.id))
    // A formula-like title is exported with a leading ' (CSV injection); NDJSON stays exact.
    return !p || r.title !== (p.title.startsWith('=') ? `'${p.title}` : p.title) || r.price !== p.price || r.image !== p.image || r.createdAt !== p.createdAt || r.updatedAt !== p.updatedAt
  })
  t.same(csvMismatch.slice(0, 3), [], 'CSV parses back to the exact titles and prices')

  const nd = await app.inject({ method: 'GET', url: '/products/export?format=ndjson' })
  t.equal(nd.statusCode, 200)
  t.match(nd.headers['content-type'], /^application\/x-ndjson/, 'NDJSON content type')
  const lines = nd.body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ProductJson)
  t.equal(lines.length, 520)
  t.same(lines, [...created.values()].sort((a, b) => a.id - b.id), 'NDJSON: every product exactly once, exactly')
  const byDefault = await app.inject({ method: 'GET', url: '/products/export' })
  t.match(byDefault.headers['content-type'], /^application\/x-ndjson/, 'NDJSON by default')
  t.equal(byDefault.body, nd.body)
  for (const query of ['format=xml', 'format=', 'other=1']) {
    const res = await app.inject({ method: 'GET', url: `/products/export?${query}` })
    t.equal(res.statusCode, 400, `export ${query} is 400`)
    t.equal(res.headers['content-type'], PROBLEM)
  }

  // Bulk delete.
  const ids = [...created.keys()]
  const victims = ids.slice(0, 10)
  const before = (await allIds(app)).length
  const unknown = await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: admin, payload: { ids: [...victims, 999999] } })
  t.equal(unknown.statusCode, 404, 'one unknown id: 404')
  t.equal(unknown.headers['content-type'], PROBLEM)
  t.equal((await allIds(app)).length, before, 'and nothing deleted')
  for (const id of victims) t.equal((await app.inject({ method: 'GET', url: `/products/${id}` })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: user, payload: { ids: victims } })).statusCode, 403, 'non-admin: 403')
  t.equal((await app.inject({ method: 'POST', url: '/products/bulk-delete', payload: { ids: victims } })).statusCode, 401, 'anonymous: 401')
  for (const payload of [{ ids: [] }, { ids: ['x'] }, { ids: [0] }, {}, { ids: victims, extra: 1 }]) {
    const res = await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: admin, payload })
    t.equal(res.statusCode, 400, `bulk-delete ${JSON.stringify(payload).slice(0, 30)} is 400`)
  }
  t.equal((await allIds(app)).length, before, 'refused bulk deletes deleted nothing')

  const deleted = await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: admin, payload: { ids: victims } })
  t.equal(deleted.statusCode, 200)
  t.same(deleted.json(), { deleted: 10 })
  for (const id of victims) t.equal((await app.inject({ method: 'GET', url: `/products/${id}` })).statusCode, 404, `${id} is gone`)
  const remaining = await allIds(app)
  t.equal(remaining.length, before - 10)
  t.same(remaining.filter((id) => victims.includes(id)), [])
  const again = await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: admin, payload: { ids: victims.slice(0, 1) } })
  t.equal(again.statusCode, 404, 'deleting a deleted product is 404')
  const exportAfter = (await app.inject({ method: 'GET', url: '/products/export?format=ndjson' })).body.split('\n').filter(Boolean)
  t.equal(exportAfter.length, 510, 'the export no longer has them')
})

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
