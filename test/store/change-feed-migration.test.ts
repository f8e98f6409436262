import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle as sqliteDrizzle } from 'drizzle-orm/better-sqlite3'
import { migrate as sqliteMigrate } from 'drizzle-orm/better-sqlite3/migrator'
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres'
import { migrate as pgMigrate } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'
import t, { type Test } from 'tap'
import { openSqliteStore } from '../../src/store/sqlite/store.js'
import type { ProductChange, Store } from '../../src/store/types.js'
import { openPgStore, postgresUrl } from '../helpers/services.js'

/** A copy of a migrations folder holding only the migrations before `firstLeftOut`. */
function migrationsBefore (t: Test, folder: string, firstLeftOut: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-api-migrations-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync(folder, dir, { recursive: true })
  const journalPath = join(dir, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalPath, 'utf8'))
  const index = journal.entries.findIndex((entry: { tag: string }) => entry.tag === firstLeftOut)
  if (index < 0) throw new Error(`no migration ${firstLeftOut}`)
  journal.entries = journal.entries.slice(0, index)
  writeFileSync(journalPath, JSON.stringify(journal))
  return dir
}

const changeId = (change: ProductChange) => (change.deleted ? change.id : change.product.id)

async function checkBackfill (t: Test, store: Store, ids: number[]): Promise<void> {
  const first = await store.products.changes(null, 100)
  if (first.status !== 'ok') throw new Error(first.status)
  t.same(first.page.items.map(changeId), ids, 'every existing product is in the feed from the beginning, in id order')
  t.same(first.page.items.map((change) => !change.deleted && change.product.title), ['Old one', 'Old two'])
  const created = await store.products.create({ title: 'New', priceCents: 1, image: 'https://example.test/n.png' }, { actor: 'test', requestId: 'r' })
  if (created.status !== 'ok') throw new Error(created.status)
  const deadline = Date.now() + 10_000
  let items: ProductChange[] = []
  while (items.length === 0 && Date.now() < deadline) {
    const next = await store.products.changes(first.page.next, 100)
    if (next.status !== 'ok') throw new Error(next.status)
    items = next.page.items
  }
  t.same(items.map(changeId), [created.value.id], 'a later write comes after the backfill')
}

t.test('SQLite: migrating an existing database backfills the feed with its products', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-api-backfill-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'store.db')
  const raw = new Database(path)
  sqliteMigrate(sqliteDrizzle(raw), { migrationsFolder: migrationsBefore(t, 'drizzle/sqlite', '0005_change_feed') })
  const insert = raw.prepare('INSERT INTO products (id, title, price_cents, image, created_at, updated_at, title_key) VALUES (?, ?, 100, ?, 1, 1, ?)')
  insert.run(3, 'Old one', 'https://example.test/1.png', 'old one')
  insert.run(8, 'Old two', 'https://example.test/2.png', 'old two')
  raw.close()
  const store = openSqliteStore(path)
  t.teardown(() => store.close())
  await checkBackfill(t, store, [3, 8])
})

t.test('PostgreSQL: migrating an existing database backfills the feed with its products', async (t) => {
  const url = await postgresUrl(t)
  if (url === null) return
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await pgMigrate(pgDrizzle(client), { migrationsFolder: migrationsBefore(t, 'drizzle/pg', '0002_change_feed') })
    await client.query(`INSERT INTO products (id, title, price_cents, image, created_at, updated_at, title_key) VALUES
      (3, 'Old one', 100, 'https://example.test/1.png', 1, 1, 'old one'), (8, 'Old two', 100, 'https://example.test/2.png', 1, 1, 'old two')`)
    await client.query("SELECT setval(pg_get_serial_sequence('products', 'id'), 8)")
  } finally {
    await client.end()
  }
  const store = await openPgStore(url)
  t.teardown(() => store.close())
  await checkBackfill(t, store, [3, 8])
})
