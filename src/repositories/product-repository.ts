/** A product as the domain sees it: price in integer cents, timestamps as Dates. */
export interface Product {
  id: number
  title: string
  priceCents: number
  image: string
  createdAt: Date
  updatedAt: Date
  /** Increases with every change; ETags are made from it. */
  version: number
}

/** What a client may set; everything else belongs to the server. */
export interface ProductInput {
  title: string
  priceCents: number
  image: string
}

export type ProductSortField = 'id' | 'title' | 'price' | 'createdAt' | 'updatedAt'

export interface ProductSort {
  field: ProductSortField
  descending: boolean
}

/** Where a page starts: after the product with this sort value and id. */
export interface ProductPosition {
  value: string | number
  id: number
}

export interface ProductQuery {
  limit: number
  sort: ProductSort
  /** Lower-case words that must all appear in the title. */
  words: string[]
  minPriceCents: number | null
  maxPriceCents: number | null
  after: ProductPosition | null
}

export interface ProductPage {
  items: Product[]
  /** Where the next page starts, or null on the last page. */
  next: ProductPosition | null
}

/** Who changed what, recorded in the audit trail with the change. */
export interface ChangeContext {
  actor: string
  requestId: string
}

/** The If-Match of a write did not name the current version. */
export class VersionConflict extends Error {
  constructor (readonly current: Product) {
    super('version conflict')
    this.name = 'VersionConflict'
  }
}

/** Some ids of a bulk operation do not exist; nothing was changed. */
export class UnknownProducts extends Error {
  constructor (readonly ids: number[]) {
    super('unknown products')
    this.name = 'UnknownProducts'
  }
}

/**
 * The only way routes reach product data. Kept free of SQLite types so that a
 * PostgreSQL implementation can stand in for it; every method is async for that reason.
 * "Not found" is null (or false for delete), never an exception. Every change writes its
 * audit entry in the same transaction. `ifVersion`, when given, makes the change
 * conditional: a different current version throws VersionConflict and changes nothing.
 */
export interface ProductRepository {
  list(query: ProductQuery): Promise<ProductPage>
  get(id: number): Promise<Product | null>
  create(input: ProductInput, context: ChangeContext): Promise<Product>
  update(id: number, patch: Partial<ProductInput>, context: ChangeContext, ifVersion?: number): Promise<Product | null>
  delete(id: number, context: ChangeContext, ifVersion?: number): Promise<boolean>
  /** All or nothing. */
  createMany(inputs: ProductInput[], context: ChangeContext): Promise<Product[]>
  /** All or nothing: throws UnknownProducts when any id does not exist. */
  deleteMany(ids: number[], context: ChangeContext): Promise<number>
  /** Every product in id order, read lazily so the caller never holds them all. */
  streamAll(): AsyncIterable<Product>
}
