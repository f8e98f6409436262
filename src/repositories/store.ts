import type { ProductRepository } from './product-repository.js'

/** Everything the app needs from its storage backend, whichever database is behind it. */
export interface Store {
  products: ProductRepository
  /** True when the backend answers a trivial query. */
  ping(): Promise<boolean>
  close(): Promise<void>
}
