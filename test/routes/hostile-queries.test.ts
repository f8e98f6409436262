import t from 'tap'
import { encodeCursor } from '../../src/http/cursor.js'
import { bearer, startApp, startIssuer } from '../helpers/app.js'

/*
 * Hostile query strings -> the status they must get, the same table on both backends: this
 * file runs on SQLite, and on PostgreSQL under TEST_DATABASE=postgres (scripts/test-postgres.ts).
 * Every value from a client is checked against its column's domain before it reaches SQL, so
 * no input may answer 5xx, and a page (ids) must be the same whichever database is behind.
 */

const c = (position: Record<string, unknown>) => encodeCursor(position)
const MAX_SAFE = Number.MAX_SAFE_INTEGER
// Products as seeded below, by id: their title keys in code-point order are apple < banana < cherry < date \ufffd < éclair.
const PRODUCTS = [
  { title: 'Apple', price: '1.00' },
  { title: 'banana', price: '99999.99' },
  { title: 'Cherry', price: '0.00' },
  { title: 'date \uFFFD', price: '50.00' },
  { title: 'Éclair', price: '20.00' }
]

interface Case {
  url: string
  status: number
  /** The product ids (or audit entry count) a 200 must list. */
  ids?: number[]
  count?: number
  /** The parameter a 400 must name. */
  names?: string
}

