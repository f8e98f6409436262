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
import { StoreUnavailable } from '../types.js'
import { purgeTombstones, readChanges, recordChanges } from './change-feed.js'
import { namedStatement, type PgContext, type PgDb, Rollback, transaction } from './db.js'
import { guard } from './errors.js'
import { findLiveRecord, insertRecord } from './idempotency-repository.js'
import { createProducts, deleteProduct, fromPgRow, fromSnapshot, type PgProductRow, toSnapshot, updateProduct } from './product-writes.js'
import { auditLog, products } from './schema.js'
import { sortValue, titleKey } from '../query/keyset.js'

// Drizzle selects these without aliases, so the reads run on pg get rows keyed by the
// column names (PgProductRow); the keys here name the fields for Drizzle's own queries.
const columns = {
  id: products.id,
  title: products.title,
  priceCents: products.priceCents,
  image: products.image,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
  version: products.version
}

const SORT_COLUMNS = {
  id: products.id,
  title: products.titleKey,
  price: products.priceCents,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt
} as const

const EXPORT_BATCH = 500
// A product written this many times while one change was being made: answer "not now" instead.
const CHANGE_ATTEMPTS = 20

/** A LIKE pattern matching `word` anywhere, its wildcards taken literally. */
function containing (word: string): string {
  return `%${titleKey(word).replace(/[\\%_]/g, '\\$&')}%`
}

// The listing's shape decides its SQL and so its prepared statement's name; values are parameters.
function listShape (query: ProductQuery): string {
  const flag = (on: boolean) => (on ? '1' : '0')
  return `products_list_${query.sort.field}_${query.sort.descending ? 'd' : 'a'}_w${query.words.length}_` +
    flag(query.minPriceCents !== null) + flag(query.maxPriceCents !== null) + flag(query.after !== null)
}

type Write<T> = (tx: PgDb, now: Date) => Promise<WriteOutcome<T>>

export class PgProductRepository implements ProductRepository {
  readonly #context: PgContext
  readonly #byId
  readonly #exportBatch
  readonly #listStatements = new Map<string, (params: Record<string, unknown>) => Promise<PgProductRow[]>>()

