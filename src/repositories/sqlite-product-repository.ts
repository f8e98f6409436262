import { asc, eq, gt, sql } from 'drizzle-orm'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import type * as schema from '../db/schema.js'
import { products } from '../db/schema.js'
import type { Product, ProductInput, ProductPage, ProductRepository } from './product-repository.js'

export type SqliteDb = BetterSQLite3Database<typeof schema>

export class SqliteProductRepository implements ProductRepository {
  readonly #db: SqliteDb
  // Prepared once: rebuilding the query on every request costs more than running it.
  readonly #page
  readonly #byId
  readonly #deleteById

  constructor (db: SqliteDb) {
    this.#db = db
    this.#page = db
      .select()
      .from(products)
      .where(gt(products.id, sql.placeholder('afterId')))
      .orderBy(asc(products.id))
      .limit(sql.placeholder('limit'))
      .prepare()
    this.#byId = db.select().from(products).where(eq(products.id, sql.placeholder('id'))).prepare()
    this.#deleteById = db.delete(products).where(eq(products.id, sql.placeholder('id'))).prepare()
  }

  async list ({ limit, afterId }: { limit: number; afterId: number | null }): Promise<ProductPage> {
    const rows = this.#page.all({ afterId: afterId ?? 0, limit: limit + 1 })
    const items = rows.slice(0, limit)
    const last = items[items.length - 1]
    return { items, nextAfterId: rows.length > limit && last ? last.id : null }
  }

  async get (id: number): Promise<Product | null> {
    return this.#byId.get({ id }) ?? null
  }

  async create (input: ProductInput): Promise<Product> {
    const now = new Date()
    return this.#db.insert(products).values({ ...input, createdAt: now, updatedAt: now }).returning().get()
  }

  async replace (id: number, input: ProductInput): Promise<Product | null> {
    return this.update(id, input)
  }

  async update (id: number, patch: Partial<ProductInput>): Promise<Product | null> {
    const row = this.#db
      .update(products)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(products.id, id))
      .returning()
      .get()
    return row ?? null
  }

  async delete (id: number): Promise<boolean> {
    return this.#deleteById.run({ id }).changes > 0
  }
}