const PRODUCT_CASES: Case[] = [
  // A title cursor: the rule a title obeys (no control character, no lone surrogate).
  { url: `/products?sort=title&cursor=${c({ s: 'title', v: 'a\u0000', id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=-title&cursor=${c({ s: '-title', v: '\u0000', id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=title&cursor=${c({ s: 'title', v: 'a\u0007b', id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=title&cursor=${c({ s: 'title', v: 'b\u0085', id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=title&cursor=${c({ s: 'title', v: 'cherry\ud800', id: 3 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=-title&cursor=${c({ s: '-title', v: '\udc00', id: 3 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=title&cursor=${c({ s: 'title', v: 'cherry', id: 3 })}`, status: 200, ids: [4, 5] },
  { url: `/products?sort=title&cursor=${c({ s: 'title', v: 'date \uFFFD', id: 4 })}`, status: 200, ids: [5] },
  { url: `/products?sort=title&cursor=${c({ s: 'title', v: 'date', id: 1 })}`, status: 200, ids: [4, 5] },
  { url: `/products?sort=-title&cursor=${c({ s: '-title', v: 'd\uFFFF', id: 1 })}`, status: 200, ids: [4, 3, 2, 1] },
  { url: `/products?sort=title&cursor=${c({ s: 'title', v: '', id: 1 })}`, status: 200, ids: [1, 2, 3, 4, 5] },
  { url: `/products?sort=title&cursor=${c({ s: 'title', v: 5, id: 1 })}`, status: 400, names: 'cursor' },
  // A price cursor: the price column's domain, 0 to 9999999 cents.
  { url: `/products?sort=price&cursor=${c({ s: 'price', v: 2147483648, id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=-price&cursor=${c({ s: '-price', v: -2147483649, id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=price&cursor=${c({ s: 'price', v: 2 ** 40, id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=-price&cursor=${c({ s: '-price', v: 2 ** 53 - 1, id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=price&cursor=${c({ s: 'price', v: 10_000_000, id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=price&cursor=${c({ s: 'price', v: -1, id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=price&cursor=${c({ s: 'price', v: 1.5, id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=price&cursor=${c({ s: 'price', v: '100', id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=price&cursor=${c({ s: 'price', v: 1e300, id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=-price&cursor=${c({ s: '-price', v: 9_999_999, id: 2 })}`, status: 200, ids: [4, 5, 1, 3] },
  { url: `/products?sort=price&cursor=${c({ s: 'price', v: 0, id: 3 })}`, status: 200, ids: [1, 5, 4, 2] },
  // An id, in a cursor or a path: a positive safe integer (every id column is a bigint).
  { url: `/products?cursor=${c({ s: 'id', v: 2 ** 53, id: 2 ** 53 })}`, status: 400, names: 'cursor' },
  { url: `/products?cursor=${c({ s: 'id', v: 2 ** 63, id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?cursor=${c({ s: 'id', v: 1, id: 0 })}`, status: 400, names: 'cursor' },
  { url: `/products?cursor=${c({ s: 'id', v: -1, id: -1 })}`, status: 400, names: 'cursor' },
  { url: `/products?cursor=${c({ s: 'id', v: 1, id: '1' })}`, status: 400, names: 'cursor' },
  { url: `/products?cursor=${c({ s: 'id', v: MAX_SAFE, id: MAX_SAFE })}`, status: 200, ids: [] },
  { url: `/products?cursor=${c({ s: 'id', v: 2, id: 2 })}`, status: 200, ids: [3, 4, 5] },
  { url: `/products?sort=-id&cursor=${c({ s: '-id', v: MAX_SAFE, id: MAX_SAFE })}`, status: 200, ids: [5, 4, 3, 2, 1] },
  { url: `/products?sort=createdAt&cursor=${c({ s: 'createdAt', v: 8.64e15 + 1, id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=-updatedAt&cursor=${c({ s: '-updatedAt', v: 'yesterday', id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=createdAt&cursor=${c({ s: 'createdAt', v: -8.64e15, id: 1 })}`, status: 200, ids: [1, 2, 3, 4, 5] },
  { url: '/products/9007199254740992', status: 400, names: 'id' },
  { url: '/products/18446744073709551616', status: 400, names: 'id' },
  { url: '/products/9007199254740991', status: 404 },
  { url: '/products/0', status: 400, names: 'id' },
  { url: '/products/-1', status: 400, names: 'id' },
  { url: '/products/1%00', status: 400, names: 'id' },
  // Malformed cursors, and cursors for another sort.
  { url: '/products?cursor=%25%25%25', status: 400, names: 'cursor' },
  { url: '/products?cursor=', status: 400, names: 'cursor' },
  { url: '/products?cursor=%00', status: 400, names: 'cursor' },
  { url: `/products?cursor=${c({ s: 'id', v: 1, id: 1 }).slice(0, -3)}`, status: 400, names: 'cursor' },
  { url: `/products?cursor=${Buffer.from('[1,2]').toString('base64url')}`, status: 400, names: 'cursor' },
  { url: `/products?cursor=${Buffer.from('null').toString('base64url')}`, status: 400, names: 'cursor' },
  { url: `/products?cursor=${Buffer.from('{"s":"id","v":1,"id":1').toString('base64url')}`, status: 400, names: 'cursor' },
  { url: `/products?cursor=${'A'.repeat(501)}`, status: 400, names: 'cursor' },
  { url: `/products?sort=price&cursor=${c({ s: 'title', v: 'cherry', id: 3 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=-price&cursor=${c({ s: 'price', v: 100, id: 1 })}`, status: 400, names: 'cursor' },
  { url: `/products?sort=price&cursor=${c({ s: '\u0000', v: 100, id: 1 })}`, status: 400, names: 'cursor' },
  // limit, q, minPrice and maxPrice.
  { url: '/products?limit=0', status: 400, names: 'limit' },
  { url: '/products?limit=101', status: 400, names: 'limit' },
  { url: '/products?limit=-1', status: 400, names: 'limit' },
  { url: '/products?limit=2.5', status: 400, names: 'limit' },
  { url: '/products?limit=99999999999999999999', status: 400, names: 'limit' },
  { url: '/products?limit=NaN', status: 400, names: 'limit' },
  { url: '/products?limit=1', status: 200, ids: [1] },
  { url: '/products?limit=100', status: 200, ids: [1, 2, 3, 4, 5] },
  { url: '/products?q=a%00b', status: 400, names: 'q' },
  { url: '/products?q=%00', status: 400, names: 'q' },
  { url: '/products?q=a%07', status: 400, names: 'q' },
  { url: '/products?q=a%C2%85', status: 400, names: 'q' },
  { url: '/products?q=1%202%203%204%205%206%207%208%209', status: 400, names: 'q' },
  { url: `/products?q=${'a'.repeat(201)}`, status: 400, names: 'q' },
  // Bytes that are not UTF-8 (a lone surrogate's, an overlong NUL) are not decoded: they match nothing.
  { url: '/products?q=%ED%A0%80', status: 200, ids: [] },
  { url: '/products?q=a%FF', status: 200, ids: [] },
  { url: '/products?q=%E0%80%80', status: 200, ids: [] },
  { url: '/products?q=%25', status: 200, ids: [] },
  { url: '/products?q=_', status: 200, ids: [] },
  { url: '/products?q=%EF%BF%BD', status: 200, ids: [4] },
  { url: '/products?q=APPLE', status: 200, ids: [1] },
  { url: '/products?q=%C3%89CLAIR', status: 200, ids: [5] },
  { url: '/products?minPrice=100000', status: 400, names: 'minPrice' },
  { url: '/products?maxPrice=-1', status: 400, names: 'maxPrice' },
  { url: '/products?minPrice=2147483648', status: 400, names: 'minPrice' },
  { url: '/products?maxPrice=99999.999', status: 400, names: 'maxPrice' },
  { url: '/products?minPrice=1e5', status: 400, names: 'minPrice' },
  { url: '/products?minPrice=NaN', status: 400, names: 'minPrice' },
  { url: '/products?minPrice=%00', status: 400, names: 'minPrice' },
  { url: '/products?minPrice=50&maxPrice=20', status: 400, names: 'minPrice' },
  { url: '/products?minPrice=99999.99', status: 200, ids: [2] },
  { url: '/products?maxPrice=0', status: 200, ids: [3] },
  { url: '/products?minPrice=00001&maxPrice=20.0', status: 200, ids: [1, 5] },
  { url: '/products?sort=%00', status: 400, names: 'sort' },
  { url: '/products?sort=price%00', status: 400, names: 'sort' },
  // The change feed and the export.
  { url: `/products/changes?since=${c({ x: 'a\u0000', s: 1, p: 'a\u0000' })}`, status: 400, names: 'since' },
  { url: `/products/changes?since=${c({ x: 2 ** 63, s: 2 ** 63, p: 2 ** 63 })}`, status: 400, names: 'since' },
  { url: `/products/changes?since=${c({ x: -1, s: -1, p: -1 })}`, status: 400, names: 'since' },
  { url: '/products/changes?since=%00', status: 400, names: 'since' },
  { url: '/products/changes?limit=0', status: 400, names: 'limit' },
  { url: '/products/changes?limit=99999999999', status: 400, names: 'limit' },
  { url: '/products/export?format=%00', status: 400, names: 'format' }
]

