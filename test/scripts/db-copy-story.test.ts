import { join } from 'node:path'
import type { FastifyInstance, InjectOptions } from 'fastify'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../helpers/app.js'
import type { TestIssuer } from '../helpers/issuer.js'
import { runTsSync, tempDir } from '../helpers/process.js'
import { postgresUrl } from '../helpers/services.js'

// The story, the copy and two apps' worth of reads: slow on a loaded machine.
t.setTimeout(300_000)

/** The `t` a subtest callback receives. */
type TestContext = Parameters<Parameters<typeof t.test>[0]>[0]

interface Page { items: Array<Record<string, unknown>>, nextCursor: string | null }

const image = (n: number) => `https://example.com/p${n}.jpg`
const price = (n: number) => `${n}.${String(n % 100).padStart(2, '0')}`

/** A request that must answer `status`; its JSON body (or null). */
async function call (t: TestContext, app: FastifyInstance, status: number, options: InjectOptions) {
  const response = await app.inject(options)
  t.equal(response.statusCode, status, `${String(options.method ?? 'GET')} ${String(options.url)}: ${status}${response.statusCode === status ? '' : ` (${response.body.slice(0, 300)})`}`)
  return { body: response.body ? JSON.parse(response.body) as Record<string, unknown> : null, headers: response.headers }
}

/**
 * What an API user does to a fresh SQLite database: several subjects sign in, an admin creates
 * one by one and in bulk (JSON, CSV, NDJSON), patches twice, deletes one by one and in bulk,
 * a user logs out, another logs out everywhere. Returns the tokens whose fate the copy must keep.
 */
async function story (t: TestContext, app: FastifyInstance, issuer: TestIssuer) {
  const admin = bearer(issuer.adminToken())
  const now = Math.floor(Date.now() / 1000)
  const tokens = {
    loggedOut: issuer.token({ sub: 'auth0|user-2', [issuer.roleClaim]: ['user'], iat: now - 30 }),
    sibling: issuer.token({ sub: 'auth0|user-2', [issuer.roleClaim]: ['user'], iat: now - 20 }),
    everywhere: issuer.token({ sub: 'auth0|user-3', [issuer.roleClaim]: ['user'], iat: now - 30 }),
    oldOfEverywhere: issuer.token({ sub: 'auth0|user-3', [issuer.roleClaim]: ['user'], iat: now - 40 })
  }
  for (const token of [issuer.adminToken(), issuer.userToken(), tokens.loggedOut, tokens.everywhere]) {
    await call(t, app, 200, { method: 'GET', url: '/me', headers: bearer(token) })
  }
  for (let n = 1; n <= 20; n++) {
    await call(t, app, 201, { method: 'POST', url: '/products', headers: admin, payload: { title: `Item ${n} ${n % 3 === 0 ? 'Éclair' : 'Mug'}`, price: price(n), image: image(n) } })
  }
  const csv = ['title,price,image', ...Array.from({ length: 15 }, (_, i) => `"Csv, ${i + 21}",${price(i + 21)},${image(i + 21)}`)].join('\n')
  const imported = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, 'content-type': 'text/csv', 'idempotency-key': 'csv-import-1' }, payload: csv })
  t.equal(imported.statusCode, 201, 'the CSV import')
  const ndjson = Array.from({ length: 15 }, (_, i) => JSON.stringify({ title: `Nd ${i + 36}`, price: price(i + 36), image: image(i + 36) })).join('\n')
  await call(t, app, 201, { method: 'POST', url: '/products/bulk', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: ndjson })
  for (let id = 1; id <= 10; id++) {
    await call(t, app, 200, { method: 'PATCH', url: `/products/${id}`, headers: admin, payload: { price: price(id + 100) } })
    await call(t, app, 200, { method: 'PATCH', url: `/products/${id}`, headers: admin, payload: { title: `Patched twice ${id}` } })
  }
  await call(t, app, 200, { method: 'PUT', url: '/products/25', headers: admin, payload: { title: 'Replaced', price: '1.00', image: image(99) } })
  for (const id of [11, 12, 13, 30]) await call(t, app, 204, { method: 'DELETE', url: `/products/${id}`, headers: admin })
  await call(t, app, 200, { method: 'POST', url: '/products/bulk-delete', headers: admin, payload: { ids: [14, 15, 40, 41] } })
  await call(t, app, 200, { method: 'POST', url: '/logout', headers: bearer(tokens.loggedOut) })
  await call(t, app, 200, { method: 'POST', url: '/logout', headers: bearer(tokens.everywhere), payload: { everywhere: true } })
  return { tokens, csv, imported: imported.body }
}

