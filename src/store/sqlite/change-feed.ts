import { and, asc, eq, gt, lt, sql } from 'drizzle-orm'
import type { ChangeOutcome, ChangePosition, ProductChange } from '../types.js'
import { type Changed, productChange } from '../query/change-feed.js'
import type { SqliteDb } from './db.js'
import { changeFeed, productChanges, products } from './schema.js'

type FeedRow = [productId: number, position: number, deleted: number, at: number, title: string | null, priceCents: number, image: string, createdAt: number, updatedAt: number, version: number]

function toChange (row: unknown[]): ProductChange {
  const [id, , deleted, at, title, priceCents, image, createdAt, updatedAt, version] = row as FeedRow
  const product = title === null ? null : { id, title, priceCents, image, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt), version }
  return productChange(id, Boolean(deleted), at, product)
}

function readPosition (position: ChangePosition): number | null {
  const { p } = position
  return typeof p === 'number' && Number.isSafeInteger(p) && p >= 0 && Object.keys(position).length === 1 ? p : null
}

/**
 * The change feed over SQLite. There is one writer, so a counter moved inside the write's
 * transaction (or savepoint) numbers changes in commit order; a rolled-back write takes its
 * numbers back with it.
 */
export class SqliteChangeFeed {
  readonly #db: SqliteDb
  readonly #advance
  readonly #upsert
  readonly #state
  readonly #page

  constructor (db: SqliteDb) {
    this.#db = db
    const p = sql.placeholder
    this.#advance = db
      .update(changeFeed)
      .set({ lastPosition: sql`${changeFeed.lastPosition} + ${p('count')}` })
      .where(eq(changeFeed.id, 1))
      .returning({ last: changeFeed.lastPosition })
      .prepare()
    this.#upsert = db
      .insert(productChanges)
      .values({ productId: p('id'), position: p('position'), deleted: p('deleted'), at: p('at') })
      .onConflictDoUpdate({
        target: productChanges.productId,
        set: { position: sql`excluded.position`, deleted: sql`excluded.deleted`, at: sql`excluded.at` }
      })
      .prepare()
    this.#state = db.select({ last: changeFeed.lastPosition, purged: changeFeed.purgedThrough }).from(changeFeed).where(eq(changeFeed.id, 1)).prepare()
    this.#page = db
      .select({
        id: productChanges.productId,
        position: productChanges.position,
        deleted: productChanges.deleted,
        at: productChanges.at,
        title: products.title,
        priceCents: products.priceCents,
        image: products.image,
        createdAt: products.createdAt,
        updatedAt: products.updatedAt,
        version: products.version
      })
      .from(productChanges)
      .leftJoin(products, eq(products.id, productChanges.productId))
      .where(gt(productChanges.position, p('after')))
      .orderBy(asc(productChanges.position))
      .limit(p('limit'))
      .prepare()
  }

  /** Records the changes of the current transaction, in the given order. */
  record (changed: Changed[], at: Date): void {
    if (changed.length === 0) return
    const last = this.#advance.get({ count: changed.length })?.last
    if (last === undefined) throw new Error('change_feed has no state row')
    const first = last - changed.length + 1
    changed.forEach(({ id, deleted }, i) => {
      this.#upsert.run({ id, position: first + i, deleted: deleted ? 1 : 0, at: at.getTime() })
    })
  }

  /** One read transaction: the watermark and the page come from the same snapshot. */
  read (after: ChangePosition | null, limit: number): ChangeOutcome {
    const from = after === null ? 0 : readPosition(after)
    if (from === null) return { status: 'invalid-position' }
    return this.#db.transaction((): ChangeOutcome => {
      const state = this.#state.get()
      if (!state) throw new Error('change_feed has no state row')
      if (after !== null && from < state.purged) return { status: 'expired' }
      const rows = this.#page.values({ after: from, limit })
      const lastRow = rows[rows.length - 1] as FeedRow | undefined
      // A page that is not full holds every change there is: later ones are numbered past `last`.
      const next = rows.length === limit && lastRow ? lastRow[1] : Math.max(from, state.last)
      return { status: 'ok', page: { items: rows.map(toChange), next: { p: next } } }
    })
  }

  /** Forgets tombstones older than `before` and raises the watermark past them. */
  purge (before: Date): number {
    return this.#db.transaction((tx) => {
      const gone = tx
        .delete(productChanges)
        .where(and(eq(productChanges.deleted, true), lt(productChanges.at, before.getTime())))
        .returning({ position: productChanges.position })
        .all()
      if (gone.length === 0) return 0
      const highest = gone.reduce((max, row) => Math.max(max, row.position), 0)
      tx.update(changeFeed).set({ purgedThrough: sql`max(${changeFeed.purgedThrough}, ${highest})` }).where(eq(changeFeed.id, 1)).run()
      return gone.length
    }, { behavior: 'immediate' })
  }
}