  constructor (context: PgContext) {
    this.#context = context
    const { db, pool } = context
    this.#byId = namedStatement<PgProductRow>(pool, 'products_by_id', db.select(columns).from(products).where(eq(products.id, sql.placeholder('id'))))
    this.#exportBatch = namedStatement<PgProductRow>(pool, 'products_export', db
      .select(columns)
      .from(products)
      .where(gt(products.id, sql.placeholder('afterId')))
      .orderBy(asc(products.id))
      .limit(EXPORT_BATCH))
  }

  #listStatement (query: ProductQuery) {
    const name = listShape(query)
    let statement = this.#listStatements.get(name)
    if (!statement) {
      const column = SORT_COLUMNS[query.sort.field]
      const conditions: SQL[] = query.words.map((_, i) => sql`${products.titleKey} LIKE ${sql.placeholder(`w${i}`)}`)
      if (query.minPriceCents !== null) conditions.push(sql`${products.priceCents} >= ${sql.placeholder('minPrice')}`)
      if (query.maxPriceCents !== null) conditions.push(sql`${products.priceCents} <= ${sql.placeholder('maxPrice')}`)
      if (query.after !== null) {
        const operator = query.sort.descending ? sql`<` : sql`>`
        const id = sql.placeholder('afterId')
        // A row comparison seeks the (column, id) index; the OR form would not.
        conditions.push(
          query.sort.field === 'id'
            ? sql`${products.id} ${operator} ${id}`
            : sql`(${column}, ${products.id}) ${operator} (${sql.placeholder('afterValue')}, ${id})`
        )
      }
      const direction = query.sort.descending ? desc : asc
      statement = namedStatement<PgProductRow>(this.#context.pool, name, this.#context.db
        .select(columns)
        .from(products)
        .where(and(...conditions))
        .orderBy(direction(column), direction(products.id))
        .limit(sql.placeholder('limit')))
      this.#listStatements.set(name, statement)
    }
    return statement
  }

  async list (query: ProductQuery): Promise<ProductPage> {
    const { after, sort } = query
    // PostgreSQL text cannot hold NUL, so no title contains a word that does.
    if (query.words.some((word) => word.includes('\u0000'))) return { items: [], next: null }
    if (after !== null && sort.field !== 'id' && (typeof after.value === 'string') !== (sort.field === 'title')) {
      // A cursor value of the other type: SQLite orders every number before every text, so
      // the page after it is either everything or nothing. Same answers on both backends.
      const everything = (typeof after.value === 'string') === sort.descending
      return everything ? this.list({ ...query, after: null }) : { items: [], next: null }
    }
    const params: Record<string, unknown> = { limit: query.limit + 1 }
    query.words.forEach((word, i) => {
      params[`w${i}`] = containing(word)
    })
    if (query.minPriceCents !== null) params.minPrice = query.minPriceCents
    if (query.maxPriceCents !== null) params.maxPrice = query.maxPriceCents
    if (query.after !== null) {
      params.afterValue = query.after.value
      params.afterId = query.after.id
    }
    const rows = await guard(() => this.#listStatement(query)(params))
    const items = rows.slice(0, query.limit).map(fromPgRow)
    const last = items[items.length - 1]
    return {
      items,
      next: rows.length > query.limit && last ? { value: sortValue(last, query.sort.field), id: last.id } : null
    }
  }

  async get (id: number): Promise<Product | null> {
    const [row] = await guard(() => this.#byId({ id }))
    return row ? fromPgRow(row) : null
  }

  /** Runs `write` in one transaction, with its idempotency record when `idempotent` is given. */
  async #write<T> (write: Write<T>, idempotent?: IdempotentWrite<T>): Promise<WriteOutcome<T>> {
    const outcome = await transaction(this.#context.pool, async (tx): Promise<WriteOutcome<T> | 'lost-race'> => {
      const result = await write(tx, new Date())
      if (idempotent && result.status === 'ok' && !(await insertRecord(tx, idempotent, idempotent.respond(result.value)))) {
        throw new Rollback('lost-race' as const)
      }
      return result
    })
    if (outcome !== 'lost-race') return outcome
    const record = idempotent && (await findLiveRecord(this.#context.db, idempotent.sub, idempotent.key, idempotent.since))
    if (!record) throw new Error('idempotency record vanished after a conflicting insert')
    return { status: 'duplicate', record }
  }

  async #audit (tx: PgDb, action: AuditAction, context: ChangeContext, at: Date, changes: Array<{ before: Product | null, after: Product | null }>): Promise<void> {
    if (changes.length === 0) return
    await tx.insert(auditLog).values(changes.map(({ before, after }) => ({
      at: at.getTime(),
      actor: context.actor,
      action,
      productId: (after ?? before)!.id,
      before: before ? toSnapshot(before) : null,
      after: after ? toSnapshot(after) : null,
      requestId: context.requestId
    })))
  }

  async create (input: ProductInput, context: ChangeContext, idempotent?: IdempotentWrite<Product>): Promise<WriteOutcome<Product>> {
    const respond = idempotent && { ...idempotent, respond: (created: Product[]) => idempotent.respond(created[0]!) }
    const outcome = await this.#create([input], 'create', context, respond)
    return outcome.status === 'ok' ? { status: 'ok', value: outcome.value[0]! } : outcome
  }

  async update (id: number, patch: Partial<ProductInput>, context: ChangeContext, precondition?: Precondition): Promise<WriteOutcome<Product>> {
    return this.#compareAndSet(id, precondition, (before, now) =>
      updateProduct(this.#context.db, before, { title: before.title, priceCents: before.priceCents, image: before.image, ...patch }, context, now))
  }

  async delete (id: number, context: ChangeContext, precondition?: Precondition): Promise<WriteOutcome<Product>> {
    return this.#compareAndSet(id, precondition, async (before, now) =>
      (await deleteProduct(this.#context.db, before, context, now)) ? before : null)
  }

  /**
   * A change to one product as one statement, without holding a lock across round trips: read
   * it, check the precondition, and write only if it is still at the version read. A write in
   * between makes the statement change nothing; then read again and check again. Each retry
   * means another write succeeded, so the store as a whole always moves on.
   */
  async #compareAndSet (id: number, precondition: Precondition | undefined, write: (before: Product, now: Date) => Promise<Product | null>): Promise<WriteOutcome<Product>> {
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
      const before = await this.get(id)
      if (!before) return { status: 'not-found' }
      if (precondition && !precondition(before)) return { status: 'precondition-failed', current: before }
      const value = await guard(() => write(before, new Date()))
      if (value) return { status: 'ok', value }
    }
    throw new StoreUnavailable(`product ${id} kept changing under ${CHANGE_ATTEMPTS} attempts to change it; try again`)
  }

  async createMany (inputs: ProductInput[], context: ChangeContext, idempotent?: IdempotentWrite<Product[]>): Promise<WriteOutcome<Product[]>> {
    return this.#create(inputs, 'bulk-create', context, idempotent)
  }

  // Without an Idempotency-Key a create is one statement; with one, the record joins its transaction.
  async #create (inputs: ProductInput[], action: 'create' | 'bulk-create', context: ChangeContext, idempotent?: IdempotentWrite<Product[]>): Promise<WriteOutcome<Product[]>> {
    if (!idempotent) return { status: 'ok', value: await guard(() => createProducts(this.#context.db, inputs, action, context, new Date())) }
    return this.#write(async (tx, now) => ({ status: 'ok', value: await createProducts(tx, inputs, action, context, now) }), idempotent)
  }

  async deleteMany (ids: number[], context: ChangeContext): Promise<BulkDeleteOutcome> {
    const unique = [...new Set(ids)]
    return transaction(this.#context.pool, async (tx): Promise<BulkDeleteOutcome> => {
      if (unique.length === 0) return { status: 'ok', deleted: 0 }
      const rows = await tx.select(columns).from(products).where(inArray(products.id, unique)).orderBy(asc(products.id)).for('update')
      if (rows.length !== unique.length) {
        const present = new Set(rows.map((row) => row.id))
        return { status: 'unknown-ids', ids: unique.filter((id) => !present.has(id)) }
      }
      const now = new Date()
      await tx.delete(products).where(inArray(products.id, unique))
      await this.#audit(tx, 'bulk-delete', context, now, rows.map((row) => ({ before: fromSnapshot(row), after: null })))
      await recordChanges(tx, rows.map((row) => ({ id: row.id, deleted: true })), now)
      return { status: 'ok', deleted: rows.length }
    })
  }

  // Short keyset reads, not one long cursor: no transaction stays open while a slow client drains.
  async * streamAll (): AsyncIterable<Product> {
    let afterId = 0
    for (;;) {
      const batch = (await guard(() => this.#exportBatch({ afterId }))).map(fromPgRow)
      yield * batch
      const last = batch[batch.length - 1]
      if (!last || batch.length < EXPORT_BATCH) return
      afterId = last.id
    }
  }

  async changes (after: ChangePosition | null, limit: number): Promise<ChangeOutcome> {
    return readChanges(this.#context.db, after, limit)
  }

  async purgeTombstones (before: Date): Promise<number> {
    return purgeTombstones(this.#context.db, before)
  }
}
