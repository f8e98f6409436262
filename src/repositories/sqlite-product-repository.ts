import { and, asc, desc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import type * as schema from '../db/schema.js'
import { createGroupCommit, type GroupCommit } from '../db/group-commit.js'
import { auditLog, products } from '../db/schema.js'
import { titleKey, toProductJson } from '../lib/product-json.js'
import type { AuditAction } from './audit-repository.js'
import {
  type ChangeContext,
  type Product,
  type ProductInput,
  type ProductPage,
  type ProductQuery,
  type ProductRepository,
  UnknownProducts,
  VersionConflict
} from './product-repository.js'

export type SqliteDb = BetterSQLite3Database<typeof schema>

const columns = {
  id: products.id,
  title: products.title,
  priceCents: products.priceCents,
  image: products.image,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
  version: products.version
}

type ProductRow = [id: number, title: string, priceCents: number, image: string, createdAt: number, updatedAt: number, version: number]

/**
 * A row of `columns`, read with `.values()`: Drizzle's generic row mapper costs the listing
 * more than the query itself, and these seven columns never change shape.
 */
function fromRow (row: unknown[]): Product {
  const [id, title, priceCents, image, createdAt, updatedAt, version] = row as ProductRow
  return { id, title, priceCents, image, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt), version }
}

const SORT_COLUMNS = {
  id: products.id,
  title: products.titleKey,
  price: products.priceCents,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt
} as const

const EXPORT_BATCH = 500

function sortValue (product: Product, field: ProductQuery['sort']['field']): string | number {
  switch (field) {
    case 'title': return titleKey(product.title)
    case 'price': return product.priceCents
    case 'createdAt': return product.createdAt.getTime()
    case 'updatedAt': return product.updatedAt.getTime()
    default: return product.id
  }
}

// The listing's shape (sort, how many words, which filters) decides its SQL; its values are
// placeholders, so each shape is prepared once and reused.
function listShape (query: ProductQuery): string {
  return [query.sort.field, query.sort.descending, query.words.length, query.minPriceCents !== null, query.maxPriceCents !== null, query.after !== null].join(':')
}

export class SqliteProductRepository implements ProductRepository {
  readonly #db: SqliteDb
  // Single-product writes from concurrent requests share commits, each a savepoint (a nested
  // transaction) inside the batch's; bulk writes are one transaction already.
  readonly #write: GroupCommit
  readonly #byId
  readonly #exportBatch
  readonly #insertProduct
  readonly #insertAudit
  readonly #listStatements = new Map<string, { values(params: Record<string, unknown>): unknown[][] }>()

  constructor (db: SqliteDb) {
    this.#db = db
    this.#write = createGroupCommit((body) => db.transaction(body, { behavior: 'immediate' }))
    this.#byId = db.select(columns).from(products).where(eq(products.id, sql.placeholder('id'))).prepare()
    this.#exportBatch = db
      .select(columns)
      .from(products)
      .where(gt(products.id, sql.placeholder('afterId')))
      .orderBy(asc(products.id))
      .limit(EXPORT_BATCH)
      .prepare()
    // Writes are prepared once too: building an insert costs as much as running it.
    const p = (name: string) => sql.placeholder(name)
    this.#insertProduct = db
      .insert(products)
      .values({ title: p('title'), priceCents: p('priceCents'), image: p('image'), titleKey: p('titleKey'), createdAt: p('now'), updatedAt: p('now') })
      .returning(columns)
      .prepare()
    this.#insertAudit = db
      .insert(auditLog)
      .values({ at: p('at'), actor: p('actor'), action: p('action'), productId: p('productId'), before: p('before'), after: p('after'), requestId: p('requestId') })
      .prepare()
  }

