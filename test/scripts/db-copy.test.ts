import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { runTsSync, tempDir } from '../helpers/process.js'
import { openPgStore, postgresUrl } from '../helpers/services.js'

// The SQLite layout the copy reads (the committed SQLite migrations' tables, as they stand).
const SQLITE_TABLES = `
CREATE TABLE products (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, price_cents INTEGER NOT NULL, image TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1, title_key TEXT NOT NULL DEFAULT '');
CREATE TABLE users (sub TEXT PRIMARY KEY, name TEXT, email TEXT, picture TEXT, is_admin INTEGER NOT NULL, first_seen_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL);
CREATE TABLE revoked_tokens (token_id TEXT PRIMARY KEY, sub TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE subject_revocations (sub TEXT PRIMARY KEY, revoked_before INTEGER NOT NULL);
CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, product_id INTEGER NOT NULL,
  before TEXT, after TEXT, request_id TEXT NOT NULL);
CREATE TABLE idempotency_keys (sub TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, status INTEGER, body TEXT, headers TEXT,
  created_at INTEGER NOT NULL, PRIMARY KEY (sub, key));
`

const T0 = Date.parse('2026-01-02T03:04:05.678Z')
const json = (value: unknown) => JSON.stringify(value)
const responseJson = (id: number, title: string, price: string, updatedAt: number) =>
  json({ id, title, price, image: 'i', createdAt: new Date(T0).toISOString(), updatedAt: new Date(updatedAt).toISOString() })

function makeSqlite (path: string): void {
  const db = new Database(path)
  db.exec(SQLITE_TABLES)
  db.prepare('INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(7, 'Éclair', 250, 'i', T0, T0 + 10, 2, '')
  db.prepare('INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(40, 'Mug', 1999, 'i', T0, T0, 1, '')
  db.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?)').run('auth0|ann', 'Ann', null, null, 1, T0, T0 + 5)
  db.prepare('INSERT INTO revoked_tokens VALUES (?, ?, ?)').run('jti-1', 'auth0|ann', T0 + 3_600_000_000)
  db.prepare('INSERT INTO subject_revocations VALUES (?, ?)').run('auth0|bob', 1_700_000_000)
  const audit = db.prepare('INSERT INTO audit_log (at, actor, action, product_id, before, after, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
  audit.run(T0, 'auth0|ann', 'create', 7, null, responseJson(7, 'Eclair', '2.00', T0), 'r1')
  audit.run(T0 + 10, 'auth0|ann', 'update', 7, responseJson(7, 'Eclair', '2.00', T0), responseJson(7, 'Éclair', '2.50', T0 + 10), 'r2')
  audit.run(T0, 'auth0|ann', 'create', 40, null, responseJson(40, 'Mug', '19.99', T0), 'r3')
  const now = Date.now()
  const key = db.prepare('INSERT INTO idempotency_keys VALUES (?, ?, ?, ?, ?, ?, ?)')
  // As the version before result records wrote it: the response's body and headers.
  const body = json({ id: 40, title: 'Tart', price: '3.00', image: 'i', createdAt: new Date(T0).toISOString(), updatedAt: new Date(T0).toISOString() })
  key.run('auth0|ann', 'live', 'h1', 201, body, json({ location: '/products/40', etag: 'W/"40.1"' }), now - 1000)
  key.run('auth0|ann', 'running', 'h2', null, null, null, now - 1000)
  key.run('auth0|ann', 'old', 'h3', 201, '{}', '{}', now - 2 * 86_400_000)
  db.close()
}

t.test('db:copy moves a SQLite store into an empty PostgreSQL one, keeping ids, versions and history', async (t) => {
  const url = await postgresUrl(t)
  if (url === null) return
  const file = join(tempDir(t), 'store.db')
  makeSqlite(file)
  const run = () => runTsSync('scripts/db-copy.ts', ['--from', `file:${file}`, '--to', url], {}, 60_000)
  const result = run()
  t.equal(result.status, 0, result.stderr)
  t.match(result.stdout, /products: 2\nusers: 1\naudit_log: 3\nrevoked_tokens: 1\nsubject_revocations: 1\nidempotency_keys: 1\ncounts match/)

  const store = await openPgStore(url)
  t.teardown(() => store.close())
  t.equal(store.created, false)
  t.same(await store.products.get(7), { id: 7, title: 'Éclair', priceCents: 250, image: 'i', createdAt: new Date(T0), updatedAt: new Date(T0 + 10), version: 2 })
  const found = await store.products.list({ limit: 10, sort: { field: 'title', descending: false }, words: ['éclair'], minPriceCents: null, maxPriceCents: null, after: null })
  t.same(found.items.map((p) => p.id), [7], 'title keys rebuilt for search')
  const history = await store.audit.list({ limit: 10, productId: 7, actor: null, action: null, from: null, to: null, beforeId: null })
  t.same(history.items.map((e) => [e.action, e.before?.version ?? null, e.after?.version ?? null, e.after?.priceCents ?? null]), [
    ['update', 1, 2, 250],
    ['create', null, 1, 200]
  ], 'old snapshots read as domain products, versions rebuilt')
  t.same(history.items[0]?.after?.updatedAt, new Date(T0 + 10))
  t.equal(await store.revocations.isRevoked('auth0|ann', 'jti-1', null), true)
  t.equal(await store.revocations.isRevoked('auth0|bob', 'any', 1_700_000_000), true)
  t.match(await store.users.get('auth0|ann'), { name: 'Ann', isAdmin: true, lastSeenAt: new Date(T0 + 5) })
  t.match(await store.idempotency.find('auth0|ann', 'live', new Date(0)), {
    requestHash: 'h1',
    result: { id: 40, title: 'Tart', priceCents: 300, version: 1 }
  }, 'an old-layout record is copied and read back as its domain result')
  t.equal(await store.idempotency.find('auth0|ann', 'running', new Date(0)), null, 'unfinished records are not copied')
  t.equal(await store.idempotency.find('auth0|ann', 'old', new Date(0)), null, 'expired records are not copied')
  const feed = await store.products.changes(null, 10)
  t.same(feed.status === 'ok' && feed.page.items.map((change) => !change.deleted && change.product.id), [7, 40], 'the change feed starts with every copied product')
  const next = await store.products.create({ title: 'New', priceCents: 1, image: 'i' }, { actor: 'a', requestId: 'r' })
  t.match(next, { status: 'ok', value: { id: 41 } }, 'ids continue past the copied ones')

  const again = run()
  t.equal(again.status, 1, 'a second copy into the now non-empty database is refused')
  t.match(again.stderr, /not empty/)
})

t.test('db:copy names the argument it cannot open, its password masked', async (t) => {
  const file = join(tempDir(t), 'store.db')
  makeSqlite(file)
  const result = runTsSync('scripts/db-copy.ts', ['--from', `file:${file}`, '--to', 'postgres://store:S3cret-pw@127.0.0.1:1/x'], {}, 60_000)
  t.equal(result.status, 1)
  t.equal(result.stderr, 'db-copy: --to (postgres://store:***@127.0.0.1:1/x): cannot connect: ECONNREFUSED\n')
  const missing = runTsSync('scripts/db-copy.ts', ['--from', `file:${file}.missing`, '--to', 'postgres://store:S3cret-pw@127.0.0.1:1/x'], {}, 60_000)
  t.equal(missing.status, 1)
  t.match(missing.stderr, /^db-copy: --from \(file:[^)]+\.missing\): cannot open/)
  t.notMatch(result.stderr + missing.stderr, /S3cret/)
})
