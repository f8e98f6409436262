import type { AuditRepository } from './audit-repository.js'
import type { IdempotencyRepository } from './idempotency-repository.js'
import type { ProductRepository } from './product-repository.js'
import type { RevocationRepository } from './revocation-repository.js'
import type { UserRepository } from './user-repository.js'

/** Everything the app needs from its storage backend, whichever database is behind it. */
export interface Store {
  products: ProductRepository
  users: UserRepository
  revocations: RevocationRepository
  audit: AuditRepository
  idempotency: IdempotencyRepository
  /** True when the backend answers a trivial query. */
  ping(): Promise<boolean>
  close(): Promise<void>
}
