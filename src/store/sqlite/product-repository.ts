import { and, eq, inArray, sql } from 'drizzle-orm'
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
import { SqliteChangeFeed } from './change-feed.js'
import type { SqliteDb } from './db.js'
import { guard, guardSync } from './errors.js'
import { createGroupCommit, type GroupCommit } from './group-commit.js'
import { insertRecord, liveRecord } from './idempotency-repository.js'
import { auditLog, products } from './schema.js'
import { titleKey } from '../query/keyset.js'
import { EXPORT_BATCH, exportBatch, exportBatches, listConditions, listOrder, listPage, listParams, listShape, productColumns, type WordMatch } from '../query/products.js'
import { toSnapshot } from '../query/snapshots.js'

const columns = productColumns(products)

type ProductRow = [id: number, title: string, priceCents: number, image: string, createdAt: number, updatedAt: number, version: number]

/**
 * A row of `columns` read as an array (`.values()`, or a raw-mode statement): Drizzle's generic
 * row mapper was 9% of listing CPU (bench/README.md, past micro-optimisations: 0.90x -> 0.95-0.98x).
 */
function fromRow (row: unknown[]): Product {
  const [id, title, priceCents, image, createdAt, updatedAt, version] = row as ProductRow
  return { id, title, priceCents, image, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt), version }
}

// SQLite's instr() finds the word as it is; its LIKE would fold ASCII case only, and treat % and _ as wildcards.
const wordMatch: WordMatch = (titleKey, word) => sql`instr(${titleKey}, ${word}) > 0`

/**
 * Runs an idempotent write inside the caller's transaction: a live record for (sub, key)
 * makes it a 'duplicate' with nothing written; otherwise the write and its record commit together.
 */
function idempotently<T extends Product | Product[]> (db: SqliteDb, idempotent: IdempotentWrite | undefined, write: () => T): WriteOutcome<T> {
  if (idempotent) {
    const record = liveRecord(db, idempotent.sub, idempotent.key, idempotent.since)
    if (record) return { status: 'duplicate', record }
  }
  const value = write()
  if (idempotent) insertRecord(db, idempotent, value)
  return { status: 'ok', value }
}

export class SqliteProductRepository implements ProductRepository {
  readonly #db: SqliteDb
  // Single-product writes from concurrent requests share commits, each a savepoint (a nested
  // transaction) inside the batch's: 2.6-2.9k -> 5.2-5.8k writes/s (bench/README.md, past
  // micro-optimisations). Bulk writes are one transaction already.
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
    // Drizzle writes the SQL; the driver runs it in raw mode, set once: 8.3 -> 7.1 µs a lookup
    // against Drizzle's prepared .values() (bench/README.md, round seven, a06955c).
    this.#byId = db.$client.prepare<[number], ProductRow>(
      db.select(columns).from(products).where(eq(products.id, sql.placeholder('id'))).toSQL().sql
    ).raw(true)
    const batch = exportBatch(products)
    this.#exportBatch = db.select(columns).from(products).where(batch.where).orderBy(batch.orderBy).limit(EXPORT_BATCH).prepare()
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
      statement = this.#db
        .select(columns)
        .from(products)
        .where(and(...listConditions(products, query, wordMatch)))
        .orderBy(...listOrder(products, query))
        .limit(sql.placeholder('limit'))
        .prepare()
      this.#listStatements.set(shape, statement)
    }
    return statement
  }

  // The two hot reads run synchronously inside their one promise: guard() would add two more.
  async list (query: ProductQuery): Promise<ProductPage> {
    return guardSync(() => listPage(this.#listStatement(query).values(listParams(query)).map(fromRow), query))
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

  async create (input: ProductInput, context: ChangeContext, idempotent?: IdempotentWrite): Promise<WriteOutcome<Product>> {
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

  async createMany (inputs: ProductInput[], context: ChangeContext, idempotent?: IdempotentWrite): Promise<WriteOutcome<Product[]>> {
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

  streamAll (): AsyncIterable<Product> {
    return exportBatches((afterId) => guardSync(() => this.#exportBatch.values({ afterId }).map(fromRow)))
  }

  async changes (after: ChangePosition | null, limit: number): Promise<ChangeOutcome> {
    return guard(() => this.#feed.read(after, limit))
  }

  async purgeTombstones (before: Date): Promise<number> {
    return guard(() => this.#feed.purge(before))
  }
}