  #listStatement (query: ProductQuery) {
    const shape = listShape(query)
    let statement = this.#listStatements.get(shape)
    if (!statement) {
      const column = SORT_COLUMNS[query.sort.field]
      const conditions: SQL[] = query.words.map((_, i) => sql`instr(${products.titleKey}, ${sql.placeholder(`w${i}`)}) > 0`)
      if (query.minPriceCents !== null) conditions.push(sql`${products.priceCents} >= ${sql.placeholder('minPrice')}`)
      if (query.maxPriceCents !== null) conditions.push(sql`${products.priceCents} <= ${sql.placeholder('maxPrice')}`)
      if (query.after !== null) {
        const value = sql.placeholder('afterValue')
        const id = sql.placeholder('afterId')
        // A row value, not "a > x OR (a = x AND id > y)": SQLite seeks the (column, id) index
        // with it, where the OR form scans, so deep pages cost what the first one does.
        conditions.push(
          query.sort.field === 'id'
            ? sql`${products.id} ${query.sort.descending ? sql`<` : sql`>`} ${id}`
            : sql`(${column}, ${products.id}) ${query.sort.descending ? sql`<` : sql`>`} (${value}, ${id})`
        )
      }
      const direction = query.sort.descending ? desc : asc
      statement = this.#db
        .select(columns)
        .from(products)
        .where(and(...conditions))
        .orderBy(direction(column), direction(products.id))
        .limit(sql.placeholder('limit'))
        .prepare()
      this.#listStatements.set(shape, statement)
    }
    return statement
  }

  async list (query: ProductQuery): Promise<ProductPage> {
    const params: Record<string, unknown> = { limit: query.limit + 1 }
    query.words.forEach((word, i) => {
      params[`w${i}`] = word
    })
    if (query.minPriceCents !== null) params.minPrice = query.minPriceCents
    if (query.maxPriceCents !== null) params.maxPrice = query.maxPriceCents
    if (query.after !== null) {
      params.afterValue = query.after.value
      params.afterId = query.after.id
    }
    const rows = this.#listStatement(query).values(params)
    const items = rows.slice(0, query.limit).map(fromRow)
    const last = items[items.length - 1]
    return {
      items,
      next: rows.length > query.limit && last ? { value: sortValue(last, query.sort.field), id: last.id } : null
    }
  }

  async get (id: number): Promise<Product | null> {
    return this.#current(id)
  }

  #current (id: number): Product | null {
    const row = this.#byId.values({ id })[0]
    return row ? fromRow(row) : null
  }

  #audit (action: AuditAction, context: ChangeContext, at: Date, productId: number, before: Product | null, after: Product | null): void {
    this.#insertAudit.run({
      at,
      actor: context.actor,
      action,
      productId,
      before: before ? toProductJson(before) : null,
      after: after ? toProductJson(after) : null,
      requestId: context.requestId
    })
  }

  #insert (input: ProductInput, now: Date): Product {
    const product = this.#insertProduct.get({ ...input, titleKey: titleKey(input.title), now })
    if (!product) throw new Error('insert returned no row')
    return product
  }

  async create (input: ProductInput, context: ChangeContext): Promise<Product> {
    return this.#write(() => this.#db.transaction(() => {
      const now = new Date()
      const product = this.#insert(input, now)
      this.#audit('create', context, now, product.id, null, product)
      return product
    }))
  }

  async update (id: number, patch: Partial<ProductInput>, context: ChangeContext, ifVersion?: number): Promise<Product | null> {
    return this.#write(() => this.#db.transaction((tx) => {
      const before = this.#current(id)
      if (!before) return null
      if (ifVersion !== undefined && before.version !== ifVersion) throw new VersionConflict(before)
      const now = new Date()
      const after = tx
        .update(products)
        .set({
          ...patch,
          ...(patch.title !== undefined ? { titleKey: titleKey(patch.title) } : {}),
          updatedAt: now,
          version: sql`${products.version} + 1`
        })
        .where(eq(products.id, id))
        .returning(columns)
        .get()
      this.#audit('update', context, now, id, before, after)
      return after
    }))
  }

  async delete (id: number, context: ChangeContext, ifVersion?: number): Promise<boolean> {
    return this.#write(() => this.#db.transaction((tx) => {
      const before = this.#current(id)
      if (!before) return false
      if (ifVersion !== undefined && before.version !== ifVersion) throw new VersionConflict(before)
      tx.delete(products).where(eq(products.id, id)).run()
      this.#audit('delete', context, new Date(), id, before, null)
      return true
    }))
  }

  async createMany (inputs: ProductInput[], context: ChangeContext): Promise<Product[]> {
    return this.#db.transaction(() => {
      const now = new Date()
      return inputs.map((input) => {
        const product = this.#insert(input, now)
        this.#audit('bulk-create', context, now, product.id, null, product)
        return product
      })
    }, { behavior: 'immediate' })
  }

  async deleteMany (ids: number[], context: ChangeContext): Promise<number> {
    return this.#db.transaction((tx) => {
      const unique = [...new Set(ids)]
      const found = tx.select(columns).from(products).where(inArray(products.id, unique)).all()
      if (found.length !== unique.length) {
        const present = new Set(found.map((product) => product.id))
        throw new UnknownProducts(unique.filter((id) => !present.has(id)))
      }
      const now = new Date()
      tx.delete(products).where(inArray(products.id, unique)).run()
      for (const before of found) this.#audit('bulk-delete', context, now, before.id, before, null)
      return found.length
    }, { behavior: 'immediate' })
  }

  // Short keyset reads, not one long cursor: no read transaction stays open while a slow client drains.
  async * streamAll (): AsyncIterable<Product> {
    let afterId = 0
    for (;;) {
      const batch = this.#exportBatch.values({ afterId }).map(fromRow)
      yield * batch
      const last = batch[batch.length - 1]
      if (!last || batch.length < EXPORT_BATCH) return
      afterId = last.id
    }
  }
}
