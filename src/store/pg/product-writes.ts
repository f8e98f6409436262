import { type SQL, sql } from 'drizzle-orm'
import { PgDialect, PgTransaction } from 'drizzle-orm/pg-core'
import { titleKey } from '../query/keyset.js'
import { toSnapshot } from '../query/snapshots.js'
import type { AuditAction, ChangeContext, Product, ProductInput } from '../types.js'
import type { PgDb, PgPoolDb } from './db.js'

// Each write below is one statement: one round trip, and one implicit transaction in which the
// product, its audit entry and its change-feed entry are committed together or not at all (it
// was five round trips: 537 -> 1,481 creates/s, 541 -> 1,323 updates/s; bench/README.md, round
// three). Data-modifying CTEs all see the same snapshot, so the audit and feed rows read the row
// the first CTE changed through its RETURNING list. Volatile outputs (ids, change numbers) are
// computed after ORDER BY, so they follow the input's order. Drizzle's builders cannot express
// these CTEs; they are written in its `sql` template, so values are always parameters.

const RETURNED = sql.raw('id, title, price_cents, image, created_at, updated_at, version')

// The audit snapshot of a returned row, with the keys toSnapshot() writes.
const SNAPSHOT = sql.raw(`jsonb_build_object('id', id, 'title', title, 'priceCents', price_cents, 'image', image,
  'createdAt', created_at, 'updatedAt', updated_at, 'version', version)`)

/** Who changed what and when: the values every write statement records. */
interface Change {
  now: number
  context: ChangeContext
  action: AuditAction
}

/** The audit and change-feed CTEs for the rows `written` returned. */
function recorded ({ now, context, action }: Change, before: SQL, after: SQL, deleted: boolean): SQL {
  return sql`audited AS (
  INSERT INTO audit_log (at, actor, action, product_id, before, after, request_id)
  SELECT ${now}::bigint, ${context.actor}::text, ${action}::text, id, ${before}, ${after}, ${context.requestId}::text FROM written ORDER BY id
), fed AS (
  INSERT INTO product_changes (product_id, xid, seq, deleted, at)
  SELECT id, pg_current_xact_id()::text::bigint, nextval('product_change_seq'), ${sql.raw(String(deleted))}, ${now}::bigint FROM written ORDER BY id
  ON CONFLICT (product_id) DO UPDATE SET xid = excluded.xid, seq = excluded.seq, deleted = excluded.deleted, at = excluded.at
)`
}

function createStatement (change: Change, inputs: ProductInput[]): SQL {
  const column = (pick: (input: ProductInput) => unknown) => sql.param(inputs.map(pick))
  return sql`WITH input AS (
  SELECT * FROM unnest(${column((i) => i.title)}::text[], ${column((i) => i.priceCents)}::int[], ${column((i) => i.image)}::text[],
    ${column((i) => titleKey(i.title))}::text[]) WITH ORDINALITY AS i(title, price_cents, image, title_key, n)
), written AS (
  INSERT INTO products (title, price_cents, image, title_key, created_at, updated_at)
  SELECT title, price_cents, image, title_key, ${change.now}::bigint, ${change.now}::bigint FROM input ORDER BY n
  RETURNING ${RETURNED}
), ${recorded(change, sql`NULL`, SNAPSHOT, false)}
SELECT ${RETURNED} FROM written ORDER BY id`
}

// Only at the version the caller read: a write in between makes it change nothing.
function updateStatement (change: Change, before: Product, next: ProductInput): SQL {
  return sql`WITH written AS (
  UPDATE products SET title = ${next.title}::text, price_cents = ${next.priceCents}::int, image = ${next.image}::text,
    title_key = ${titleKey(next.title)}::text, updated_at = ${change.now}::bigint, version = version + 1
  WHERE id = ${before.id}::bigint AND version = ${before.version}::int
  RETURNING ${RETURNED}
), ${recorded(change, sql`${toSnapshot(before)}::jsonb`, SNAPSHOT, false)}
SELECT ${RETURNED} FROM written`
}

function deleteStatement (change: Change, before: Product): SQL {
  return sql`WITH written AS (
  DELETE FROM products WHERE id = ${before.id}::bigint AND version = ${before.version}::int RETURNING id
), ${recorded(change, sql`${toSnapshot(before)}::jsonb`, sql`NULL`, true)}
SELECT id FROM written`
}

/** A products row as pg reads it: bigint columns come as strings. */
export interface PgProductRow {
  id: string
  title: string
  price_cents: number
  image: string
  created_at: string
  updated_at: string
  version: number
}

export function fromPgRow (row: PgProductRow): Product {
  return {
    id: Number(row.id),
    title: row.title,
    priceCents: row.price_cents,
    image: row.image,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    version: row.version
  }
}

const dialect = new PgDialect()

const onPool = (db: PgDb): db is PgPoolDb => !(db instanceof PgTransaction)

/**
 * Runs a write statement: in a transaction through Drizzle; on the pool as pg's named prepared
 * statement `products_<action>` (its text is the same for every call, only the values change).
 */
async function run (db: PgDb, change: Change, statement: SQL): Promise<PgProductRow[]> {
  if (!onPool(db)) return (await db.execute<Record<string, unknown>>(statement)).rows as unknown as PgProductRow[]
  const { sql: text, params } = dialect.sqlToQuery(statement)
  return (await db.$client.query<PgProductRow>({ name: `products_${change.action}`, text, values: params })).rows
}

/** Creates `inputs`, on `db`: the pool (the statement is its own transaction) or a transaction. */
export async function createProducts (
  db: PgDb,
  inputs: ProductInput[],
  action: 'create' | 'bulk-create',
  context: ChangeContext,
  now: Date
): Promise<Product[]> {
  if (inputs.length === 0) return []
  const change = { now: now.getTime(), context, action }
  return (await run(db, change, createStatement(change, inputs))).map(fromPgRow)
}

/** Changes `before` to `next` if it is still at `before`'s version; null when it is not. */
export async function updateProduct (db: PgPoolDb, before: Product, next: ProductInput, context: ChangeContext, now: Date): Promise<Product | null> {
  const change: Change = { now: now.getTime(), context, action: 'update' }
  const [row] = await run(db, change, updateStatement(change, before, next))
  return row ? fromPgRow(row) : null
}

/** Deletes `before` if it is still at its version; false when it is not. */
export async function deleteProduct (db: PgPoolDb, before: Product, context: ChangeContext, now: Date): Promise<boolean> {
  const change: Change = { now: now.getTime(), context, action: 'delete' }
  return (await run(db, change, deleteStatement(change, before))).length === 1
}
