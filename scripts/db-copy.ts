// Copies a SQLite store into an empty PostgreSQL one, keeping ids, versions and history:
//   npm run db:copy -- --from file:./data/store.db --to postgres://user@host/db
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/node-postgres'
import type { PgTable } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { parsePrice } from '../src/lib/price.js'
import { firstMessage, SettingError } from '../src/lib/setting-error.js'
import { openFailure } from '../src/store/open-store.js'
import { readJsonColumn, readSnapshot } from '../src/store/query/json-column.js'
import type { PgDb as Tx } from '../src/store/pg/db.js'
import type { ProductSnapshot } from '../src/store/query/snapshots.js'
import * as schema from '../src/store/pg/schema.js'
import { openPgStore } from '../src/store/pg/store.js'

const BATCH = 1000
// Idempotency records are replayed for 24 hours; older ones are not worth copying.
const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000
const TABLES = ['products', 'users', 'audit_log', 'revoked_tokens', 'subject_revocations', 'idempotency_keys'] as const
type Counts = Record<(typeof TABLES)[number], number>

type Row = Record<string, unknown>

function sqlitePath (from: string): string {
  return from.startsWith('file:') ? from.slice('file:'.length) : from
}

/**
 * A live idempotency record: its domain result (the current layout), or the HTTP response an
 * older version stored; an expired or unfinished one is not copied.
 */
function idempotencyRow (now: number) {
  return (r: Row) => {
    if (Number(r.created_at) < now - IDEMPOTENCY_RETENTION_MS) return null
    const record = { sub: r.sub, key: r.key, requestHash: r.request_hash, createdAt: r.created_at }
    const result = readJsonColumn(r.result)
    if (result !== null) return { ...record, result: result as ProductSnapshot | ProductSnapshot[] }
    if (r.status === null || r.body === null) return null
    return { ...record, status: r.status, body: r.body, headers: readJsonColumn(r.headers) ?? {} }
  }
}

/**
 * A snapshot as either SQLite layout wrote it: the domain product, or the response JSON; read
 * back as the store reads it, so SQL NULL and a stored JSON null are both "no product".
 */
function snapshot (stored: unknown, versions: Map<number, number>, role: 'before' | 'after'): ProductSnapshot | null {
  const value = readSnapshot<Record<string, unknown>>(stored)
  if (value === null) return null
  const time = (v: unknown) => (typeof v === 'number' ? v : Date.parse(String(v)))
  const id = Number(value.id)
  // Older entries carry no version: it is rebuilt by counting the product's changes.
  let version = typeof value.version === 'number' ? value.version : (versions.get(id) ?? 0) + (role === 'after' ? 1 : 0)
  if (role === 'after') versions.set(id, version)
  if (version === 0) version = 1
  return {
    id,
    title: String(value.title),
    priceCents: typeof value.priceCents === 'number' ? value.priceCents : parsePrice(String(value.price)) ?? 0,
    image: String(value.image),
    createdAt: time(value.createdAt),
    updatedAt: time(value.updatedAt),
    version
  }
}

async function insertAll (tx: Tx, table: PgTable, rows: Iterable<Row>, map: (row: Row) => Record<string, unknown> | null): Promise<number> {
  let batch: Record<string, unknown>[] = []
  let count = 0
  const flush = async () => {
    if (batch.length > 0) await tx.insert(table).values(batch as never)
    count += batch.length
    batch = []
  }
  for (const row of rows) {
    const mapped = map(row)
    if (mapped === null) continue
    batch.push(mapped)
    if (batch.length >= BATCH) await flush()
  }
  await flush()
  return count
}

async function countRows (client: pg.Client): Promise<Counts> {
  const counts = {} as Counts
  for (const table of TABLES) {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
    counts[table] = rows[0]?.n ?? 0
  }
  return counts
}

