import { titleKey } from '../keyset.js'
import type { ChangeContext, Product, ProductInput } from '../types.js'
import type { PgDb } from './db.js'

// One statement is one round trip and one implicit transaction: the products, their audit
// entries and their change-feed entries are committed together or not at all. The audit
// snapshot has the keys toSnapshot() writes for the other changes; jsonb orders keys itself.
// Change numbers and ids follow the input's order (volatile outputs are computed after ORDER BY).
const CREATE_PRODUCTS = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[]) WITH ORDINALITY AS i(title, price_cents, image, title_key, n)
), created AS (
  INSERT INTO products (title, price_cents, image, title_key, created_at, updated_at)
  SELECT title, price_cents, image, title_key, $5::bigint, $5::bigint FROM input ORDER BY n
  RETURNING id, title, price_cents, image, created_at, updated_at, version
), audited AS (
  INSERT INTO audit_log (at, actor, action, product_id, before, after, request_id)
  SELECT $5::bigint, $6::text, $7::text, id, NULL, jsonb_build_object(
    'id', id, 'title', title, 'priceCents', price_cents, 'image', image,
    'createdAt', created_at, 'updatedAt', updated_at, 'version', version), $8::text
  FROM created ORDER BY id
), changed AS (
  INSERT INTO product_changes (product_id, xid, seq, deleted, at)
  SELECT id, pg_current_xact_id()::text::bigint, nextval('product_change_seq'), false, $5::bigint FROM created ORDER BY id
  ON CONFLICT (product_id) DO UPDATE SET xid = excluded.xid, seq = excluded.seq, deleted = excluded.deleted, at = excluded.at
)
SELECT id, title, price_cents, image, created_at, updated_at, version FROM created ORDER BY id`

interface CreatedRow {
  id: string
  title: string
  price_cents: number
  image: string
  created_at: string
  updated_at: string
  version: number
}

/**
 * Creates `inputs` with their audit entries and change-feed entries, on `db`: the pool (the
 * statement is its own transaction) or a transaction's client.
 */
export async function createProducts (
  db: PgDb,
  inputs: ProductInput[],
  action: 'create' | 'bulk-create',
  context: ChangeContext,
  now: Date
): Promise<Product[]> {
  if (inputs.length === 0) return []
  const { rows } = await db.$client.query<CreatedRow>({
    name: 'products_create',
    text: CREATE_PRODUCTS,
    values: [
      inputs.map((input) => input.title),
      inputs.map((input) => input.priceCents),
      inputs.map((input) => input.image),
      inputs.map((input) => titleKey(input.title)),
      now.getTime(),
      context.actor,
      action,
      context.requestId
    ]
  })
  return rows.map((row) => ({
    id: Number(row.id),
    title: row.title,
    priceCents: row.price_cents,
    image: row.image,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    version: row.version
  }))
}
