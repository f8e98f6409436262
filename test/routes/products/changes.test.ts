import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { encodeCursor } from '../../../src/http/cursor.js'
import { openSqliteStore } from '../../../src/store/sqlite/store.js'
import { bearer, startApp, startIssuer } from '../../helpers/app.js'
import { postgresUrl } from '../../helpers/services.js'

interface Change { id: number, deleted?: true, at?: string, title?: string, price?: string, updatedAt?: string }
interface Page { items: Change[], nextCursor: string }

const IMAGE = 'https://example.com/p.jpg'
const product = (title: string, price = '1.00') => ({ title, price, image: IMAGE })

async function page (app: FastifyInstance, since: string | null, limit?: number): Promise<Page> {
  const query = new URLSearchParams()
  if (since !== null) query.set('since', since)
  if (limit !== undefined) query.set('limit', String(limit))
  const res = await app.inject({ method: 'GET', url: `/products/changes?${query}` })
  if (res.statusCode !== 200) throw new Error(`feed answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

/**
 * Follows nextCursor until `done` holds (or a few seconds pass). On PostgreSQL a change shows
 * once every older transaction in the cluster has ended, which another test's may delay.
 */
async function syncUntil (app: FastifyInstance, since: string | null, done: (items: Change[]) => boolean, limit?: number) {
  const items: Change[] = []
  let cursor = since
  const deadline = Date.now() + 10_000
  for (;;) {
    const read = await page(app, cursor, limit)
    items.push(...read.items)
    cursor = read.nextCursor
    if (read.items.length === 0 && (done(items) || Date.now() > deadline)) return { items, cursor: cursor! }
    if (read.items.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function feedSuite (t: Test, env: (t: Test) => Promise<Record<string, string> | null>): void {
  async function setup (t: Test) {
    const settings = await env(t)
    if (settings === null) return null
    const issuer = await startIssuer(t)
    const app = await startApp(t, issuer, settings)
    return { app, admin: bearer(issuer.adminToken()) }
  }

  t.test('a client syncs: the whole catalogue first, then only what changed, tombstones for deletions', async (t) => {
    const started = await setup(t)
    if (!started) return
    const { app, admin } = started
    const empty = await page(app, null)
    t.same(empty.items, [], 'a new database has no changes')
    t.type(empty.nextCursor, 'string', 'nextCursor is always present')

    const post = async (body: object) => (await app.inject({ method: 'POST', url: '/products', headers: admin, payload: body })).json()
    const a = await post(product('Alpha'))
    const b = await post(product('Beta'))
    const imported = await app.inject({ method: 'POST', url: '/products/bulk', headers: admin, payload: [product('Gamma'), product('Delta')] })
    t.equal(imported.statusCode, 201)
    const [c, d] = imported.json().items
    const patched = await app.inject({ method: 'PATCH', url: `/products/${a.id}`, headers: admin, payload: { price: '2.50' } })
    t.equal((await app.inject({ method: 'DELETE', url: `/products/${b.id}`, headers: admin })).statusCode, 204)
    t.equal((await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: admin, payload: { ids: [d.id] } })).statusCode, 200)

    const full = await syncUntil(app, null, (items) => items.length >= 4)
    const tombstones = full.items.filter((item) => item.deleted)
    t.same(full.items.map((item) => item.id), [c.id, a.id, b.id, d.id], 'commit order of each product\'s latest change')
    t.same(full.items.slice(0, 2), [c, patched.json()], 'created and updated products as their current state')
    t.same(tombstones.map((item) => [item.id, item.deleted, Object.keys(item).sort()]), [[b.id, true, ['at', 'deleted', 'id']], [d.id, true, ['at', 'deleted', 'id']]])
    t.ok(tombstones.every((item) => Date.parse(item.at!) <= Date.now()), 'a tombstone says when')

    const quiet = await page(app, full.cursor)
    t.same(quiet.items, [], 'nothing changed since')
    await app.inject({ method: 'PATCH', url: `/products/${c.id}`, headers: admin, payload: { title: 'Gamma 2' } })
    const next = await syncUntil(app, quiet.nextCursor, (items) => items.length >= 1)
    t.same(next.items.map((item) => [item.id, item.title]), [[c.id, 'Gamma 2']], 'following nextCursor gives only the new change')

    const walked = await syncUntil(app, null, (items) => items.length >= 4, 1)
    t.same(walked.items.map((item) => item.id), [a.id, b.id, d.id, c.id], 'one at a time from the beginning: the changed product has moved last')
  })

  t.test('the feed route does not shadow /products/:id, and refuses bad input with problem+json', async (t) => {
    const started = await setup(t)
    if (!started) return
    const { app, admin } = started
    const created = (await app.inject({ method: 'POST', url: '/products', headers: admin, payload: product('Solo') })).json()
    t.equal((await app.inject({ method: 'GET', url: `/products/${created.id}` })).json().title, 'Solo', '/products/:id still answers')
    const refused = async (query: string, field: string) => {
      const res = await app.inject({ method: 'GET', url: `/products/changes?${query}` })
      t.equal(res.statusCode, 400, query)
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
      t.match(res.json().errors, [{ field }], `${query} names ${field}`)
    }
    await refused('since=not*a*cursor', 'since')
    await refused(`since=${encodeCursor({ p: -1, x: 'y' })}`, 'since')
    await refused(`since=${encodeCursor({ nested: 1 }).slice(0, -2)}`, 'since')
    await refused(`since=${Buffer.from('[1,2]').toString('base64url')}`, 'since')
    await refused('limit=0', 'limit')
    await refused('limit=501', 'limit')
    const res = await app.inject({ method: 'GET', url: '/products/changes?limit=500' })
    t.equal(res.statusCode, 200, 'the largest page is allowed')
  })

  t.test('a cursor older than the kept tombstones answers 410: resync from the beginning', async (t) => {
    const started = await setup(t)
    if (!started) return
    const { app, admin } = started
    const kept = (await app.inject({ method: 'POST', url: '/products', headers: admin, payload: product('Kept') })).json()
    const gone = (await app.inject({ method: 'POST', url: '/products', headers: admin, payload: product('Gone') })).json()
    const before = await syncUntil(app, null, (items) => items.length >= 2)
    await app.inject({ method: 'DELETE', url: `/products/${gone.id}`, headers: admin })
    t.ok(await app.store.products.purgeTombstones(new Date(Date.now() + 1000)) >= 1, 'the tombstone is purged')
    const res = await app.inject({ method: 'GET', url: `/products/changes?since=${before.cursor}` })
    t.equal(res.statusCode, 410)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(res.json(), { status: 410, title: 'Gone', detail: /sync again from the beginning/ })
    const fresh = await syncUntil(app, null, () => true)
    t.same(fresh.items.map((item) => item.id), [kept.id], 'from the beginning: the catalogue as it is')
    t.equal((await app.inject({ method: 'GET', url: `/products/changes?since=${fresh.cursor}` })).statusCode, 200)
  })
}

t.test('SQLite', async (t) => feedSuite(t, async () => ({ DATABASE_URL: ':memory:' })))
t.test('PostgreSQL', async (t) => feedSuite(t, async (t) => {
  const url = await postgresUrl(t)
  return url === null ? null : { DATABASE_URL: url }
}))

t.test('housekeeping purges tombstones older than 30 days at start; their cursors answer 410', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-api-changes-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'store.db')
  const store = openSqliteStore(path)
  const context = { actor: 'test', requestId: 'r' }
  const old = await store.products.create({ title: 'Old', priceCents: 100, image: IMAGE }, context)
  const recent = await store.products.create({ title: 'Recent', priceCents: 100, image: IMAGE }, context)
  const start = await store.products.changes(null, 100)
  if (old.status !== 'ok' || recent.status !== 'ok' || start.status !== 'ok') throw new Error('setup failed')
  await store.products.delete(old.value.id, context)
  await store.products.delete(recent.value.id, context)
  await store.close()
  const raw = new Database(path)
  raw.prepare('UPDATE product_changes SET at = at - ? WHERE product_id = ?').run(31 * 86_400_000, old.value.id)
  raw.close()

  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { DATABASE_URL: `file:${path}` })
  const res = await app.inject({ method: 'GET', url: `/products/changes?since=${encodeCursor(start.page.next)}` })
  t.equal(res.statusCode, 410, 'the 31-day-old tombstone was purged at start')
  const all = await page(app, null)
  t.same(all.items.map((item) => [item.id, item.deleted]), [[recent.value.id, true]], 'the recent tombstone is kept')
})