const ADMIN_CASES: Case[] = [
  // Audit dates: what the schema calls a date-time, a leap second included (clamped to :59.999).
  { url: '/admin/audit?from=2016-12-31T23:59:60Z', status: 200, count: 5 },
  { url: '/admin/audit?to=2016-12-31T23:59:60Z', status: 200, count: 0 },
  { url: '/admin/audit?from=2017-01-01T00:59:60%2B01:00', status: 200, count: 5 },
  { url: '/admin/audit?to=2016-12-31T18:59:60-05:00', status: 200, count: 0 },
  { url: '/admin/audit?from=2016-12-31t23:59:60z', status: 200, count: 5 },
  { url: '/admin/audit?to=2016-12-31t23:59:60z', status: 200, count: 0 },
  { url: '/admin/audit?from=2016-12-31T23:59:60Z&to=2016-12-31T23:59:60Z', status: 200, count: 0 },
  { url: '/admin/audit?from=2016-12-31%2023:59:59.123456789Z', status: 200, count: 5 },
  { url: '/admin/audit?from=0000-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z', status: 200, count: 5 },
  { url: '/admin/audit?from=2016-12-31T12:00:60Z', status: 400, names: 'from' },
  { url: '/admin/audit?to=2016-12-31T24:59:60%2B01:00', status: 400, names: 'to' },
  { url: '/admin/audit?from=2016-02-30T00:00:00Z', status: 400, names: 'from' },
  { url: '/admin/audit?from=2016-12-31T23:59:59', status: 400, names: 'from' },
  { url: '/admin/audit?from=2016-12-31T23:59:59%2B24:00', status: 400, names: 'from' },
  { url: '/admin/audit?to=now', status: 400, names: 'to' },
  { url: '/admin/audit?to=2016-12-31T23:59:59Z%00', status: 400, names: 'to' },
  { url: '/admin/audit?from=2017-01-01T00:00:00Z&to=2016-12-31T23:59:60Z', status: 400, names: 'from' },
  // Audit filters and cursor.
  { url: '/admin/audit?productId=9007199254740992', status: 400, names: 'productId' },
  { url: '/admin/audit?productId=18446744073709551616', status: 400, names: 'productId' },
  { url: '/admin/audit?productId=0', status: 400, names: 'productId' },
  { url: '/admin/audit?productId=-1', status: 400, names: 'productId' },
  { url: '/admin/audit?productId=9007199254740991', status: 200, count: 0 },
  { url: '/admin/audit?productId=3', status: 200, count: 1 },
  { url: '/admin/audit?actor=a%00b', status: 400, names: 'actor' },
  { url: '/admin/audit?actor=%07', status: 400, names: 'actor' },
  { url: '/admin/audit?actor=', status: 400, names: 'actor' },
  { url: '/admin/audit?actor=%ED%A0%80', status: 200, count: 0 },
  { url: '/admin/audit?actor=auth0%7Cadmin-1', status: 200, count: 5 },
  { url: '/admin/audit?action=%00', status: 400, names: 'action' },
  { url: '/admin/audit?limit=0', status: 400, names: 'limit' },
  { url: '/admin/audit?limit=101', status: 400, names: 'limit' },
  { url: `/admin/audit?cursor=${c({ before: 0 })}`, status: 400, names: 'cursor' },
  { url: `/admin/audit?cursor=${c({ before: 2 ** 53 })}`, status: 400, names: 'cursor' },
  { url: `/admin/audit?cursor=${c({ before: 2 ** 63 })}`, status: 400, names: 'cursor' },
  { url: `/admin/audit?cursor=${c({ before: '1\u0000' })}`, status: 400, names: 'cursor' },
  { url: `/admin/audit?cursor=${c({ before: MAX_SAFE })}`, status: 200, count: 5 },
  { url: `/admin/audit?cursor=${c({ before: 3 })}`, status: 200, count: 2 },
  { url: `/products/1/history?cursor=${c({ before: -1 })}`, status: 400, names: 'cursor' },
  { url: `/products/1/history?cursor=${c({ before: 1e300 })}`, status: 400, names: 'cursor' },
  { url: '/products/9007199254740992/history', status: 400, names: 'id' },
  // Users: a cursor's sub obeys the rule a subject obeys.
  { url: `/admin/users?cursor=${c({ lastSeenAt: 1, sub: 'a\u0000' })}`, status: 400, names: 'cursor' },
  { url: `/admin/users?cursor=${c({ lastSeenAt: 8.64e15, sub: '\u0000' })}`, status: 400, names: 'cursor' },
  { url: `/admin/users?cursor=${c({ lastSeenAt: 8.64e15, sub: 'a\ud800' })}`, status: 400, names: 'cursor' },
  { url: `/admin/users?cursor=${c({ lastSeenAt: 8.64e15, sub: '' })}`, status: 400, names: 'cursor' },
  { url: `/admin/users?cursor=${c({ lastSeenAt: 2 ** 63, sub: 'a' })}`, status: 400, names: 'cursor' },
  { url: `/admin/users?cursor=${c({ lastSeenAt: '1', sub: 'a' })}`, status: 400, names: 'cursor' },
  { url: `/admin/users?cursor=${c({ lastSeenAt: 8.64e15, sub: 'zzz' })}`, status: 200, count: 1 },
  { url: '/admin/users/a%00b', status: 400, names: 'sub' },
  { url: '/admin/users/%07', status: 400, names: 'sub' },
  { url: '/admin/users/%ED%A0%80', status: 400 },
  { url: '/admin/users/a%FF', status: 400 },
  { url: `/admin/users/${'a'.repeat(201)}`, status: 414 },
  { url: '/admin/users?limit=0', status: 400, names: 'limit' }
]

