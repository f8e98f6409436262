import { sql } from 'drizzle-orm'
import type { ChangeOutcome, ChangePosition, ProductChange } from '../types.js'
import { type Changed, productChange } from '../query/change-feed.js'
import type { PgDb } from './db.js'
import { guard } from './errors.js'

interface Position {
  x: number
  s: number
}

const BEGINNING: Position = { x: 0, s: 0 }

interface FeedRow extends Record<string, unknown> {
  horizon: string
  purged_xid: string
  purged_seq: string
  product_id: string | null
  xid: string | null
  seq: string | null
  deleted: boolean | null
  at: string | null
  title: string | null
  price_cents: number | null
  image: string | null
  created_at: string | null
  updated_at: string | null
  version: number | null
}

function readPosition (position: ChangePosition): Position | null {
  const { x, s } = position
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
  return valid(x) && valid(s) && Object.keys(position).length === 2 ? { x, s } : null
}

const before = (a: Position, b: Position) => a.x < b.x || (a.x === b.x && a.s < b.s)

function toChange (row: FeedRow): ProductChange {
  const id = Number(row.product_id)
  const product = row.title === null
    ? null
    : {
        id,
        title: row.title,
        priceCents: row.price_cents!,
        image: row.image!,
        createdAt: new Date(Number(row.created_at)),
        updatedAt: new Date(Number(row.updated_at)),
        version: row.version!
      }
  return productChange(id, row.deleted === true, Number(row.at), product)
}

/** Records the changes of the transaction `tx`, numbered in the given order. */
export async function recordChanges (tx: PgDb, changed: Changed[], at: Date): Promise<void> {
  if (changed.length === 0) return
  const ids = changed.map((change) => change.id).join(',')
  const deleted = changed.map((change) => (change.deleted ? 't' : 'f')).join(',')
  await tx.execute(sql`
    INSERT INTO product_changes (product_id, xid, seq, deleted, at)
    SELECT c.id, pg_current_xact_id()::text::bigint, nextval('product_change_seq'), c.deleted, ${at.getTime()}
    FROM unnest(string_to_array(${ids}, ',')::bigint[], string_to_array(${deleted}, ',')::boolean[]) WITH ORDINALITY AS c(id, deleted, n)
    ORDER BY c.n
    ON CONFLICT (product_id) DO UPDATE SET xid = excluded.xid, seq = excluded.seq, deleted = excluded.deleted, at = excluded.at`)
}

/**
 * One statement, so one snapshot: its xmin (the horizon: every transaction below it has
 * ended), the purge watermark, and the changes below the horizon after `after`, with the
 * products' current state. A page that is not full ends at the horizon: any change not
 * returned yet belongs to a transaction at or above it.
 */
export async function readChanges (db: PgDb, after: ChangePosition | null, limit: number): Promise<ChangeOutcome> {
  const from = after === null ? BEGINNING : readPosition(after)
  if (from === null) return { status: 'invalid-position' }
  const { rows } = await guard(() => db.execute<FeedRow>(sql`
    WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS x)
    SELECT h.x AS horizon, f.purged_xid, f.purged_seq, c.*
    FROM horizon h
    CROSS JOIN change_feed f
    LEFT JOIN LATERAL (
      SELECT c.product_id, c.xid, c.seq, c.deleted, c.at, p.title, p.price_cents, p.image, p.created_at, p.updated_at, p.version
      FROM product_changes c LEFT JOIN products p ON p.id = c.product_id
      WHERE (c.xid, c.seq) > (${from.x}, ${from.s}) AND c.xid < h.x
      ORDER BY c.xid, c.seq
      LIMIT ${limit}
    ) c ON true
    WHERE f.id = 1`))
  const first = rows[0]
  if (!first) throw new Error('change_feed has no state row')
  if (after !== null && before(from, { x: Number(first.purged_xid), s: Number(first.purged_seq) })) return { status: 'expired' }
  const found = rows.filter((row) => row.product_id !== null)
  const last = found[found.length - 1]
  const horizon: Position = { x: Number(first.horizon), s: 0 }
  let next: Position = from
  if (found.length === limit && last) next = { x: Number(last.xid), s: Number(last.seq) }
  else if (before(from, horizon)) next = horizon
  return { status: 'ok', page: { items: found.map(toChange), next: { ...next } } }
}

/** Forgets tombstones older than `cutoff` and raises the watermark to the highest one forgotten. */
export async function purgeTombstones (db: PgDb, cutoff: Date): Promise<number> {
  const { rows } = await guard(() => db.execute<{ n: number }>(sql`
    WITH gone AS (
      DELETE FROM product_changes WHERE deleted AND at < ${cutoff.getTime()} RETURNING xid, seq
    ), top AS (
      SELECT xid, seq FROM gone ORDER BY xid DESC, seq DESC LIMIT 1
    ), raised AS (
      UPDATE change_feed f SET purged_xid = top.xid, purged_seq = top.seq
      FROM top WHERE f.id = 1 AND (top.xid, top.seq) > (f.purged_xid, f.purged_seq)
    )
    SELECT count(*)::int AS n FROM gone`))
  return rows[0]?.n ?? 0
}
