import { and, asc, desc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm'
import type {
  AuditAction,
  BulkDeleteOutcome,
  ChangeContext,
  ChangeOutcome,
  ChangePosition,
  IdempotentWrite,
  Precondition,
  Product,
  ProductInput,
  ProductPage,
  ProductQuery,
  ProductRepository,
  WriteOutcome
} from '../types.js'
import { toSnapshot } from './audit-repository.js'
import { SqliteChangeFeed } from './change-feed.js'
import type { SqliteDb } from './db.js'
import { guard, guardSync, translate } from './errors.js'
import { createGroupCommit, type GroupCommit } from './group-commit.js'
import { insertRecord, liveRecord } from './idempotency-repository.js'
import { auditLog, products } from './schema.js'
import { sortValue, titleKey } from '../query/keyset.js'

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
 * A row of `columns` read as an array (`.values()`, or a raw-mode statement): Drizzle's generic
 * row mapper costs the listing more than the query itself, and these seven columns never change shape.
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

// The listing's shape (sort, how many words, which filters) decides its SQL; its values are
// placeholders, so each shape is prepared once and reused.
function listShape (query: ProductQuery): string {
  return [query.sort.field, query.sort.descending, query.words.length, query.minPriceCents !== null, query.maxPriceCents !== null, query.after !== null].join(':')
}

/**
 * Runs an idempotent write inside the caller's transaction: a live record for (sub, key)
 * makes it a 'duplicate' with nothing written; otherwise the write and its record commit together.
 */
function idempotently<T> (db: SqliteDb, idempotent: IdempotentWrite<T> | undefined, write: () => T): WriteOutcome<T> {
  if (idempotent) {
    const record = liveRecord(db, idempotent.sub, idempotent.key, idempotent.since)
    if (record) return { status: 'duplicate', record }
  }
  const value = write()
  if (idempotent) insertRecord(db, idempotent, idempotent.respond(value))
  return { status: 'ok', value }
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
  readonly #feed: SqliteChangeFeed
  readonly #listStatements = new Map<string, { values(params: Record<string, unknown>): unknown[][] }>()

  constructor (db: SqliteDb) {
    this.#db = db
    this.#write = createGroupCommit((body) => db.transaction(body, { behavior: 'immediate' }))
    // Drizzle writes the SQL; the driver runs it in raw mode, set once, on the hottest read.
    // Drizzle's prepared .values() switches raw mode and collects an array on every call.
    this.#byId = db.$client.prepare<[number], ProductRow>(
      db.select(columns).from(products).where(eq(products.id, sql.placeholder('id'))).toSQL().sql
    ).raw(true)
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
    this.#feed = new SqliteChangeFeed(db)
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

  // The two hot reads run synchronously inside their one promise: guard() would add two more.
  async list (query: ProductQuery): Promise<ProductPage> {
    return guardSync(() => {
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
    })
  }

  async get (id: number): Promise<Product | null> {
    return guardSync(() => this.#current(id))
  }

  #current (id: number): Product | null {
    const row = this.#byId.get(id)
    return row ? fromRow(row) : null
  }

  #audit (action: AuditAction, context: ChangeContext, at: Date, productId: number, before: Product | null, after: Product | null): void {
    this.#insertAudit.run({
      at,
      actor: context.actor,
      action,
      productId,
      before: before ? toSnapshot(before) : null,
      after: after ? toSnapshot(after) : null,
      requestId: context.requestId
    })
  }

  #insert (input: ProductInput, now: Date): Product {
    const product = this.#insertProduct.get({ ...input, titleKey: titleKey(input.title), now })
    if (!product) throw new Error('insert returned no row')
    return product
  }

  /** Reads the current row inside the transaction and applies the precondition to it. */
  #check (id: number, precondition: Precondition | undefined): WriteOutcome<Product> {
    const current = this.#current(id)
    if (!current) return { status: 'not-found' }
    if (precondition && !precondition(current)) return { status: 'precondition-failed', current }
    return { status: 'ok', value: current }
  }

  async create (input: ProductInput, context: ChangeContext, idempotent?: IdempotentWrite<Product>): Promise<WriteOutcome<Product>> {
    return guard(() => this.#write(() => this.#db.transaction(() => idempotently(this.#db, idempotent, () => {
      const now = new Date()
      const product = this.#insert(input, now)
      this.#audit('create', context, now, product.id, null, product)
      this.#feed.record([{ id: product.id, deleted: false }], now)
      return product
    }))))
  }

  async update (id: number, patch: Partial<ProductInput>, context: ChangeContext, precondition?: Precondition): Promise<WriteOutcome<Product>> {
    return guard(() => this.#write(() => this.#db.transaction((tx): WriteOutcome<Product> => {
      const checked = this.#check(id, precondition)
      if (checked.status !== 'ok') return checked
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
      if (!after) throw new Error('update returned no row')
      this.#audit('update', context, now, id, checked.value, after)
      this.#feed.record([{ id, deleted: false }], now)
      return { status: 'ok', value: after }
    })))
  }

  async delete (id: number, context: ChangeContext, precondition?: Precondition): Promise<WriteOutcome<Product>> {
    return guard(() => this.#write(() => this.#db.transaction((tx): WriteOutcome<Product> => {
      const checked = this.#check(id, precondition)
      if (checked.status !== 'ok') return checked
      const now = new Date()
      tx.delete(products).where(eq(products.id, id)).run()
      this.#audit('delete', context, now, id, checked.value, null)
      this.#feed.record([{ id, deleted: true }], now)
      return checked
    })))
  }

  async createMany (inputs: ProductInput[], context: ChangeContext, idempotent?: IdempotentWrite<Product[]>): Promise<WriteOutcome<Product[]>> {
    return guard(() => this.#db.transaction(() => idempotently(this.#db, idempotent, () => {
      const now = new Date()
      const created = inputs.map((input) => {
        const product = this.#insert(input, now)
        this.#audit('bulk-create', context, now, product.id, null, product)
        return product
      })
      this.#feed.record(created.map((product) => ({ id: product.id, deleted: false })), now)
      return created
    }), { behavior: 'immediate' }))
  }

  async deleteMany (ids: number[], context: ChangeContext): Promise<BulkDeleteOutcome> {
    return guard(() => this.#db.transaction((tx): BulkDeleteOutcome => {
      const unique = [...new Set(ids)]
      const found = tx.select(columns).from(products).where(inArray(products.id, unique)).all()
      if (found.length !== unique.length) {
        const present = new Set(found.map((product) => product.id))
        return { status: 'unknown-ids', ids: unique.filter((id) => !present.has(id)) }
      }
      const now = new Date()
      tx.delete(products).where(inArray(products.id, unique)).run()
      for (const before of found) this.#audit('bulk-delete', context, now, before.id, before, null)
      this.#feed.record(found.map((before) => ({ id: before.id, deleted: true })), now)
      return { status: 'ok', deleted: found.length }
    }, { behavior: 'immediate' }))
  }

  // Short keyset reads, not one long cursor: no read transaction stays open while a slow client drains.
  async * streamAll (): AsyncIterable<Product> {
    let afterId = 0
    for (;;) {
      let batch: Product[]
      try {
        batch = this.#exportBatch.values({ afterId }).map(fromRow)
      } catch (error) {
        throw translate(error)
      }
      yield * batch
      const last = batch[batch.length - 1]
      if (!last || batch.length < EXPORT_BATCH) return
      afterId = last.id
    }
  }

  async changes (after: ChangePosition | null, limit: number): Promise<ChangeOutcome> {
    return guard(() => this.#feed.read(after, limit))
  }

  async purgeTombstones (before: Date): Promise<number> {
    return guard(() => this.#feed.purge(before))
  }
}