async function copyTables (sqlite: Database.Database, tx: Tx, now: number): Promise<Counts> {
  const all = (table: string, order: string) => sqlite.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).iterate() as Iterable<Row>
  const versions = new Map<number, number>()
  const counts = {} as Counts
  counts.products = await insertAll(tx, schema.products, all('products', 'id'), (r) => ({
    id: r.id, title: r.title, priceCents: r.price_cents, image: r.image, createdAt: r.created_at, updatedAt: r.updated_at, version: r.version ?? 1, titleKey: String(r.title).toLowerCase()
  }))
  counts.users = await insertAll(tx, schema.users, all('users', 'sub'), (r) => ({
    sub: r.sub, name: r.name, email: r.email, picture: r.picture, isAdmin: Boolean(r.is_admin), firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at
  }))
  counts.audit_log = await insertAll(tx, schema.auditLog, all('audit_log', 'id'), (r) => ({
    id: r.id, at: r.at, actor: r.actor, action: r.action, productId: r.product_id, before: snapshot(r.before, versions, 'before'), after: snapshot(r.after, versions, 'after'), requestId: r.request_id
  }))
  counts.revoked_tokens = await insertAll(tx, schema.revokedTokens, all('revoked_tokens', 'token_id'), (r) => ({ sub: r.sub, tokenId: r.token_id, expiresAt: r.expires_at }))
  counts.subject_revocations = await insertAll(tx, schema.subjectRevocations, all('subject_revocations', 'sub'), (r) => ({ sub: r.sub, revokedBefore: r.revoked_before }))
  counts.idempotency_keys = await insertAll(tx, schema.idempotencyKeys, all('idempotency_keys', 'created_at'), idempotencyRow(now))
  return counts
}

/** Copies everything from the SQLite file at `from` into the empty PostgreSQL database at `to`. */
async function copySqliteToPg (from: string, to: string, now = Date.now()): Promise<Counts> {
  let sqlite: Database.Database
  try {
    sqlite = new Database(sqlitePath(from), { readonly: true, fileMustExist: true })
  } catch (error) {
    throw new SettingError('--from', from, `cannot open: ${firstMessage(error)}`, { cause: error })
  }
  // Opening the store applies the migrations; the copy itself runs in one transaction.
  try {
    await (await openPgStore(to)).close()
  } catch (error) {
    sqlite.close()
    throw new SettingError('--to', to, openFailure(error), { cause: error })
  }
  const client = new pg.Client({ connectionString: to })
  await client.connect()
  try {
    await client.query('BEGIN')
    await client.query(`LOCK TABLE ${TABLES.join(', ')} IN EXCLUSIVE MODE`)
    const existing = await countRows(client)
    if (Object.values(existing).some((n) => n > 0)) throw new Error(`the target database is not empty: ${JSON.stringify(existing)}`)
    const copied = await copyTables(sqlite, drizzle(client, { schema }), now)
    // The change feed starts over on the new backend: every product is a change (tombstones are not copied).
    await client.query(`INSERT INTO product_changes (product_id, xid, seq, deleted, at)
      SELECT id, pg_current_xact_id()::text::bigint, nextval('product_change_seq'), false, updated_at FROM (SELECT id, updated_at FROM products ORDER BY id) AS copied`)
    for (const table of ['products', 'audit_log']) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT max(id) FROM ${table}), 0) + 1, false)`)
    }
    const found = await countRows(client)
    if (JSON.stringify(found) !== JSON.stringify(copied)) throw new Error(`counts differ after the copy: copied ${JSON.stringify(copied)}, found ${JSON.stringify(found)}`)
    await client.query('COMMIT')
    return copied
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    await client.end()
    sqlite.close()
  }
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } })
  if (!values.from || !values.to) throw new Error('usage: npm run db:copy -- --from file:./data/store.db --to postgres://user@host/db')
  const counts = await copySqliteToPg(values.from, values.to)
  for (const table of TABLES) process.stdout.write(`${table}: ${counts[table]}\n`)
  process.stdout.write('counts match\n')
}

main().catch((error: unknown) => {
  process.stderr.write(`db-copy: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
