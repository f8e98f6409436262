import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { readJsonColumn, readSnapshot } from '../../../src/store/query/json-column.js'
import { openSqliteStore } from '../../../src/store/sqlite/store.js'
import type { Store } from '../../../src/store/types.js'
import { tempDir } from '../../helpers/process.js'
import { openPgStore, postgresUrl, queryPostgres } from '../../helpers/services.js'

/** The `t` a subtest callback receives. */
type TestContext = Parameters<Parameters<typeof t.test>[0]>[0]

const AT = Date.parse('2026-01-02T03:04:05.678Z')
const SNAPSHOT = { id: 7, title: 'Mug', priceCents: 250, image: 'i', createdAt: AT, updatedAt: AT, version: 1 }
const PRODUCT = { ...SNAPSHOT, createdAt: new Date(AT), updatedAt: new Date(AT) }
const QUERY = { limit: 10, productId: 7, actor: null, action: null, from: null, to: null, beforeId: null }

t.test('readJsonColumn and readSnapshot: SQL NULL and JSON null are both "none", on any driver', async (t) => {
  for (const stored of [null, undefined, 'null', ' null ']) {
    t.equal(readJsonColumn(stored), null, `${JSON.stringify(stored)} reads as null`)
    t.equal(readSnapshot(stored), null, `${JSON.stringify(stored)} is no snapshot`)
  }
  t.same(readSnapshot(JSON.stringify(SNAPSHOT)), SNAPSHOT, 'text, as SQLite hands it')
  t.same(readSnapshot(SNAPSHOT), SNAPSHOT, 'parsed, as Drizzle and pg hand it')
  t.same(readJsonColumn('{"location":"/products/1"}'), { location: '/products/1' })
  for (const damaged of ['42', '"text"', '[1]', 42, [SNAPSHOT]]) {
    t.throws(() => readSnapshot(damaged), /not a product/, `${JSON.stringify(damaged)} is a damaged row, not a product`)
  }
})

/** The audit entries of product 7, stored by hand as create (no before), update, delete (no after). */
async function assertReadsBack (t: TestContext, store: Store): Promise<void> {
  const { items } = await store.audit.list(QUERY)
  t.same(items.map((entry) => [entry.action, entry.before, entry.after]), [
    ['delete', PRODUCT, null],
    ['update', PRODUCT, PRODUCT],
    ['create', null, PRODUCT]
  ], 'SQL NULL and JSON null both read back as no product')
}

t.test('SQLite: an audit snapshot stored as SQL NULL or as JSON null reads back as none', async (t) => {
  const file = join(tempDir(t), 'store.db')
  await (await openSqliteStore(file)).close()
  const db = new Database(file)
  const insert = db.prepare("INSERT INTO audit_log (at, actor, action, product_id, before, after, request_id) VALUES (?, 'a', ?, 7, ?, ?, 'r')")
  const text = JSON.stringify(SNAPSHOT)
  insert.run(AT, 'create', null, text)
  insert.run(AT, 'update', text, text)
  insert.run(AT, 'delete', text, 'null')
  db.close()
  const store = await openSqliteStore(file)
  t.teardown(() => store.close())
  await assertReadsBack(t, store)
})

t.test('PostgreSQL: an audit snapshot stored as SQL NULL or as JSON null reads back as none', async (t) => {
  const url = await postgresUrl(t)
  if (url === null) return
  const store = await openPgStore(url)
  t.teardown(() => store.close())
  const insert = "INSERT INTO audit_log (at, actor, action, product_id, before, after, request_id) VALUES ($1, 'a', $2, 7, $3::jsonb, $4::jsonb, 'r')"
  const text = JSON.stringify(SNAPSHOT)
  await queryPostgres(url, insert, [AT, 'create', 'null', text])
  await queryPostgres(url, insert, [AT, 'update', text, text])
  await queryPostgres(url, insert, [AT, 'delete', text, null])
  await assertReadsBack(t, store)
})
