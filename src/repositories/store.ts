import type { ProductRepository } from './product-repository.js'
import type { RevocationRepository } from './revocation-repository.js'
import type { UserRepository } from './user-repository.js'

/** Everything the app needs from its storage backend, whichever database is behind it. */
export interface Store {
  products: ProductRepository
  users: UserRepository
  revocations: RevocationRepository
  /** True when the backend answers a trivial query. */
  ping(): Promise<boolean>
  close(): Promise<void>
}