/** The URL with its cursor decoded, for a readable test name. */
function describe (url: string): string {
  const named = url.replace(/(cursor|since)=([A-Za-z0-9_-]{2,})/, (_, name: string, value: string) => `${name}=<${Buffer.from(value, 'base64url').toString('utf8')}>`)
  return named.replace(/[\p{Cc}\p{Cs}]/gu, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).slice(0, 140)
}

t.test('hostile queries get the same statuses and pages on every backend, and never a 5xx', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const admin = bearer(issuer.adminToken())
  for (const product of PRODUCTS) {
    const created = await app.inject({ method: 'POST', url: '/products', headers: admin, payload: { ...product, image: 'https://example.com/p.jpg' } })
    t.equal(created.statusCode, 201, `seeded ${product.title}`)
  }
  t.same((await app.inject({ method: 'GET', url: '/products' })).json().items.map((p: { id: number }) => p.id), [1, 2, 3, 4, 5], 'ids 1 to 5')

  // All reads, independent of each other: sent at once, then checked in the table's order.
  const run = async (cases: Case[], headers: Record<string, string>) => {
    const responses = await Promise.all(cases.map(({ url }) => app.inject({ method: 'GET', url, headers })))
    for (const [i, { url, status, ids, count, names }] of cases.entries()) {
      const res = responses[i]!
      const label = describe(url)
      t.equal(res.statusCode, status, label, { body: res.body.slice(0, 300) })
      if (res.statusCode === 400) {
        t.match(res.headers['content-type'], /^application\/problem\+json/, `${label}: a problem document`)
        if (names !== undefined) t.ok(res.json().errors?.some((e: { field: string }) => e.field === names), `${label}: names ${names}`, { body: res.body })
      }
      if (res.statusCode !== 200) continue
      const items = res.json().items as Array<{ id: number }>
      if (ids !== undefined) t.same(items.map((item) => item.id), ids, `${label}: the page`)
      if (count !== undefined) t.equal(items.length, count, `${label}: ${count} items`)
    }
  }
  await run(PRODUCT_CASES, {})
  await run(ADMIN_CASES, admin)
})
