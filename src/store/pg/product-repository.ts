import { and, asc, eq, inArray, like, sql } from 'drizzle-orm'
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
import { createProducts, deleteProduct, fromPgRow, type PgProductRow, updateProduct } from './product-writes.js'
import { auditLog, products } from './schema.js'
import { titleKey } from '../query/keyset.js'
import { EXPORT_BATCH, exportBatch, exportBatches, listConditions, listOrder, listPage, listParams, listShape, productColumns, type WordMatch } from '../query/products.js'
import { fromMillis, fromSnapshot, toSnapshot } from '../query/snapshots.js'

// Drizzle selects these without aliases, so the reads run on pg get rows keyed by the
// column names (PgProductRow); the keys here name the fields for Drizzle's own queries.
const columns = productColumns(products)

// A product written this many times while one change was being made: answer "not now" instead.
const CHANGE_ATTEMPTS = 20

/** A LIKE pattern matching `word` anywhere, its wildcards taken literally. */
function containing (word: string): string {
  return `%${titleKey(word).replace(/[\\%_]/g, '\\$&')}%`
}

// Trigrams (the products_title_key_trgm index) serve LIKE '%word%' on the title key.
const wordMatch: WordMatch = (titleKey, word) => like(titleKey, word)

type Write<T> = (tx: PgDb, now: Date) => Promise<WriteOutcome<T>>

export class PgProductRepository implements ProductRepository {
  readonly #context: PgContext
  readonly #byId
  readonly #exportBatch
  readonly #listStatements = new Map<string, (params: Record<string, unknown>) => Promise<PgProductRow[]>>()

  constructor (context: PgContext) {
    this.#context = context
    const { db, pool } = context
    // The two hot reads (get-one, the list) on pg's named statements: about 5 µs a read (db.ts).
    this.#byId = namedStatement<PgProductRow>(pool, 'products_by_id', db.select(columns).from(products).where(eq(products.id, sql.placeholder('id'))))
    const batch = exportBatch(products)
    // Not a bench scenario: Drizzle's own prepared statement.
    this.#exportBatch = db.select(columns).from(products).where(batch.where).orderBy(batch.orderBy).limit(EXPORT_BATCH).prepare('products_export')
  }

  #listStatement (query: ProductQuery) {
    const name = `products_list_${listShape(query)}`
    let statement = this.#listStatements.get(name)
    if (!statement) {
      statement = namedStatement<PgProductRow>(this.#context.pool, name, this.#context.db
        .select(columns)
        .from(products)
        .where(and(...listConditions(products, query, wordMatch)))
        .orderBy(...listOrder(products, query))
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
    const rows = await guard(() => this.#listStatement(query)(listParams(query, containing)))
    return listPage(rows.map(fromPgRow), query)
  }

  async get (id: number): Promise<Product | null> {
    const [row] = await guard(() => this.#byId({ id }))
    return row ? fromPgRow(row) : null
  }

  /** Runs `write` in one transaction, with its idempotency record when `idempotent` is given. */
  async #write<T extends Product | Product[]> (write: Write<T>, idempotent?: IdempotentWrite): Promise<WriteOutcome<T>> {
    const outcome = await transaction(this.#context.db, async (tx): Promise<WriteOutcome<T> | 'lost-race'> => {
      const result = await write(tx, new Date())
      if (idempotent && result.status === 'ok' && !(await insertRecord(tx, idempotent, result.value))) {
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

  async create (input: ProductInput, context: ChangeContext, idempotent?: IdempotentWrite): Promise<WriteOutcome<Product>> {
    if (!idempotent) return { status: 'ok', value: (await guard(() => createProducts(this.#context.db, [input], 'create', context, new Date())))[0]! }
    return this.#write(async (tx, now) => ({ status: 'ok', value: (await createProducts(tx, [input], 'create', context, now))[0]! }), idempotent)
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

  async createMany (inputs: ProductInput[], context: ChangeContext, idempotent?: IdempotentWrite): Promise<WriteOutcome<Product[]>> {
    return this.#create(inputs, 'bulk-create', context, idempotent)
  }

  // Without an Idempotency-Key a create is one statement; with one, the record joins its transaction.
  async #create (inputs: ProductInput[], action: 'create' | 'bulk-create', context: ChangeContext, idempotent?: IdempotentWrite): Promise<WriteOutcome<Product[]>> {
    if (!idempotent) return { status: 'ok', value: await guard(() => createProducts(this.#context.db, inputs, action, context, new Date())) }
    return this.#write(async (tx, now) => ({ status: 'ok', value: await createProducts(tx, inputs, action, context, now) }), idempotent)
  }

  async deleteMany (ids: number[], context: ChangeContext): Promise<BulkDeleteOutcome> {
    const unique = [...new Set(ids)]
    return transaction(this.#context.db, async (tx): Promise<BulkDeleteOutcome> => {
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

  streamAll (): AsyncIterable<Product> {
    return exportBatches(async (afterId) => (await guard(() => this.#exportBatch.execute({ afterId }))).map(fromMillis))
  }

  async changes (after: ChangePosition | null, limit: number): Promise<ChangeOutcome> {
    return readChanges(this.#context.db, after, limit)
  }

  async purgeTombstones (before: Date): Promise<number> {
    return purgeTombstones(this.#context.db, before)
  }
}
