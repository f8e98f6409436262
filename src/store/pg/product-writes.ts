import { titleKey } from '../query/keyset.js'
import type { AuditAction, ChangeContext, Product, ProductInput } from '../types.js'
import type { PgDb } from './db.js'
import type { ProductSnapshot } from './schema.js'

// Each write below is one statement: one round trip, and one implicit transaction in which the
// product, its audit entry and its change-feed entry are committed together or not at all.
// Data-modifying CTEs all see the same snapshot, so the audit and feed rows read the row the
// first CTE changed through its RETURNING list. Volatile outputs (ids, change numbers) are
// computed after ORDER BY, so they follow the input's order.

const RETURNED = 'id, title, price_cents, image, created_at, updated_at, version'

// The audit snapshot of a returned row, with the keys toSnapshot() writes.
const SNAPSHOT = `jsonb_build_object('id', id, 'title', title, 'priceCents', price_cents, 'image', image,
  'createdAt', created_at, 'updatedAt', updated_at, 'version', version)`

/** The audit and change-feed CTEs for the rows of `source`; $1 is the time, $2 the actor, $3 the request id. */
function recorded (source: string, action: AuditAction, before: string, after: string, deleted: boolean): string {
  return `audited AS (
  INSERT INTO audit_log (at, actor, action, product_id, before, after, request_id)
  SELECT $1::bigint, $2::text, '${action}', id, ${before}, ${after}, $3::text FROM ${source} ORDER BY id
), fed AS (
  INSERT INTO product_changes (product_id, xid, seq, deleted, at)
  SELECT id, pg_current_xact_id()::text::bigint, nextval('product_change_seq'), ${deleted}, $1::bigint FROM ${source} ORDER BY id
  ON CONFLICT (product_id) DO UPDATE SET xid = excluded.xid, seq = excluded.seq, deleted = excluded.deleted, at = excluded.at
)`
}

function createStatement (action: 'create' | 'bulk-create'): string {
  return `WITH input AS (
  SELECT * FROM unnest($4::text[], $5::int[], $6::text[], $7::text[]) WITH ORDINALITY AS i(title, price_cents, image, title_key, n)
), written AS (
  INSERT INTO products (title, price_cents, image, title_key, created_at, updated_at)
  SELECT title, price_cents, image, title_key, $1::bigint, $1::bigint FROM input ORDER BY n
  RETURNING ${RETURNED}
), ${recorded('written', action, 'NULL', SNAPSHOT, false)}
SELECT ${RETURNED} FROM written ORDER BY id`
}

const STATEMENTS = {
  create: createStatement('create'),
  'bulk-create': createStatement('bulk-create'),
  // Only at the version the caller read: a write in between makes it change nothing.
  update: `WITH written AS (
  UPDATE products SET title = $6::text, price_cents = $7::int, image = $8::text, title_key = $9::text,
    updated_at = $1::bigint, version = version + 1
  WHERE id = $4::bigint AND version = $5::int
  RETURNING ${RETURNED}
), ${recorded('written', 'update', '$10::jsonb', SNAPSHOT, false)}
SELECT ${RETURNED} FROM written`,
  delete: `WITH written AS (
  DELETE FROM products WHERE id = $4::bigint AND version = $5::int RETURNING id
), ${recorded('written', 'delete', '$6::jsonb', 'NULL', true)}
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

async function run (db: PgDb, name: keyof typeof STATEMENTS, context: ChangeContext, now: Date, values: unknown[]): Promise<PgProductRow[]> {
  const { rows } = await db.$client.query<PgProductRow>({
    name: `products_${name}`,
    text: STATEMENTS[name],
    values: [now.getTime(), context.actor, context.requestId, ...values]
  })
  return rows
}

/** A product with its timestamps in milliseconds: as the audit trail stores it, and as the table's columns read. */
export function toSnapshot (product: Product): ProductSnapshot {
  return { ...product, createdAt: product.createdAt.getTime(), updatedAt: product.updatedAt.getTime() }
}

export function fromSnapshot (snapshot: ProductSnapshot): Product {
  return { ...snapshot, createdAt: new Date(snapshot.createdAt), updatedAt: new Date(snapshot.updatedAt) }
}

/** Creates `inputs`, on `db`: the pool (the statement is its own transaction) or a transaction's client. */
export async function createProducts (
  db: PgDb,
  inputs: ProductInput[],
  action: 'create' | 'bulk-create',
  context: ChangeContext,
  now: Date
): Promise<Product[]> {
  if (inputs.length === 0) return []
  const rows = await run(db, action, context, now, [
    inputs.map((input) => input.title),
    inputs.map((input) => input.priceCents),
    inputs.map((input) => input.image),
    inputs.map((input) => titleKey(input.title))
  ])
  return rows.map(fromPgRow)
}

/** Changes `before` to `next` if it is still at `before`'s version; null when it is not. */
export async function updateProduct (db: PgDb, before: Product, next: ProductInput, context: ChangeContext, now: Date): Promise<Product | null> {
  const [row] = await run(db, 'update', context, now, [
    before.id, before.version, next.title, next.priceCents, next.image, titleKey(next.title), toSnapshot(before)
  ])
  return row ? fromPgRow(row) : null
}

/** Deletes `before` if it is still at its version; false when it is not. */
export async function deleteProduct (db: PgDb, before: Product, context: ChangeContext, now: Date): Promise<boolean> {
  const rows = await run(db, 'delete', context, now, [before.id, before.version, toSnapshot(before)])
  return rows.length === 1
}
