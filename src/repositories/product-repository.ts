/** A product as the domain sees it: price in integer cents, timestamps as Dates. */
export interface Product {
  id: number
  title: string
  priceCents: number
  image: string
  createdAt: Date
  updatedAt: Date
}

/** What a client may set; everything else belongs to the server. */
export interface ProductInput {
  title: string
  priceCents: number
  image: string
}

export interface ProductPage {
  items: Product[]
  /** The id after which the next page starts, or null on the last page. */
  nextAfterId: number | null
}

/**
 * The only way routes reach product data. Kept free of SQLite types so that a
 * PostgreSQL implementation can stand in for it; every method is async for that reason.
 * "Not found" is null (or false for delete), never an exception.
 */
export interface ProductRepository {
  list(query: { limit: number; afterId: number | null }): Promise<ProductPage>
  get(id: number): Promise<Product | null>
  create(input: ProductInput): Promise<Product>
  replace(id: number, input: ProductInput): Promise<Product | null>
  update(id: number, patch: Partial<ProductInput>): Promise<Product | null>
  delete(id: number): Promise<boolean>
}
