import type { ProductJson } from '../lib/product-json.js'

export type AuditAction = 'create' | 'update' | 'delete' | 'bulk-create' | 'bulk-delete'

/** One change to one product, with the product as it was before and after (null when absent). */
export interface AuditEntry {
  id: number
  at: Date
  actor: string
  action: AuditAction
  productId: number
  before: ProductJson | null
  after: ProductJson | null
  requestId: string
}

export interface AuditQuery {
  limit: number
  productId: number | null
  actor: string | null
  action: AuditAction | null
  from: Date | null
  to: Date | null
  /** Entries come newest first; a page continues below this id. */
  beforeId: number | null
}

export interface AuditRepository {
  list(query: AuditQuery): Promise<{ items: AuditEntry[]; nextBeforeId: number | null }>
}
