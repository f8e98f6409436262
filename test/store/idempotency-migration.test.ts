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
import type { Store } from '../../src/store/types.js'
import { openPgStore, postgresUrl } from '../helpers/services.js'

// Idempotency records written before the result column held the HTTP response. After the
// migration they are still live, and read back as the domain result they answered with.

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

const PRODUCT = { id: 7, title: 'Lamp "deluxe"', price: '899.90', image: 'https://example.test/l.png', createdAt: '2026-12-06T10:00:00.123Z', updatedAt: '2026-12-06T10:00:00.123Z' }
const ROWS = [
  ['single', 201, JSON.stringify(PRODUCT), JSON.stringify({ 'content-type': 'application/json; charset=utf-8', location: '/products/7', etag: '"7-1"' })],
  ['bulk', 201, JSON.stringify({ created: 1, items: [PRODUCT] }), JSON.stringify({ 'content-type': 'application/json; charset=utf-8' })]
] as const

async function checkOldRecords (t: Test, store: Store, now: number): Promise<void> {
  const product = { id: 7, title: 'Lamp "deluxe"', priceCents: 89990, image: PRODUCT.image, createdAt: new Date(PRODUCT.createdAt), updatedAt: new Date(PRODUCT.updatedAt), version: 1 }
  const since = new Date(now - 60_000)
  t.same(await store.idempotency.find('auth0|a', 'single', since), { requestHash: 'h-single', result: product, createdAt: new Date(now) })
  t.same((await store.idempotency.find('auth0|a', 'bulk', since))?.result, [product])
}

t.test('SQLite: an old record survives the migration and reads as its domain result', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-api-idempotency-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'store.db')
  const raw = new Database(path)
  sqliteMigrate(sqliteDrizzle(raw), { migrationsFolder: migrationsBefore(t, 'drizzle/sqlite', '0006_idempotency_domain_result') })
  const now = Date.now()
  const insert = raw.prepare('INSERT INTO idempotency_keys (sub, key, request_hash, status, body, headers, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
  for (const [key, status, body, headers] of ROWS) insert.run('auth0|a', key, `h-${key}`, status, body, headers, now)
  raw.close()
  const store = openSqliteStore(path)
  t.teardown(() => store.close())
  await checkOldRecords(t, store, now)
})

t.test('PostgreSQL: an old record survives the migration and reads as its domain result', async (t) => {
  const url = await postgresUrl(t)
  if (url === null) return
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const now = Date.now()
  try {
    await pgMigrate(pgDrizzle(client), { migrationsFolder: migrationsBefore(t, 'drizzle/pg', '0003_idempotency_domain_result') })
    for (const [key, status, body, headers] of ROWS) {
      await client.query('INSERT INTO idempotency_keys (sub, key, request_hash, status, body, headers, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        ['auth0|a', key, `h-${key}`, status, body, headers, now])
    }
  } finally {
    await client.end()
  }
  const store = await openPgStore(url)
  t.teardown(() => store.close())
  await checkOldRecords(t, store, now)
})