/** Every item of a paged listing, following nextCursor (as `param`) to the end. */
async function allPages (app: FastifyInstance, path: string, headers: Record<string, string>, param = 'cursor'): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = []
  let cursor: string | null = null
  for (let page = 0; page < 100; page++) {
    const separator = path.includes('?') ? '&' : '?'
    const response: { statusCode: number, body: string } = await app.inject({ method: 'GET', url: `${path}${cursor === null ? '' : `${separator}${param}=${encodeURIComponent(cursor)}`}`, headers })
    if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode} ${response.body}`)
    const body = JSON.parse(response.body) as Page
    items.push(...body.items)
    if (body.nextCursor === null || body.items.length === 0) return items
    cursor = body.nextCursor
  }
  throw new Error(`${path}: more than 100 pages`)
}

/** GET /products/:id for each id: status, ETag and body, as a client would compare them. */
async function eachProduct (app: FastifyInstance, ids: number[]) {
  return Promise.all(ids.map(async (id) => {
    const response = await app.inject({ method: 'GET', url: `/products/${id}` })
    // A 404's problem carries its own request id: its status says all.
    return { id, status: response.statusCode, etag: response.headers.etag, body: response.statusCode === 200 ? response.body : null }
  }))
}

t.test('db:copy of a database the API used: the API answers the same from PostgreSQL as from SQLite', async (t) => {
  const url = await postgresUrl(t)
  if (url === null) return
  const issuer = await startIssuer(t)
  const file = join(tempDir(t), 'store.db')
  const used = await startApp(t, issuer, { DATABASE_URL: `file:${file}` })
  const { tokens, csv, imported } = await story(t, used, issuer)
  await used.close()

  const copy = runTsSync('scripts/db-copy.ts', ['--from', `file:${file}`, '--to', url], {}, 180_000)
  t.equal(copy.status, 0, `the copy succeeds: ${copy.stderr}`)
  t.match(copy.stdout, /^products: 42\nusers: 4\naudit_log: 79\nrevoked_tokens: 2\nsubject_revocations: 1\nidempotency_keys: 1\ncounts match\n$/, 'every row counted')

  const sqlite = await startApp(t, issuer, { DATABASE_URL: `file:${file}` })
  const pg = await startApp(t, issuer, { DATABASE_URL: url })
  const both = async <T>(read: (app: FastifyInstance) => Promise<T>): Promise<[T, T]> => [await read(sqlite), await read(pg)]
  // The reader is an admin the story never used: its own first sight is recorded on each side.
  const reader = bearer(issuer.adminToken({ sub: 'auth0|auditor' }))

  const [users, pgUsers] = await both((app) => allPages(app, '/admin/users?limit=2', reader))
  const storyUsers = (list: Array<Record<string, unknown>>) => list.filter((user) => user.sub !== 'auth0|auditor')
  t.equal(storyUsers(users).length, 4, 'the four subjects of the story')
  t.same(storyUsers(pgUsers), storyUsers(users), 'users: the same records, in the same order, page by page')

  for (const query of ['limit=7', 'limit=5&sort=title', 'limit=9&sort=-price', 'limit=100&q=eclair', 'limit=4&sort=-updatedAt&minPrice=5']) {
    const [a, b] = await both((app) => allPages(app, `/products?${query}`, {}))
    t.same(b, a, `products?${query}: the same pages`)
    if (query === 'limit=7') t.equal(a.length, 42, 'every live product listed')
  }
  const ids = Array.from({ length: 50 }, (_, i) => i + 1)
  const [gets, pgGets] = await both((app) => eachProduct(app, ids))
  t.same(pgGets, gets, 'every product (and every deleted one): the same status, ETag and body')
  t.equal(gets.filter((get) => get.status === 404).length, 8, 'the deleted ones are gone on both sides')

  const [audit, pgAudit] = await both((app) => allPages(app, '/admin/audit?limit=30', reader))
  t.equal(audit.length, 79, 'every change audited: 50 creates, 20 patches, 1 replace, 8 deletes')
  t.same(pgAudit, audit, 'the audit trail: the same entries, snapshots and all')
  for (const id of [1, 11, 14, 25, 40]) {
    const [history, pgHistory] = await both((app) => allPages(app, `/products/${id}/history?limit=2`, reader))
    t.same(pgHistory, history, `product ${id}'s history`)
  }

  const [feed, pgFeed] = await both((app) => allPages(app, '/products/changes?limit=10', {}, 'since'))
  const live = (items: Array<Record<string, unknown>>) => items.filter((item) => item.deleted !== true).sort((x, y) => Number(x.id) - Number(y.id))
  t.same(live(pgFeed), live(feed), 'the change feed from the start: the same live products')
  t.same(pgFeed.filter((item) => item.deleted === true), [], 'tombstones are not copied: a PostgreSQL client starts the feed over')

  const me = async (app: FastifyInstance, token: string) => (await app.inject({ method: 'GET', url: '/me', headers: bearer(token) })).statusCode
  for (const [name, token, status] of [
    ['the logged-out token', tokens.loggedOut, 401],
    ['another token of the logged-out user', tokens.sibling, 200],
    ['the token that logged out everywhere', tokens.everywhere, 401],
    ['an older token of that user', tokens.oldOfEverywhere, 401],
    ['an admin token never revoked', issuer.adminToken(), 200]
  ] as const) {
    t.same(await both((app) => me(app, token)), [status, status], `${name}: ${status} on both sides`)
  }
  await new Promise((resolve) => setTimeout(resolve, 1100))
  const fresh = issuer.token({ sub: 'auth0|user-3', [issuer.roleClaim]: ['user'] })
  t.same(await both((app) => me(app, fresh)), [200, 200], 'a token issued after "log out everywhere": accepted on both sides')

  const replay = await pg.inject({ method: 'POST', url: '/products/bulk', headers: { ...bearer(issuer.adminToken()), 'content-type': 'text/csv', 'idempotency-key': 'csv-import-1' }, payload: csv })
  t.same([replay.statusCode, replay.body], [201, imported], 'a retried import with its idempotency key is replayed on PostgreSQL, not imported twice')
  const created = await call(t, pg, 201, { method: 'POST', url: '/products', headers: reader, payload: { title: 'After the move', price: '2.00', image: image(100) } })
  t.ok(Number(created.body?.id) > 50, `ids continue past the copied ones (${String(created.body?.id)})`)
})
